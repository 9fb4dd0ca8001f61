package io.spool.writer.internal;

import io.spool.journal.EventRecord;
import io.spool.journal.JournalBacklog;
import io.spool.journal.JournalQueue;
import io.spool.writer.WriterHealth;
import io.spool.writer.WriterStats;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the writer has committed since it started and what waits for it in the journal: the counters,
 * their Prometheus metrics, the {@link WriterStats} and {@link WriterHealth} other threads read.
 * Updated by the writer's thread only; {@link #stats()} and {@link #health} are read from elsewhere
 * (volatile fields).
 *
 * <p>What waits is asked of the journal ({@link JournalBacklog}) on the writer's thread, about once a
 * second and after each commit: its cost is what was appended and committed since the last time, not
 * the backlog's size, so it can run on the writer's loop; a scrape only reads the result. The lag
 * itself is computed at the scrape from the oldest waiting record's {@code receivedAt}, so that it keeps
 * growing while the writer's thread is blocked in a commit or waits out a backoff.
 */
final class WriterProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterProgress.class);
    private final WriterMetrics metrics;
    private final Clock clock;
    private final long maxLagMillis;
    private volatile WriterStats stats = new WriterStats(0, 0, 0, 0, 0, -1, 0, 0);
    private long rowsCommitted;
    private long rejectedCommitted;
    private long duplicatesDropped;
    private long filesCommitted;
    private long commits;
    private long updatedAt;
    private JournalBacklog eventsBacklog;
    private JournalBacklog deadLettersBacklog;
    private long lastMeasureWarning = Long.MIN_VALUE / 2;

    /** Whether what waits was measured once: before, the writer does not know where it stands. */
    private volatile boolean measured;
    /** The receivedAt of the oldest record not yet committed, of either queue; NO_TIME when none waits. */
    private volatile long oldestWaiting = EventRecord.NO_TIME;

    private volatile long pendingRecords;
    /** When the current run of failed commits began (clock millis); NO_TIME when the last one landed. */
    private volatile long failingSince = EventRecord.NO_TIME;

    private volatile String lastFailure;

    WriterProgress(WriterMetrics metrics, Clock clock, Duration rollInterval) {
        this.metrics = metrics;
        this.clock = clock;
        this.maxLagMillis = maxLag(rollInterval).toMillis();
        metrics.lagSource(() -> lagMillis(clock.millis()) / 1000.0);
    }

    /** The lag (and failure run) past which the writer is unhealthy: a healthy one commits every roll interval. */
    static Duration maxLag(Duration rollInterval) {
        return rollInterval.multipliedBy(2).plusMinutes(1);
    }

    WriterStats stats() {
        return stats;
    }

    /** Counts a published commit. */
    void committed(long eventRows, long rejectedRows, long duplicates, int files, double seconds, long retries) {
        rowsCommitted += eventRows;
        rejectedCommitted += rejectedRows;
        duplicatesDropped += duplicates;
        filesCommitted += files;
        commits++;
        failingSince = EventRecord.NO_TIME;
        lastFailure = null;
        metrics.rows.inc(eventRows);
        metrics.rejected.inc(rejectedRows);
        metrics.duplicates.inc(duplicates);
        metrics.files.inc(files);
        metrics.commits.inc();
        metrics.lastCommit.set(System.currentTimeMillis() / 1000.0);
        metrics.commitSeconds.observe(seconds);
        metrics.commitRetries.inc(retries);
    }

    /** Counts a failed commit (or recovery); {@code reason} is its one-line cause. */
    void failed(String reason) {
        metrics.failures.inc();
        lastFailure = reason;
        if (failingSince == EventRecord.NO_TIME) {
            failingSince = clock.millis();
        }
    }

    /** Counts {@code now} as a measure's time, so that {@link #due} is false for the next second. */
    void measureLater(long now) {
        updatedAt = now;
    }

    /** Whether what waits was last measured a second or more before {@code now}. */
    boolean due(long now) {
        return now - updatedAt >= 1000;
    }

    /**
     * Measures what waits in both queues after the committed positions and publishes new stats. On the
     * writer's thread only (the journal's backlogs are its own).
     */
    void update(
            long now, JournalQueue events, long eventsCommitted, JournalQueue deadLetters, long deadLettersCommitted) {
        updatedAt = now;
        try {
            if (eventsBacklog == null) {
                eventsBacklog = events.newBacklog();
                deadLettersBacklog = deadLetters.newBacklog();
            }
            eventsBacklog.measure(eventsCommitted);
            deadLettersBacklog.measure(deadLettersCommitted);
        } catch (RuntimeException e) {
            // A measure must never fail a commit that landed: keep the last figures, start afresh next time.
            if (now - lastMeasureWarning >= 60_000) {
                lastMeasureWarning = now;
                LOG.warn(
                        "storage writer: cannot measure what waits in the journal ({}); lag and pending records"
                                + " keep their last values",
                        e.toString());
            }
            try {
                close();
            } catch (RuntimeException ignored) {
                // new tailers next time
            }
            return;
        }
        long excerpts = eventsBacklog.excerpts() + deadLettersBacklog.excerpts();
        long records = eventsBacklog.records() + deadLettersBacklog.records();
        long oldest = oldest(eventsBacklog.oldestReceivedAt(), deadLettersBacklog.oldestReceivedAt());
        oldestWaiting = oldest;
        pendingRecords = records;
        measured = true;
        if (oldest == EventRecord.NO_TIME) {
            // nothing left to commit: whatever failed has nothing more to fail on
            failingSince = EventRecord.NO_TIME;
            lastFailure = null;
        }
        metrics.lagExcerpts.set(excerpts);
        metrics.pendingRecords.set(records);
        stats = new WriterStats(
                rowsCommitted,
                rejectedCommitted,
                duplicatesDropped,
                filesCommitted,
                commits,
                eventsCommitted,
                excerpts,
                lagMillis(now) / 1000.0);
    }

    private static long oldest(long a, long b) {
        if (a == EventRecord.NO_TIME) {
            return b;
        }
        return b == EventRecord.NO_TIME ? a : Math.min(a, b);
    }

    /** The oldest waiting record's age at {@code now}; 0 when nothing waits (or its clock is ahead of ours). */
    private long lagMillis(long now) {
        long oldest = oldestWaiting;
        return oldest == EventRecord.NO_TIME ? 0 : Math.max(0, now - oldest);
    }

    /** The writer's health now; {@code stopped} when its thread has ended, with {@code why} if it failed. */
    WriterHealth health(boolean stopped, Throwable why) {
        long now = clock.millis();
        long lag = lagMillis(now);
        long pending = pendingRecords;
        double lagSeconds = lag / 1000.0;
        double maxSeconds = maxLagMillis / 1000.0;
        if (stopped) {
            return new WriterHealth(
                    false,
                    "stopped",
                    lagSeconds,
                    pending,
                    maxSeconds,
                    "the writer's thread has stopped" + (why == null ? "" : ": " + why));
        }
        if (!measured) {
            return new WriterHealth(
                    false,
                    "starting",
                    lagSeconds,
                    pending,
                    maxSeconds,
                    "recovering its position from the tables"
                            + (lastFailure == null ? "" : "; last attempt: " + lastFailure));
        }
        long since = failingSince;
        String failure = lastFailure;
        if (since != EventRecord.NO_TIME) {
            long failingFor = Math.max(0, now - since);
            String reason = "commits failing for " + failingFor / 1000 + " s: " + failure;
            if (failingFor > maxLagMillis) {
                return new WriterHealth(false, "failing", lagSeconds, pending, maxSeconds, reason);
            }
            if (lag <= maxLagMillis) {
                return new WriterHealth(true, "retrying", lagSeconds, pending, maxSeconds, reason);
            }
        }
        if (lag > maxLagMillis) {
            return new WriterHealth(
                    false,
                    "lagging",
                    lagSeconds,
                    pending,
                    maxSeconds,
                    "the oldest record not yet"
                            + " committed has waited " + lag / 1000 + " s, longer than " + maxLagMillis / 1000 + " s"
                            + (failure == null ? "" : "; last commit failed: " + failure));
        }
        return new WriterHealth(
                true,
                oldestWaiting == EventRecord.NO_TIME ? "idle" : "committing",
                lagSeconds,
                pending,
                maxSeconds,
                null);
    }

    @Override
    public void close() {
        JournalBacklog e = eventsBacklog;
        JournalBacklog d = deadLettersBacklog;
        eventsBacklog = deadLettersBacklog = null;
        try {
            if (e != null) {
                e.close();
            }
        } finally {
            if (d != null) {
                d.close();
            }
        }
    }
}
