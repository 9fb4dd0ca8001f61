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
 * @param lagExcerpts journal excerpts (one per request) not yet committed; a lower bound when the
 *     backlog spans an hour boundary
 * @param lagSeconds age of the newest committed event while the journal holds newer ones; 0 when
 *     caught up
 */
public record WriterStats(
        long rowsCommitted,
        long rejectedRowsCommitted,
        long duplicatesDropped,
        long filesCommitted,
        long commits,
        long checkpointIndex,
        long lagExcerpts,
        double lagSeconds) {
}
