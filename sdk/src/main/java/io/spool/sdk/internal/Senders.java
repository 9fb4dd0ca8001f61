package io.spool.sdk.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The client's sender threads, one per request it may have in flight ({@code spool-sender-N}, daemons).
 * One request per thread because an OkHttp {@code execute()} blocks its thread; several of them keep
 * several batches on the wire, so delivery is not held to one batch per round trip.
 */
public final class Senders {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Sender[] senders;
    private final Thread[] threads;

    /** @param sender makes the sender of slot {@code i} (0 to {@code count - 1}) */
    public Senders(int count, IntFunction<Sender> sender) {
        senders = new Sender[count];
        threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            senders[i] = sender.apply(i);
            threads[i] = new Thread(senders[i], "spool-sender-" + THREADS.incrementAndGet());
            threads[i].setDaemon(true);
        }
    }

    public void start() {
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Whether the calling thread is one of these senders (a listener calling back into the client). */
    public boolean isSenderThread() {
        Thread current = Thread.currentThread();
        for (Thread t : threads) {
            if (t == current) {
                return true;
            }
        }
        return false;
    }

    /** Waits until every sender has stopped (the buffer closed and empty, each batch settled). */
    public boolean awaitDone(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Sender s : senders) {
            if (!s.awaitDone(Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        return true;
    }

    /** Ends every request in flight (close() at its deadline): their senders give the batches up. */
    public void cancelInFlight() {
        for (Sender s : senders) {
            s.cancelInFlight();
        }
    }
}
