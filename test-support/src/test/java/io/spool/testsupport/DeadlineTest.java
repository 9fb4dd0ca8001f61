package io.spool.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    @Test
    void returnsAsSoonAsTheConditionHoldsAndTreatsAnExceptionAsNotYet() {
        AtomicInteger calls = new AtomicInteger();
        Deadline.of(Duration.ofSeconds(10)).every(Duration.ofMillis(1)).await("the third call", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("not listening yet");
            }
            return calls.get() >= 3;
        });
        assertThat(calls).hasValue(3);
    }

    @Test
    void aTimeoutNamesWhatItWaitedForTheLastFailureAndTheContext() {
        assertThatThrownBy(() -> Deadline.of(Duration.ofMillis(50))
                        .every(Duration.ofMillis(5))
                        .await(
                                "the commit",
                                () -> {
                                    throw new IOException("connection refused");
                                },
                                () -> "writer log: nothing committed"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out after 0.05 s waiting for the commit")
                .hasMessageContaining("last attempt: java.io.IOException: connection refused")
                .hasMessageContaining("writer log: nothing committed");
    }

    @Test
    void anAssertionErrorFromTheConditionFailsAtOnce() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Deadline.of(Duration.ofSeconds(30)).await("a process that exited", () -> {
                    throw new AssertionError("it exited with 1");
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessage("it exited with 1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
