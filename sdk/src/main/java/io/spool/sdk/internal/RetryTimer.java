package io.spool.sdk.internal;

/**
 * The clock and the pause the sender's retries use. Tests substitute one that records the pauses and
 * moves a fake clock, so a retry schedule is checked without waiting for it.
 */
public interface RetryTimer {
    long nanoTime();

    /** Returns at {@code untilNanos} (on this timer's clock), or earlier if the client's close deadline comes first. */
    void pauseUntil(long untilNanos) throws InterruptedException;
}
