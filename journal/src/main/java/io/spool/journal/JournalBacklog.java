package io.spool.journal;

import java.io.Closeable;
import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * What waits in a journal queue after a reader's committed position: how many excerpts (requests) and
 * records (events), and when the oldest of them was received. For the storage writer's lag: it
 * {@link #measure measures} after its checkpoint on its own thread, about once a second.
 *
 * <p>Incremental, so that a measure costs what changed since the last one, not the backlog's size: two
 * tailers of its own, one kept at the position measured after and one at the end of the queue, each
 * counting the records it steps over (only the framing's length prefixes are read, nothing is copied).
 * What waits is the difference of their counts. Each tailer steps over at most
 * {@link #MAX_EXCERPTS_PER_MEASURE} excerpts per call, so one call is bounded; a backlog larger than
 * that (a start after a long stop) is counted over the next calls, and until then {@link #complete()}
 * is false and the counts are lower bounds. The oldest record's time is exact from
 * the first call: it is the first excerpt after the position.
 *
 * <p>Not thread safe: one thread owns it (its tailers are Chronicle's, pinned to their thread).
 */
public final class JournalBacklog implements Closeable {
    /**
     * Excerpts each tailer steps over in one {@link #measure} at most: ~25 ms for 100-event requests
     * (~12 ns a record, measured), so a large backlog costs the writer's thread a few percent while it is
     * counted, and a call never holds it long.
     */
    static final int MAX_EXCERPTS_PER_MEASURE = 20_000;

    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private final ExcerptTailer head;
    private final ExcerptTailer end;
    private final RollCycle rollCycle;
    /** Where a record's receivedAt lies, and the format version byte a readable record starts with. */
    private final int receivedAtOffset;

    private final byte formatVersion;
    private final int budget;

    private boolean positioned;
    /** The index the head tailer has counted up to and including; −1 before any. */
    private long headIndex = -1;

    private long headExcerpts;
    private long headRecords;
    private long endExcerpts;
    private long endRecords;
    /** The index the end tailer has counted up to and including (its counts start where the head's did). */
    private long endIndex = -1;

    private boolean endReached;

    private long excerpts;
    private long records;
    private long oldestReceivedAt = EventRecord.NO_TIME;

    JournalBacklog(ExcerptTailer head, ExcerptTailer end, RollCycle rollCycle, boolean deadLetters, int budget) {
        this.head = head;
        this.end = end;
        this.rollCycle = rollCycle;
        this.receivedAtOffset = deadLetters ? 1 : 2;
        this.formatVersion = deadLetters ? DeadLetterRecord.FORMAT_VERSION : RecordCodec.FORMAT_VERSION;
        this.budget = budget;
    }

    /**
     * Measures what waits after {@code afterIndex} (the last committed excerpt's index; −1 when nothing
     * is committed, so everything waits). Positions move forward between calls; a position before the
     * last one measured starts the count over.
     */
    public JournalBacklog measure(long afterIndex) {
        if (!positioned || afterIndex < headIndex || afterIndex >= endIndex || !advance(head, afterIndex, true)) {
            // Counted afresh from the position: after a position behind the last one; after one at or past
            // what the end tailer has counted (a writer that keeps up, a drain's commit), where a fresh
            // count steps over no more than stepping the head there would, usually nothing, while the head
            // would step over every record committed since, a cache miss each in a journal far larger
            // than the cache; and after one further ahead than one call steps.
            reposition(afterIndex);
        }
        endReached = advance(end, Long.MAX_VALUE, false);
        excerpts = endExcerpts - headExcerpts;
        records = endRecords - headRecords;
        oldestReceivedAt = peekReceivedAt();
        if (oldestReceivedAt == EventRecord.NO_TIME && excerpts > 0) {
            excerpts = records = 0; // counted past an excerpt deleted under it: nothing is there after all
        }
        return this;
    }

    /** Excerpts (one per accepted request) after the position. */
    public long excerpts() {
        return excerpts;
    }

    /** Records (events) after the position. */
    public long records() {
        return records;
    }

    /**
     * When the oldest record after the position was received (epoch millis), or
     * {@link EventRecord#NO_TIME} when nothing waits. For an excerpt whose records cannot be read, the
     * start of the hour it was appended in (an upper bound of its age).
     */
    public long oldestReceivedAt() {
        return oldestReceivedAt;
    }

    /** Whether the counts reach the end of the queue; false while a large backlog is still being counted. */
    public boolean complete() {
        return endReached;
    }

    private void reposition(long afterIndex) {
        positioned = true;
        headExcerpts = headRecords = endExcerpts = endRecords = 0;
        moveAfter(head, afterIndex);
        moveAfter(end, afterIndex);
        headIndex = endIndex = afterIndex;
    }

    /**
     * Steps {@code tailer} over excerpts with an index up to {@code upTo}, counting them into the head's
     * or the end's counts. Returns whether it stopped for want of excerpts (not for the budget).
     */
    private boolean advance(ExcerptTailer tailer, long upTo, boolean isHead) {
        for (int n = 0; n < budget; n++) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return true;
                }
                long index = dc.index();
                if (index > upTo) {
                    dc.rollbackOnClose();
                    return true;
                }
                long count = countRecords(dc.wire().bytes());
                if (isHead) {
                    headExcerpts++;
                    headRecords += count;
                    headIndex = index;
                } else {
                    endExcerpts++;
                    endRecords += count;
                    endIndex = index;
                }
            }
        }
        return false;
    }

    /** The records of one excerpt, by its framing ({@link JournalBatch#next()} reads it the same way). */
    private static long countRecords(Bytes<?> bytes) {
        long position = bytes.readPosition();
        long limit = bytes.readLimit();
        long count = 0;
        while (position < limit) {
            count++;
            long left = limit - position;
            int len = left >= 4 ? readInt(bytes, position) : -1;
            if (len < 0 || len > left - 4) {
                break; // broken framing: the rest is one undecodable record, as the reader sees it
            }
            position += 4 + len;
        }
        return count;
    }

    /** The receivedAt of the first readable record of the head's next excerpt, without consuming it. */
    private long peekReceivedAt() {
        try (DocumentContext dc = head.readingDocument()) {
            if (!dc.isPresent()) {
                return EventRecord.NO_TIME;
            }
            dc.rollbackOnClose();
            Bytes<?> bytes = dc.wire().bytes();
            long position = bytes.readPosition();
            long limit = bytes.readLimit();
            while (limit - position >= 4) {
                int len = readInt(bytes, position);
                if (len < 0 || len > limit - position - 4) {
                    break;
                }
                long record = position + 4;
                if (len >= receivedAtOffset + 8 && bytes.readByte(record) == formatVersion) {
                    long receivedAt = readLong(bytes, record + receivedAtOffset);
                    if (receivedAt > 0) {
                        return receivedAt;
                    }
                }
                position = record + len;
            }
            // Nothing readable: the hour it was appended in is all the journal knows of its time.
            return rollCycle.toCycle(dc.index()) * (long) rollCycle.lengthInMillis();
        }
    }

    /** Positions {@code tailer} at the first excerpt after {@code index} (as {@link JournalTailer#moveAfter}). */
    private static void moveAfter(ExcerptTailer tailer, long index) {
        if (index < 0) {
            tailer.toStart();
            return;
        }
        if (tailer.moveToIndex(index)) {
            try (DocumentContext dc = tailer.readingDocument()) {
                // read and drop the excerpt at the position itself
            }
            return;
        }
        JournalTailer.skipTo(tailer, index);
    }

    private static int readInt(Bytes<?> bytes, long offset) {
        int v = bytes.readInt(offset);
        return BIG_ENDIAN ? Integer.reverseBytes(v) : v;
    }

    private static long readLong(Bytes<?> bytes, long offset) {
        long v = bytes.readLong(offset);
        return BIG_ENDIAN ? Long.reverseBytes(v) : v;
    }

    @Override
    public void close() {
        head.close();
        end.close();
    }
}
