package io.spool.journal;

import java.io.Closeable;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * Appends encoded batches to a journal queue. Thread safe: callers encode into their own
 * {@link BatchEncoder} without any lock and hold this appender's lock only for the copy into the
 * memory-mapped file. (A Chronicle appender is not thread safe; this class owns exactly one.)
 */
public final class JournalAppender implements Closeable {
    private final ExcerptAppender appender;

    JournalAppender(ExcerptAppender appender) {
        this.appender = appender;
        // Chronicle pins an appender to the first thread that uses it and throws on any other; this
        // class's lock is what makes sharing it safe, so the pinning check is turned off.
        appender.singleThreadedCheckDisabled(true);
    }

    /**
     * Appends the batch as one excerpt and returns its journal index. When this returns, the records
     * are in the memory-mapped file (they survive this process dying; with fsync, the machine too).
     */
    public long append(BatchEncoder batch) {
        return append(batch.bytes());
    }

    /** Appends already encoded excerpt bytes (from {@link BatchEncoder#bytes()}). */
    public synchronized long append(Bytes<?> excerpt) {
        appender.writeBytes(excerpt);
        return appender.lastIndexAppended();
    }

    @Override
    public synchronized void close() {
        appender.close();
    }
}
