package io.spool.writer.internal;

import io.spool.journal.JournalQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes journal cycle files that are fully committed and older than the retention. A cycle is fully
 * committed when the checkpoint lies in a later cycle; it is old enough when its whole hour ended more
 * than the retention ago. The writer is the only process that deletes journal files.
 */
public final class JournalRetention {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

    private JournalRetention() {
    }

    /** Deletes what may go; returns the deleted files. */
    public static List<Path> apply(JournalQueue queue, long checkpointIndex, Instant now, Duration retention)
            throws IOException {
        List<Path> deleted = new ArrayList<>();
        if (checkpointIndex < 0 || retention == null || retention.isZero() || retention.isNegative()) {
            return deleted;
        }
        RollCycle rollCycle = queue.rollCycle();
        long cycleMillis = rollCycle.lengthInMillis();
        int committedCycle = rollCycle.toCycle(checkpointIndex);
        long cutoff = now.toEpochMilli() - retention.toMillis();
        DateTimeFormatter format = DateTimeFormatter.ofPattern(rollCycle.format());
        try (Stream<Path> files = Files.list(queue.dir())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".cq4")) {
                    continue;
                }
                long start;
                try {
                    start = LocalDateTime.parse(name.substring(0, name.length() - 4), format)
                            .toInstant(ZoneOffset.UTC).toEpochMilli();
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
            queue.chronicle().refreshDirectoryListing();
            LOG.info("retention: deleted {} committed journal file(s) older than {} from {}", deleted.size(),
                    retention, queue.dir());
        }
        return deleted;
    }
}
