package io.spool.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

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
 * <p>The excerpt is built in a plain byte array ({@link RecordBuffer}) and copied into the journal in
 * one bulk copy; the bytes are the same as Chronicle's {@code Bytes} would have written.
 *
 * <p>Reusable after {@link #reset()}; owns a growing on-heap buffer. Not thread safe: one thread at a
 * time (it may be handed from one thread to another).
 */
public final class BatchEncoder {
    private final RecordBuffer buffer;
    private int count;

    public BatchEncoder() {
        this(16 * 1024);
    }

    public BatchEncoder(int initialCapacity) {
        this.buffer = new RecordBuffer(initialCapacity);
    }

    /** Forgets every record added so far. */
    public BatchEncoder reset() {
        buffer.clear();
        count = 0;
        return this;
    }

    /** Adds one event record. */
    public BatchEncoder add(EventRecord record) {
        int lengthAt = begin();
        RecordCodec.encode(record, buffer);
        end(lengthAt);
        return this;
    }

    /** Adds one dead letter (for the dead-letter queue only). */
    public BatchEncoder add(DeadLetterRecord deadLetter) {
        int lengthAt = begin();
        deadLetter.encode(buffer);
        end(lengthAt);
        return this;
    }

    private int begin() {
        int at = buffer.position();
        buffer.writeInt(0);
        return at;
    }

    private void end(int lengthAt) {
        buffer.putInt(lengthAt, buffer.position() - lengthAt - 4);
        count++;
    }

    /** How many records were added since the last reset. */
    public int count() {
        return count;
    }

    /** The encoded size in bytes. */
    public long size() {
        return buffer.position();
    }

    /** The encoded excerpt's array: {@link #size()} bytes from offset 0; valid until the next change. */
    byte[] array() {
        return buffer.array();
    }

    /** A copy of the encoded excerpt ({@link #size()} bytes). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /**
     * The encoded excerpt over the encoder's array (not a copy: writes into it change the excerpt), from
     * position 0 to its limit {@link #size()}, little-endian as the layout is; valid until the next change.
     */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(buffer.array(), 0, buffer.position()).order(ByteOrder.LITTLE_ENDIAN);
    }
}
