package io.spool.journal;

import net.openhft.chronicle.bytes.Bytes;

/**
 * Encodes the records of one request into one journal excerpt, before any lock is taken: the append
 * itself is then a single copy. Excerpt layout: a sequence of {@code int32 length, record bytes}, to
 * the end of the excerpt; a reader can skip a record it cannot decode.
 *
 * <p>One excerpt per request, not per event: a request's events land together or not at all (a 200 is
 * all or nothing, and a crash mid-request leaves no half batch), and the writer's commit ranges count
 * requests. Measured ({@code JournalAppendBenchmark}, BENCHMARKS.md), appending a 100-event request as
 * one excerpt or as 100 costs the same per event on this hardware: both are bound by copying ~400 MB/s
 * into the page cache, so Chronicle's per-excerpt cost does not decide it.
 *
 * <p>Reusable after {@link #reset()}; owns a growing on-heap buffer. Not thread safe: one thread at a
 * time (it may be handed from one thread to another).
 */
public final class BatchEncoder {
    private final Bytes<?> buffer;
    private int count;

    public BatchEncoder() {
        this(16 * 1024);
    }

    public BatchEncoder(int initialCapacity) {
        this.buffer = Bytes.allocateElasticOnHeap(initialCapacity);
        // One owner at a time, but not always the same thread (a server hands a reusable encoder from
        // one worker thread to the next): Chronicle's pin-to-first-thread check would throw.
        buffer.singleThreadedCheckDisabled(true);
    }

    /** Forgets every record added so far. */
    public BatchEncoder reset() {
        buffer.clear();
        count = 0;
        return this;
    }

    /** Adds one event record. */
    public BatchEncoder add(EventRecord record) {
        long lengthAt = begin();
        RecordCodec.encode(record, buffer);
        end(lengthAt);
        return this;
    }

    /** Adds one dead letter (for the dead-letter queue only). */
    public BatchEncoder add(DeadLetterRecord deadLetter) {
        long lengthAt = begin();
        deadLetter.encode(buffer);
        end(lengthAt);
        return this;
    }

    private long begin() {
        long at = buffer.writePosition();
        buffer.writeInt(0);
        return at;
    }

    private void end(long lengthAt) {
        buffer.writeInt(lengthAt, (int) (buffer.writePosition() - lengthAt - 4));
        count++;
    }

    /** How many records were added since the last reset. */
    public int count() {
        return count;
    }

    /** The encoded size in bytes. */
    public long size() {
        return buffer.writePosition();
    }

    /** The encoded excerpt, readable from its read position; valid until the next change. */
    public Bytes<?> bytes() {
        return buffer;
    }
}
