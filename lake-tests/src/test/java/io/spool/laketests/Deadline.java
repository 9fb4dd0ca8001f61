package io.spool.laketests;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; never a blind sleep. */
public final class Deadline {
    private final long end;
    private final Duration timeout;
    private final long pauseMillis;

    /** A deadline {@code timeout} from now, polling every 50 ms. */
    public static Deadline of(Duration timeout) {
        return new Deadline(timeout, 50, System.nanoTime() + timeout.toNanos());
    }

    /** The same deadline, polling every {@code pause} (for conditions that cost something to check). */
    public Deadline every(Duration pause) {
        return new Deadline(timeout, pause.toMillis(), end);
    }

    private Deadline(Duration timeout, long pauseMillis, long end) {
        this.timeout = timeout;
        this.pauseMillis = pauseMillis;
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
     * Waits until {@code condition} is true; an exception from it counts as "not yet". On timeout the
     * error names {@code what}, the last exception and {@code context} (for example child logs).
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
                AssertionError error = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for "
                        + what + (last == null ? "" : " (last attempt: " + last + ")") + (extra.isEmpty() ? "" : "\n" + extra));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
