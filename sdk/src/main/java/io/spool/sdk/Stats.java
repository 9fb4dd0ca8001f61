package io.spool.sdk;

/**
 * A snapshot of a client's counters, all since it was built. Every accepted event ends up exactly once
 * in {@code sent} or {@code failed}, or is still {@code queued} (or in the batch being sent).
 */
public final class Stats {
    private final long queued;
    private final long sent;
    private final long retried;
    private final long dropped;
    private final long failed;
    private final long invalid;
    private final long bytesSent;

    public Stats(long queued, long sent, long retried, long dropped, long failed, long invalid, long bytesSent) {
        this.queued = queued;
        this.sent = sent;
        this.retried = retried;
        this.dropped = dropped;
        this.failed = failed;
        this.invalid = invalid;
        this.bytesSent = bytesSent;
    }

    /** Events in the buffer now, waiting for a batch. */
    public long queued() {
        return queued;
    }

    /** Events the collector accepted. */
    public long sent() {
        return sent;
    }

    /** Requests sent again after a retriable failure (I/O error, 5xx, 408, 429). */
    public long retried() {
        return retried;
    }

    /** Valid events refused at the call because the buffer was full or the client closed. */
    public long dropped() {
        return dropped;
    }

    /** Events in batches that were given up on (rejected, retries exhausted, closed). */
    public long failed() {
        return failed;
    }

    /** Invalid events refused at the call. */
    public long invalid() {
        return invalid;
    }

    /** Bytes of delivered request bodies, as sent: gzipped, or plain JSON under {@code gzip(false)}. */
    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public String toString() {
        return "Stats{queued=" + queued + ", sent=" + sent + ", retried=" + retried + ", dropped=" + dropped
                + ", failed=" + failed + ", invalid=" + invalid + ", bytesSent=" + bytesSent + "}";
    }
}
