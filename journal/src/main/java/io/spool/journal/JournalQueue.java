package io.spool.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/** One Chronicle queue of the journal: the events, or the dead letters. */
public final class JournalQueue implements Closeable {
    private final Path dir;
    private final ChronicleQueue queue;
    private final boolean fsync;
    private final QueueWriter.AppendClock clock;
    private final boolean deadLetters;
    private QueueWriter writer; // created by the first appender: a reading process never locks the queue

    JournalQueue(Path dir, ChronicleQueue queue, QueueWriter.AppendClock clock, boolean fsync, boolean deadLetters) {
        this.dir = dir;
        this.deadLetters = deadLetters;
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

    /** Whether an append returns (or its {@code awaitSync}) only once it is on disk. */
    public boolean fsync() {
        return fsync;
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

    /**
     * A measure of what waits after a reader's position (excerpts, records, the oldest one's time); one
     * thread owns it. Close it before the journal.
     */
    public JournalBacklog newBacklog() {
        return newBacklog(JournalBacklog.MAX_EXCERPTS_PER_MEASURE);
    }

    /** As {@link #newBacklog()}, stepping over at most {@code budget} excerpts per measure (tests). */
    JournalBacklog newBacklog(int budget) {
        return new JournalBacklog(queue.createTailer(), queue.createTailer(), queue.rollCycle(), deadLetters, budget);
    }

    /** The roll cycle: maps indexes to hourly cycles and cycle files. Chronicle's type: internal. */
    RollCycle rollCycle() {
        return queue.rollCycle();
    }

    /** The index of the last excerpt written, or −1 when the queue is empty. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last == Long.MIN_VALUE ? -1 : last;
    }

    /**
     * Deletes the cycle files (one an hour) wholly before the one holding {@code committedIndex} whose
     * hour ended at or before {@code endedBy}, and returns them: retention for a reader that has
     * committed up to {@code committedIndex}. Nothing when {@code committedIndex} is negative. A file
     * whose name is not a cycle's is left alone. Tailers of this queue see the files gone at once.
     */
    public List<Path> deleteCommittedFiles(long committedIndex, Instant endedBy) throws IOException {
        List<Path> deleted = new ArrayList<>();
        if (committedIndex < 0) {
            return deleted;
        }
        RollCycle rollCycle = queue.rollCycle();
        long cycleMillis = rollCycle.lengthInMillis();
        int committedCycle = rollCycle.toCycle(committedIndex);
        long cutoff = endedBy.toEpochMilli();
        DateTimeFormatter format = DateTimeFormatter.ofPattern(rollCycle.format());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".cq4")) {
                    continue;
                }
                long start;
                try {
                    start = LocalDateTime.parse(name.substring(0, name.length() - 4), format)
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
                } catch (DateTimeParseException e) {
                    continue;
                }
                long cycle = Math.floorDiv(start, cycleMillis);
                if (cycle < committedCycle && start + cycleMillis <= cutoff) {
                    Files.deleteIfExists(file);
                    deleted.add(file);
                }
            }
        }
        if (!deleted.isEmpty()) {
            // Chronicle caches the folder's listing; without this its tailers would look for the files.
            queue.refreshDirectoryListing();
        }
        return deleted;
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
