package io.spool.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The journal: a folder holding two Chronicle queues with an hourly roll cycle, {@code events/} (one
 * excerpt per accepted request) and {@code dead-letters/} (events refused inside a valid request).
 * They are siblings, not one inside the other, so that each queue's folder holds only its own files.
 *
 * <p>The collector appends and never reads on its ingest path (its console, while a viewer watches, and
 * its {@code tail} command read); the storage writer reads and never appends.
 *
 * <pre>{@code
 * try (Journal journal = Journal.builder(dir).build()) {
 *     JournalAppender events = journal.events().newAppender();
 *     ...
 * }
 * }</pre>
 */
public final class Journal implements Closeable {
    static {
        disableChronicleAnalytics();
    }

    private final Path dir;
    private final JournalQueue events;
    private final JournalQueue deadLetters;

    private Journal(Builder builder) {
        this.dir = builder.dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal folder " + dir, e);
        }
        this.events = open(builder, dir.resolve("events"), false);
        JournalQueue dl;
        try {
            dl = open(builder, dir.resolve("dead-letters"), true);
        } catch (RuntimeException e) {
            events.close();
            throw e;
        }
        this.deadLetters = dl;
    }

    private static JournalQueue open(Builder builder, Path queueDir, boolean deadLetters) {
        SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(queueDir)
                .rollCycle(RollCycles.FAST_HOURLY)
                // Spool syncs itself, once for many appends (GroupSync), never per append under the lock.
                .syncMode(SyncMode.NONE);
        Clock clock = builder.clock;
        // The writer holds this clock still during an append (QueueWriter.AppendClock says why).
        QueueWriter.AppendClock time =
                new QueueWriter.AppendClock(clock != null ? clock::millis : SystemTimeProvider.INSTANCE);
        b.timeProvider(time);
        return new JournalQueue(queueDir, b.build(), time, builder.fsync, deadLetters);
    }

    /**
     * Tells Chronicle not to send usage statistics and not to print its banner. Runs before any
     * Chronicle class initializes as long as it is the first thing a process calls (mains do).
     * Also turns off Chronicle's disk-space monitor, which logs an error a second on a nearly full
     * disk: the journal reserves space before each append and says "disk full" itself.
     */
    public static void disableChronicleAnalytics() {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("chronicle.disk.monitor.disable", "true");
    }

    /** Opens (creating if needed) the journal in {@code dir} with default settings. */
    public static Journal open(Path dir) {
        return builder(dir).build();
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** The folder holding both queues. */
    public Path dir() {
        return dir;
    }

    /** The queue of accepted events. */
    public JournalQueue events() {
        return events;
    }

    /** The queue of refused events and their reasons. */
    public JournalQueue deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        try {
            events.close();
        } finally {
            deadLetters.close();
        }
    }

    /** Settings of a journal; immutable once built. */
    public static final class Builder {
        private final Path dir;
        private boolean fsync;
        private Clock clock;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /**
         * Whether each append is forced to disk before it returns (survives power loss) or left to
         * the page cache (survives the process dying). Off by default: it costs throughput. Appends
         * made while a sync runs share the next one (group commit).
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** The clock that decides which hourly cycle an append lands in (tests set it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Journal build() {
            return new Journal(this);
        }
    }
}
