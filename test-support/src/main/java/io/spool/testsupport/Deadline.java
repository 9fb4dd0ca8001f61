package io.spool.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: tests wait for work this way, never with a
 * blind sleep. {@code Deadline.of(Duration.ofSeconds(30)).await("the commit", () -> rows() == 3)}.
 */
public final class Deadline {
    private final long end;
    private final Duration timeout;
    private final long pauseNanos;

    /** A deadline {@code timeout} from now, polling every 50 ms. */
    public static Deadline of(Duration timeout) {
        return new Deadline(timeout, 50_000_000L, System.nanoTime() + timeout.toNanos());
    }

    /** The same deadline, polling every {@code pause} (shorter for quick in-process work, longer for costly checks). */
    public Deadline every(Duration pause) {
        return new Deadline(timeout, pause.toNanos(), end);
    }

    private Deadline(Duration timeout, long pauseNanos, long end) {
        this.timeout = timeout;
        this.pauseNanos = pauseNanos;
        this.end = end;
    }

    public boolean passed() {
        return System.nanoTime() - end >= 0;
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, end - System.nanoTime()));
    }

    /** Waits until {@code condition} is true; an exception from it counts as "not yet". */
    public void await(String what, Callable<Boolean> condition) {
        await(what, condition, () -> "");
    }

    /**
     * Waits until {@code condition} is true; an exception from it counts as "not yet", an
     * {@link AssertionError} from it fails at once (a condition that knows it can no longer hold, such
     * as a child process that exited, says so that way). On timeout the error names {@code what}, the
     * last exception and {@code context} (for example a child's log).
     */
    public void await(String what, Callable<Boolean> condition, Supplier<String> context) {
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            if (passed()) {
                String extra = context.get();
                AssertionError error = new AssertionError("timed out after " + seconds() + " s waiting for " + what
                        + (last == null ? "" : " (last attempt: " + last + ")")
                        + (extra.isEmpty() ? "" : "\n" + extra));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    private String seconds() {
        return timeout.toMillis() % 1000 == 0
                ? Long.toString(timeout.toSeconds())
                : Double.toString(timeout.toMillis() / 1000.0);
    }
}
