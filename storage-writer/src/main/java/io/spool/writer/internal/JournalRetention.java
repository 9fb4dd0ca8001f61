package io.spool.writer.internal;

import io.spool.journal.JournalQueue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes journal cycle files that are fully committed and older than the retention. A cycle is fully
 * committed when the checkpoint lies in a later cycle; it is old enough when its whole hour ended more
 * than the retention ago. The writer is the only process that deletes journal files; which files those
 * are, the journal says ({@link JournalQueue#deleteCommittedFiles}).
 */
public final class JournalRetention {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

    private JournalRetention() {}

    /** Deletes what may go; returns the deleted files. */
    public static List<Path> apply(JournalQueue queue, long checkpointIndex, Instant now, Duration retention)
            throws IOException {
        if (checkpointIndex < 0 || retention == null || retention.isZero() || retention.isNegative()) {
            return List.of();
        }
        List<Path> deleted = queue.deleteCommittedFiles(checkpointIndex, now.minus(retention));
        if (!deleted.isEmpty()) {
            LOG.info(
                    "retention: deleted {} committed journal file(s) older than {} from {}",
                    deleted.size(),
                    retention,
                    queue.dir());
        }
        return deleted;
    }
}
