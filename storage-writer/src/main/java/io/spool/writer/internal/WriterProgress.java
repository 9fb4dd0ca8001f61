package io.spool.writer.internal;

import io.spool.journal.JournalQueue;
import io.spool.writer.WriterStats;

/**
 * What the writer has committed since it started and how far behind the journal it is: the counters,
 * their Prometheus metrics and the {@link WriterStats} other threads read. Updated by the writer's
 * thread only; {@link #stats()} is the one thing read from elsewhere (a volatile snapshot).
 */
final class WriterProgress {
    private final WriterMetrics metrics;
    private volatile WriterStats stats = new WriterStats(0, 0, 0, 0, 0, -1, 0, 0);
    private long rowsCommitted;
    private long rejectedCommitted;
    private long duplicatesDropped;
    private long filesCommitted;
    private long commits;
    private long newestCommittedReceivedAt = Long.MIN_VALUE;
    private long updatedAt;

    WriterProgress(WriterMetrics metrics) {
        this.metrics = metrics;
    }

    WriterStats stats() {
        return stats;
    }

    /** Counts a published commit. */
    void committed(long eventRows, long rejectedRows, long duplicates, int files, double seconds, long retries,
            long newestReceivedAt) {
        rowsCommitted += eventRows;
        rejectedCommitted += rejectedRows;
        duplicatesDropped += duplicates;
        filesCommitted += files;
        commits++;
        metrics.rows.inc(eventRows);
        metrics.rejected.inc(rejectedRows);
        metrics.duplicates.inc(duplicates);
        metrics.files.inc(files);
        metrics.commits.inc();
        metrics.lastCommit.set(System.currentTimeMillis() / 1000.0);
        metrics.commitSeconds.observe(seconds);
        metrics.commitRetries.inc(retries);
        if (newestReceivedAt > newestCommittedReceivedAt) {
            newestCommittedReceivedAt = newestReceivedAt;
        }
    }

    void failed() {
        metrics.failures.inc();
    }

    /** Whether the lag was last computed a second or more before {@code now}. */
    boolean due(long now) {
        return now - updatedAt >= 1000;
    }

    /**
     * Recomputes the lag behind {@code events} from the last committed index and publishes new stats.
     * Excerpts are counted within the journal's current hour (a lower bound across an hour boundary).
     */
    void update(long now, JournalQueue events, long committedIndex) {
        updatedAt = now;
        long lastEvents = events.lastIndex();
        long lagExcerpts = 0;
        double lagSeconds = 0;
        if (lastEvents > committedIndex) {
            var cycle = events.rollCycle();
            if (committedIndex < 0 || cycle.toCycle(lastEvents) != cycle.toCycle(committedIndex)) {
                lagExcerpts = cycle.toSequenceNumber(lastEvents) + 1;
            } else {
                lagExcerpts = cycle.toSequenceNumber(lastEvents) - cycle.toSequenceNumber(committedIndex);
            }
            if (newestCommittedReceivedAt != Long.MIN_VALUE) {
                lagSeconds = Math.max(0, now - newestCommittedReceivedAt) / 1000.0;
            }
        }
        metrics.lagExcerpts.set(lagExcerpts);
        metrics.lagSeconds.set(lagSeconds);
        stats = new WriterStats(rowsCommitted, rejectedCommitted, duplicatesDropped, filesCommitted, commits,
                committedIndex, lagExcerpts, lagSeconds);
    }
}
