package io.spool.collector.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs requests refused for an unknown write key: a client with a stale or mistyped key is worth a
 * line, but it sends many requests a second, so at most one WARN line per interval, with how many
 * were refused since the last line and the latest key as a short prefix ({@link KeyLabels#prefix}).
 * The first refusal is logged at once. Lock-free: I/O threads call it concurrently.
 */
final class RefusedKeys {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(RefusedKeys.class);

    private final long intervalNanos;
    private final LongSupplier nanos;
    private final AtomicLong count = new AtomicLong();
    /** When the next line may be written. */
    private final AtomicLong next;

    private static final long NEVER = Long.MIN_VALUE;
    /** When the last line was written; only the thread that won {@code next} writes it. */
    private volatile long lastLine = NEVER;

    RefusedKeys() {
        this(INTERVAL, System::nanoTime);
    }

    RefusedKeys(Duration interval, LongSupplier nanos) {
        this.intervalNanos = interval.toNanos();
        this.nanos = nanos;
        this.next = new AtomicLong(nanos.getAsLong());
    }

    void refused(String key) {
        count.incrementAndGet();
        long now = nanos.getAsLong();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + intervalNanos)) {
            return; // logged within the interval, or another thread is logging now
        }
        long n = count.getAndSet(0);
        long previous = lastLine;
        lastLine = now;
        if (previous == NEVER) {
            log.warn(
                    "Refused a request with an unknown write key {}; a client has a stale or mistyped key (the"
                            + " collector takes those of --write-key and --write-keys-file). Further refusals: one line a"
                            + " minute at most",
                    shown(key));
        } else {
            log.warn(
                    "Refused {} request{} with an unknown write key in the last {}, the latest with {}",
                    n,
                    n == 1 ? "" : "s",
                    seconds(now - previous),
                    shown(key));
        }
    }

    private static String shown(String key) {
        return "'" + KeyLabels.prefix(key) + "'";
    }

    private static String seconds(long nanos) {
        return Math.round(nanos / 1e9) + " s";
    }
}
