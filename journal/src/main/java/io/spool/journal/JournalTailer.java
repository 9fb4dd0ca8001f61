package io.spool.journal;

import java.io.Closeable;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a journal queue one excerpt at a time. Not thread safe: one thread owns a tailer.
 *
 * <p>The tailer keeps no position of its own on disk: the reader's checkpoint decides where to
 * resume ({@link #moveAfter(long)}), so a crash between reading and committing re-reads, never skips.
 */
public final class JournalTailer implements Closeable {
    /** Receives one excerpt; everything it is handed is valid only during the call. */
    @FunctionalInterface
    public interface BatchHandler {
        void onBatch(long index, JournalBatch batch);
    }

    private final ExcerptTailer tailer;
    private final JournalBatch batch = new JournalBatch();

    JournalTailer(ExcerptTailer tailer) {
        this.tailer = tailer;
    }

    /**
     * Reads the next excerpt, if one is complete now, and hands it to {@code handler}.
     *
     * @return false when the journal has nothing more to read yet
     */
    public boolean readBatch(BatchHandler handler) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            long index = dc.index();
            Bytes<?> bytes = dc.wire().bytes();
            int size = (int) bytes.readRemaining();
            byte[] buffer = batch.prepare(size);
            bytes.read(buffer, 0, size);
            handler.onBatch(index, batch);
            return true;
        }
    }

    /** Positions the tailer at the first excerpt after {@code index} (a checkpoint). */
    public JournalTailer moveAfter(long index) {
        if (tailer.moveToIndex(index)) {
            try (DocumentContext dc = tailer.readingDocument()) {
                // read and drop the checkpointed excerpt itself
            }
            return this;
        }
        skipTo(tailer, index);
        return this;
    }

    /**
     * For a checkpoint whose excerpt is gone (its cycle was deleted) or not written yet: positions
     * {@code tailer} at the first excerpt past {@code index}, or at the end.
     */
    static void skipTo(ExcerptTailer tailer, long index) {
        tailer.toStart();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return;
                }
                if (dc.index() > index) {
                    dc.rollbackOnClose();
                    return;
                }
            }
        }
    }

    /** Positions the tailer at the oldest excerpt still in the journal. */
    public JournalTailer toStart() {
        tailer.toStart();
        return this;
    }

    /** Positions the tailer after the last excerpt written so far: the next read is the next append. */
    public JournalTailer toEnd() {
        tailer.toEnd();
        return this;
    }

    /**
     * Positions the tailer at most {@code excerpts} excerpts before the end, within the newest hourly
     * file (so that a viewer who arrives sees what just happened, without a scan of older files).
     */
    public JournalTailer toRecent(int excerpts) {
        tailer.toEnd();
        long end = tailer.index();
        RollCycle cycle = tailer.queue().rollCycle();
        long sequence = cycle.toSequenceNumber(end);
        if (sequence > 0) {
            tailer.moveToIndex(cycle.toIndex(cycle.toCycle(end), Math.max(0, sequence - excerpts)));
        }
        return this;
    }

    /**
     * Positions the tailer at the first hourly file that can hold excerpts appended at or after
     * {@code epochMillis} (the oldest one when the journal starts later). Excerpts of that file from
     * before the time are still read: the caller skips them by their records' {@code receivedAt}.
     */
    public JournalTailer toTime(long epochMillis) {
        tailer.toStart();
        RollCycle roll = tailer.queue().rollCycle();
        int wanted = (int) Math.floorDiv(epochMillis, (long) roll.lengthInMillis());
        if (tailer.cycle() >= wanted) {
            return this;
        }
        tailer.toEnd();
        int last = tailer.cycle();
        for (int cycle = wanted; cycle <= last; cycle++) {
            if (tailer.moveToCycle(cycle)) {
                return this;
            }
        }
        tailer.toEnd();
        return this;
    }

    /** The index the next read will return, when one is there. */
    public long index() {
        return tailer.index();
    }

    @Override
    public void close() {
        tailer.close();
    }
}
