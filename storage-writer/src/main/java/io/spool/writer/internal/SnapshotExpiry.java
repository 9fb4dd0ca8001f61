package io.spool.writer.internal;

import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot expiry, part of the {@link TableUpkeep}: after {@link WriterConfig.Upkeep#snapshotRetention()},
 * except that the newest snapshot of each writer that records a journal position ({@code spool.commit}) is
 * kept, and with it every snapshot between it and the table's head; see {@link #expire}.
 */
final class SnapshotExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotExpiry.class);

    private final WriterConfig config;

    SnapshotExpiry(WriterConfig config) {
        this.config = config;
    }

    /**
     * Expires snapshots older than the retention, keeping what recovery needs. Each writer finds its journal
     * position by walking the table's current ancestry from the head to its newest snapshot carrying
     * {@code spool.commit} ({@code Committer.newestOwn}), so that snapshot must stay, and so must every
     * snapshot between it and the head: a gap ends the walk. Iceberg cannot keep chosen snapshots (a tag
     * keeps one, but expiring its neighbours still cuts the parent chain), so nothing at or after the
     * oldest of those snapshots expires: the cut-off moves back to the oldest timestamp on that stretch.
     * A writer that stops committing for good thus holds back expiry of the snapshots after its last one.
     *
     * <p>Expiry deletes the files only expired snapshots referenced; files a compaction replaced are gone
     * already, and a missing file does not fail it.
     */
    int expire(Table table) {
        table.refresh();
        Snapshot head = table.currentSnapshot();
        if (head == null || !gcEnabled(table)) {
            return 0;
        }
        long olderThan =
                config.clock().millis() - config.upkeep().snapshotRetention().toMillis();
        Set<String> writers = new HashSet<>();
        long oldestSoFar = Long.MAX_VALUE;
        for (Snapshot s = head; s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            oldestSoFar = Math.min(oldestSoFar, s.timestampMillis());
            String writer = s.summary().get(Committer.WRITER_ID);
            if (writer != null && s.summary().containsKey(Committer.COMMIT) && writers.add(writer)) {
                olderThan = Math.min(olderThan, oldestSoFar);
            }
        }
        // Iceberg commits new metadata even when nothing expires: ask first.
        if (table.expireSnapshots()
                .expireOlderThan(olderThan)
                .retainLast(1)
                .apply()
                .isEmpty()) {
            return 0;
        }
        Set<Long> before = new HashSet<>();
        table.snapshots().forEach(s -> before.add(s.snapshotId()));
        table.expireSnapshots()
                .expireOlderThan(olderThan)
                .retainLast(1)
                .deleteWith(location -> {
                    try {
                        table.io().deleteFile(location);
                    } catch (RuntimeException e) {
                        LOG.debug("storage writer: expiry could not delete {} ({})", location, e.toString());
                    }
                })
                .commit();
        table.refresh();
        table.snapshots().forEach(s -> before.remove(s.snapshotId()));
        return before.size();
    }

    /** Iceberg's own switch ({@code gc.enabled}): off when the table's files may belong to other tables too. */
    static boolean gcEnabled(Table table) {
        return PropertyUtil.propertyAsBoolean(
                table.properties(), TableProperties.GC_ENABLED, TableProperties.GC_ENABLED_DEFAULT);
    }
}
