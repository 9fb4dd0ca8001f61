package io.spool.writer.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the writer's two tables tidy, on the writer's thread: {@link Compaction} of this writer's small
 * files (made crash safe by its {@link CompactionIntent}), {@link SnapshotExpiry}, and (at most once a
 * day) {@link OrphanRemoval}. This class only runs them in turn, settles on start the compaction an earlier
 * run left, and reports what a run did.
 *
 * <p>Commits wait while the upkeep runs; {@link Compaction} says how long at most.
 */
final class TableUpkeep {
    private static final Logger LOG = LoggerFactory.getLogger(TableUpkeep.class);

    private final Lake lake;
    private final WriterMetrics metrics;
    private final Duration orphanAge;
    private final CompactionIntent intent;
    private final Compaction compaction;
    private final SnapshotExpiry expiry;
    private final OrphanRemoval orphans;

    TableUpkeep(WriterConfig config, Lake lake, WriterState state, WriterMetrics metrics) {
        this.lake = lake;
        this.metrics = metrics;
        this.orphanAge = config.upkeep().orphanAge();
        this.intent = new CompactionIntent(state.dir().resolve(CompactionIntent.NAME));
        this.compaction = new Compaction(config, lake, state, intent);
        this.expiry = new SnapshotExpiry(config);
        this.orphans = new OrphanRemoval(config, lake, state, intent);
        try {
            intent.settle(lake, orphanAge);
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "storage writer: could not settle the compaction an earlier run left ({}); the upkeep tries again"
                            + " before it compacts anything",
                    Lake.rootMessage(e));
        }
    }

    /** Notes what a commit published: partitions it added small files to are looked at by the next run. */
    void committed(List<CommitFiles.Written> files) {
        compaction.committed(files);
    }

    void run() throws IOException {
        long t0 = System.nanoTime();
        if (!intent.settled()) {
            intent.settle(lake, orphanAge);
        }
        Compaction.Counts counts = new Compaction.Counts();
        Exception failure = compaction.compact(counts);
        int expired = expiry.expire(lake.events()) + expiry.expire(lake.rejected());
        int orphanFiles = orphans.removeIfDue();
        metrics.compactedFiles.inc(counts.filesIn);
        metrics.compactionFiles.inc(counts.filesOut);
        metrics.compactionDuplicates.inc(counts.duplicates);
        metrics.expiredSnapshots.inc(expired);
        metrics.orphanFiles.inc(orphanFiles);
        if (counts.filesIn > 0 || expired > 0 || orphanFiles > 0) {
            List<String> did = new ArrayList<>();
            if (counts.filesIn > 0) {
                did.add("compacted " + counts.filesIn + " small file(s) (" + size(counts.bytesIn) + ") of "
                        + counts.partitions + " partition(s) into " + counts.filesOut + " (" + size(counts.bytesOut)
                        + "), " + counts.duplicates + " repeated message id(s) dropped");
            }
            if (expired > 0) {
                did.add("expired " + expired + " snapshot(s)");
            }
            if (orphanFiles > 0) {
                did.add("deleted " + orphanFiles + " orphan file(s)");
            }
            LOG.info("storage writer: upkeep {}; {} ms", String.join("; ", did), (System.nanoTime() - t0) / 1_000_000);
        }
        if (failure instanceof IOException io) {
            throw io;
        } else if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    private static String size(long bytes) {
        if (bytes < 10 << 10) {
            return bytes + " B";
        }
        return bytes < 10 << 20 ? (bytes >> 10) + " KB" : (bytes >> 20) + " MB";
    }

    void close() {
        try {
            intent.close();
        } catch (IOException ignored) {
            // nothing is open between runs
        }
    }
}
