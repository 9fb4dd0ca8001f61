package io.spool.writer;

/**
 * A snapshot of a writer's progress since it started. Counts cover committed work only: rows in
 * files a crash could still throw away are not counted until their commit is published.
 *
 * @param rowsCommitted event rows in committed Parquet files
 * @param rejectedRowsCommitted rows committed to the rejected table
 * @param duplicatesDropped events dropped as duplicates of a {@code message_id} within the window
 * @param filesCommitted Parquet files published
 * @param commits commits published (snapshots carrying the journal position)
 * @param checkpointIndex the last events-journal index in committed rows, or −1
 * @param lagExcerpts journal excerpts (requests, and excerpts of dead letters) after the last
 *     committed position
 * @param lagSeconds age of the oldest journal record not yet committed; 0 only when nothing waits
 */
public record WriterStats(
        long rowsCommitted,
        long rejectedRowsCommitted,
        long duplicatesDropped,
        long filesCommitted,
        long commits,
        long checkpointIndex,
        long lagExcerpts,
        double lagSeconds) {}
