package io.spool.journal;

import java.io.Closeable;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;

/** One Chronicle queue of the journal: the events, or the dead letters. */
public final class JournalQueue implements Closeable {
    private final Path dir;
    private final ChronicleQueue queue;

    JournalQueue(Path dir, ChronicleQueue queue) {
        this.dir = dir;
        this.queue = queue;
    }

    /** A new appender; share it between threads (it is thread safe), and close it with the journal. */
    public JournalAppender newAppender() {
        return new JournalAppender(queue.createAppender());
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
        queue.close();
    }
}
