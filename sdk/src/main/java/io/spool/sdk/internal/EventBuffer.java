package io.spool.sdk.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the app's threads and the senders: events as taken at the call
 * ({@link Snapshot}s, encoded later by the sender) in one ring. It is bounded in events and in event bytes
 * (each snapshot's lower bound of its encoded size); the ring grows by doubling up to the event bound, so
 * an idle client holds little.
 *
 * <p>Callers hold the lock only to put a reference in. A sender holds it to take a batch out, and
 * waits on {@link #wakeup} until {@link #batchReady} — the one place that says when a batch is due.
 * Each of the senders (one per request in flight) has a slot saying which events its batch holds until
 * it settles them, so {@link #awaitSettled} knows when everything up to a point is done, whatever order
 * the batches finish in.
 *
 * <p>It also answers "did any of these events fail?" for {@code flush(Duration)} and {@code close()}: each
 * such call opens a {@link Scope} over the events accepted since the previous one opened, and senders
 * mark the scopes their failed events fall in. Failures between two calls are remembered in two counters
 * until the next scope opens, so nothing grows with the number of failed batches.
 */
public final class EventBuffer {
    /** What {@link #offer} did with an event. */
    public enum Offer {
        ACCEPTED,
        FULL,
        CLOSED
    }

    /**
     * The events one {@code flush(Duration)} or {@code close()} answers for: those accepted after the
     * previous scope opened and up to this one ({@code (after, through]} in acceptance order), plus events
     * dropped as the buffer was full in that time. Its counts are written under the buffer's lock.
     */
    public static final class Scope {
        private final long after;
        private final long through;
        private long failed;
        private long dropped;

        private Scope(long after, long through) {
            this.after = after;
            this.through = through;
        }

        /** Events of this scope given up on or refused by the collector, so far. */
        public long failed() {
            return failed;
        }

        /** Events dropped because the buffer was full, between the previous scope and this one. */
        public long dropped() {
            return dropped;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Senders wait here for a batch to become ready. */
    private final Condition wakeup = lock.newCondition();
    /** Senders pausing between retries wait here, for the pause or close's deadline to end. */
    private final Condition pause = lock.newCondition();
    /** {@link #awaitSettled} waits here for the sender to finish with events. */
    private final Condition settledChanged = lock.newCondition();

    private final int maxEvents;
    private final long maxBytes;
    private final int batchSize;
    private final int batchBytes;
    private final long lingerNanos;
    private final int maxCapacity;

    private Snapshot[] ring;
    private int head;
    private int count;
    private long bytes;

    private long acceptedSeq;
    private long drainedSeq;
    /** Per sender: the sequence number of its batch's first event, or NONE when it holds no batch. */
    private final long[] inFlightFrom;

    private long flushUntilSeq;
    private boolean closing;
    private long closeDeadline;

    /** Scopes whose caller still waits; at most one per thread in flush(Duration) or close(). */
    private final List<Scope> scopes = new ArrayList<>(2);
    /** The last event of the newest scope: later failures belong to the next one. */
    private long scopedThrough;
    /** Failed and dropped events after {@link #scopedThrough}: the next scope starts with them. */
    private long failedUnscoped;

    private long droppedUnscoped;

    /**
     * @param batchBytes a batch is due once this many event bytes are queued
     */
    private static final long NONE = Long.MAX_VALUE;

    public EventBuffer(int maxEvents, long maxBytes, int batchSize, int batchBytes, long lingerNanos, int senders) {
        this.inFlightFrom = new long[senders];
        Arrays.fill(inFlightFrom, NONE);
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.batchSize = batchSize;
        this.batchBytes = batchBytes;
        this.lingerNanos = lingerNanos;
        this.maxCapacity = maxEvents;
        this.ring = new Snapshot[Math.min(maxCapacity, 1024)];
    }

    /**
     * Puts one event in, unless the buffer is full or closed. Never waits for the sender: the lock is only
     * ever held for a store.
     */
    public Offer offer(Snapshot event, long nowNanos) {
        int length = event.minBytes;
        event.enqueuedNanos = nowNanos;
        lock.lock();
        try {
            if (closing) {
                return Offer.CLOSED;
            }
            if (count >= maxEvents || bytes + length > maxBytes) {
                droppedUnscoped++; // the next flush(Duration) or close() answers for it
                return Offer.FULL;
            }
            if (count == ring.length) {
                grow();
            }
            ring[wrap(head + count)] = event;
            count++;
            bytes += length;
            acceptedSeq++;
            // Wake the sender when its wait may end sooner: the first event starts the linger clock, and a
            // full batch is due now. Between those a signal would find nobody waiting.
            if (count == 1 || count == batchSize || (bytes >= batchBytes && bytes - length < batchBytes)) {
                wakeup.signal();
            }
            return Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A sender's wait: blocks until a batch is ready, then moves it into {@code batch} (up to the batch
     * size and the batch's byte budget, by each event's lower bound), held by {@code sender} until it
     * calls {@link #settled}. Returns how many it took, or 0 when the buffer is closed and empty: the
     * sender is done.
     */
    public int awaitBatch(Snapshot[] batch, int sender) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                if (count > 0 && batchReady(now)) {
                    inFlightFrom[sender] = drainedSeq + 1;
                    int taken = drainInto(batch);
                    if (count > 0 && batchReady(now)) {
                        wakeup.signal(); // another batch is due: a sender that is free takes it at once
                    }
                    return taken;
                }
                if (count == 0 && closing) {
                    return 0;
                }
                if (count == 0) {
                    wakeup.await();
                } else {
                    wakeup.awaitNanos(oldestEnqueuedNanos() + lingerNanos - now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * When a batch is due: a full batch by count or bytes, the oldest event has waited its linger time, a
     * {@code flush()} covers queued events, or the client is closing.
     */
    private boolean batchReady(long now) {
        return count >= batchSize
                || bytes >= batchBytes
                || now - oldestEnqueuedNanos() >= lingerNanos
                || drainedSeq < flushUntilSeq
                || closing;
    }

    private int drainInto(Snapshot[] batch) {
        int taken = 0;
        long takenBytes = 0;
        int most = Math.min(batchSize, batch.length);
        while (count > 0 && taken < most) {
            Snapshot event = ring[head];
            if (taken > 0 && takenBytes + event.minBytes > batchBytes) {
                break;
            }
            batch[taken++] = event;
            takenBytes += event.minBytes;
            ring[head] = null;
            head = wrap(head + 1);
            count--;
            bytes -= event.minBytes;
            drainedSeq++;
        }
        if (count == 0) {
            head = 0;
        }
        return taken;
    }

    /** {@code sender} is done with its batch (delivered or given up on). */
    public void settled(int sender) {
        lock.lock();
        try {
            inFlightFrom[sender] = NONE;
            settledChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code sender}'s events at {@code from} to {@code to} (exclusive) in its batch failed (given up on,
     * or refused by the collector): the scope they fall in will answer false. Call before {@link #settled}.
     */
    public void failed(int sender, int from, int to) {
        lock.lock();
        try {
            long first = inFlightFrom[sender] + from;
            long last = inFlightFrom[sender] + to - 1;
            if (last > scopedThrough) {
                failedUnscoped += last - Math.max(first, scopedThrough + 1) + 1;
            }
            for (Scope s : scopes) {
                long lo = Math.max(first, s.after + 1);
                long hi = Math.min(last, s.through);
                if (lo <= hi) {
                    s.failed += hi - lo + 1;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a scope over everything accepted since the previous scope, and asks the senders to send it
     * now. The caller waits with {@link #awaitScope}, which also ends the scope.
     */
    public Scope openScope() {
        lock.lock();
        try {
            requestFlushLocked();
            return openScopeLocked();
        } finally {
            lock.unlock();
        }
    }

    private Scope openScopeLocked() {
        Scope scope = new Scope(scopedThrough, acceptedSeq);
        scope.failed = failedUnscoped;
        scope.dropped = droppedUnscoped;
        failedUnscoped = 0;
        droppedUnscoped = 0;
        scopedThrough = acceptedSeq;
        scopes.add(scope);
        return scope;
    }

    /**
     * Waits until every event of {@code scope} is delivered or given up on, then ends the scope. Returns
     * whether they all settled in time and none of them failed or was dropped.
     */
    public boolean awaitScope(Scope scope, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (!settledThrough(scope.through)) {
                if (left <= 0) {
                    return false;
                }
                left = settledChanged.awaitNanos(left);
            }
            return scope.failed == 0 && scope.dropped == 0;
        } finally {
            scopes.remove(scope);
            lock.unlock();
        }
    }

    /** Ends a scope without waiting (close() once its senders stopped, or gave up waiting for them). */
    public void endScope(Scope scope) {
        lock.lock();
        try {
            scopes.remove(scope);
        } finally {
            lock.unlock();
        }
    }

    /** Asks the sender to send what is queued now, without waiting for the linger time. */
    public void requestFlush() {
        lock.lock();
        try {
            requestFlushLocked();
        } finally {
            lock.unlock();
        }
    }

    private void requestFlushLocked() {
        flushUntilSeq = acceptedSeq;
        if (count > 0) {
            wakeup.signal(); // the sender that takes the batch wakes another if more is due
        }
    }

    /** Whether every event up to {@code seq} has left the ring and no sender still holds one of them. */
    private boolean settledThrough(long seq) {
        if (drainedSeq < seq) {
            return false;
        }
        for (long from : inFlightFrom) {
            if (from <= seq) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops accepting events; everything queued becomes due, and retries end at {@code deadlineNanos}.
     * Returns the scope of the events accepted since the previous scope (close's answer); end it with
     * {@link #endScope}.
     */
    public Scope close(long deadlineNanos) {
        lock.lock();
        try {
            if (!closing || deadlineNanos - closeDeadline < 0) {
                closeDeadline = deadlineNanos;
            }
            closing = true;
            wakeup.signalAll();
            pause.signalAll();
            return openScopeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** The sender's pause between retries: until {@code untilNanos}, or sooner when close's deadline comes first. */
    public void pauseUntil(long untilNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long end = closing && closeDeadline - untilNanos < 0 ? closeDeadline : untilNanos;
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                pause.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether close() was called and its deadline has passed: nothing more is worth trying. */
    public boolean closeDeadlinePassed() {
        lock.lock();
        try {
            return closing && System.nanoTime() - closeDeadline >= 0;
        } finally {
            lock.unlock();
        }
    }

    public int queued() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    private long oldestEnqueuedNanos() {
        return ring[head].enqueuedNanos;
    }

    /** Doubles the ring (up to the event bound), moving the queued events to its start. */
    private void grow() {
        Snapshot[] bigger = new Snapshot[(int) Math.min(maxCapacity, ring.length * 2L)];
        int first = Math.min(count, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, first);
        System.arraycopy(ring, 0, bigger, first, count - first);
        ring = bigger;
        head = 0;
    }

    private int wrap(int position) {
        return position >= ring.length ? position - ring.length : position;
    }
}
