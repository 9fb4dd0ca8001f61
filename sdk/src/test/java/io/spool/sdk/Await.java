package io.spool.sdk;

import io.spool.testsupport.Deadline;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The SDK tests' defaults for {@link Deadline}: 20 s, polled every 5 ms (the work they wait for is
 * in-process and quick, and a short poll keeps the tests fast).
 */
final class Await {
    private Await() {}

    static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(20), condition);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        Deadline.of(timeout).every(Duration.ofMillis(5)).await(what, condition::getAsBoolean);
    }
}
