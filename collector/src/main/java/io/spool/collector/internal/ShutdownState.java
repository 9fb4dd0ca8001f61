package io.spool.collector.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight, and whether the collector is shutting down. Once closing, {@link #tryEnter()}
 * refuses (the request gets a 503) while requests already in finish; {@link #awaitIdle} waits for them.
 * Not Undertow's GracefulShutdownHandler: its 503 has no JSON body, and every error here has one.
 */
final class ShutdownState {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean closing;

    /** Requests counted in and not yet out. */
    int inFlight() {
        return inFlight.get();
    }

    boolean closing() {
        return closing;
    }

    /** Counts a request in; false (and not counted) when the collector is closing. */
    boolean tryEnter() {
        inFlight.incrementAndGet();
        if (closing) {
            exit();
            return false;
        }
        return true;
    }

    /** Counts a request out, once it has been answered. */
    void exit() {
        if (inFlight.decrementAndGet() == 0 && closing) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Starts closing and waits until no request is in flight or the time is up; true when idle. */
    boolean closeAndAwaitIdle(long timeoutMillis) throws InterruptedException {
        closing = true;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                idle.wait(left);
            }
        }
        return true;
    }
}
