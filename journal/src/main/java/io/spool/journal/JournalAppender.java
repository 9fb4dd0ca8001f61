package io.spool.journal;

import java.io.Closeable;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Appends encoded batches to a journal queue. Thread safe: callers encode into their own
 * {@link BatchEncoder} without any lock and hold the queue's append lock only for the copy into the
 * memory-mapped file. All appenders of a queue share its one writer (and its lock); closing an
 * appender releases nothing, the journal closes the writer.
 */
public final class JournalAppender implements Closeable {
    private final QueueWriter writer;

    JournalAppender(QueueWriter writer) {
        this.writer = writer;
    }

    /**
     * Appends the batch as one excerpt and returns its journal index. When this returns, the records
     * are in the memory-mapped file (they survive this process dying; with fsync, the machine too).
     *
     * @throws JournalFullException when the disk has no room for it; nothing was written
     * @throws JournalSyncException with fsync on, when it could not be forced to disk
     */
    public long append(BatchEncoder batch) {
        return append(batch.bytes());
    }

    /** Appends already encoded excerpt bytes (from {@link BatchEncoder#bytes()}). */
    public long append(Bytes<?> excerpt) {
        return writer.append(excerpt);
    }

    @Override
    public void close() {
        // The queue's writer is shared and closes with the journal.
    }
}
