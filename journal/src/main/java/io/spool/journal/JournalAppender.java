package io.spool.journal;

import java.io.Closeable;

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
        return writer.append(batch.array(), (int) batch.size());
    }

    /**
     * Appends the batch as one excerpt without waiting for fsync, for a caller that appends several
     * and then waits once ({@link #awaitSync(long)}): group commit on one thread. Returns the append's
     * sequence. Without fsync the records are in the journal when this returns, as with
     * {@link #append(BatchEncoder)}; with fsync they are on disk only once {@code awaitSync} returns.
     *
     * @throws JournalFullException when the disk has no room for it; nothing was written
     */
    public long appendUnsynced(BatchEncoder batch) {
        return writer.appendUnsynced(batch.array(), (int) batch.size());
    }

    /**
     * Returns once the append of {@code sequence} and every append of this queue before it are on
     * disk (at once without fsync).
     *
     * @throws JournalSyncException when the sync that covered them failed: they are not durable
     */
    public void awaitSync(long sequence) {
        writer.awaitSync(sequence);
    }

    /**
     * Reads up to {@code maxBytes} of the journal file's pages within {@code aheadBytes} past the
     * append position into the page cache, so that the appends that follow do not fault them in
     * (see {@code QueueWriter.pretouch}); for a thread with nothing else to do. Returns whether pages
     * within {@code aheadBytes} remain unread.
     */
    public boolean pretouch(long aheadBytes, long maxBytes) {
        return writer.pretouch(aheadBytes, maxBytes);
    }

    /**
     * Appends already encoded excerpt bytes as one excerpt (from {@link BatchEncoder#toByteArray()}, or
     * made by hand: a sequence of {@code int32 length, record}, little-endian) and returns its index.
     *
     * @throws JournalFullException when the disk has no room for it; nothing was written
     */
    public long append(byte[] excerpt) {
        return writer.append(excerpt, excerpt.length);
    }

    @Override
    public void close() {
        // The queue's writer is shared and closes with the journal.
    }
}
