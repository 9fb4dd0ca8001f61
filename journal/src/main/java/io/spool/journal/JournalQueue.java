package io.spool.journal;

import java.io.Closeable;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/** One Chronicle queue of the journal: the events, or the dead letters. */
public final class JournalQueue implements Closeable {
    private final Path dir;
    private final ChronicleQueue queue;
    private final boolean fsync;
    private final QueueWriter.AppendClock clock;
    private QueueWriter writer; // created by the first appender: a reading process never locks the queue

    JournalQueue(Path dir, ChronicleQueue queue, QueueWriter.AppendClock clock, boolean fsync) {
        this.dir = dir;
        this.queue = queue;
        this.clock = clock;
        this.fsync = fsync;
    }

    /**
     * An appender; share it between threads (it is thread safe). Every appender of this queue writes
     * through the queue's one writer, which closes with the journal.
     *
     * @throws IllegalStateException when another process (or journal) appends to this queue
     */
    public synchronized JournalAppender newAppender() {
        if (writer == null) {
            writer = new QueueWriter(dir, (SingleChronicleQueue) queue, clock, fsync);
        }
        return new JournalAppender(writer);
    }

    /** The fsyncs done for this queue's appends so far (each serves every append before it). */
    public synchronized long syncs() {
        return writer == null ? 0 : writer.syncs();
    }

    /** A new tailer at the start of the queue; one thread owns it. */
    public JournalTailer newTailer() {
        return new JournalTailer(queue.createTailer());
    }

    /** The folder of this queue's cycle files. */
    public Path dir() {
        return dir;
    }

    /** The roll cycle, to map indexes to cycles and cycle files (retention). */
    public RollCycle rollCycle() {
        return queue.rollCycle();
    }

    /** The index of the last excerpt written, or −1 when the queue is empty. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last == Long.MIN_VALUE ? -1 : last;
    }

    /** The underlying Chronicle queue, for what this API does not cover. */
    public ChronicleQueue chronicle() {
        return queue;
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                if (writer != null) {
                    writer.close();
                }
            }
        } finally {
            queue.close();
        }
    }
}
