package io.spool.writer.internal;

import java.util.List;

/**
 * What one commit publishes: the closed data files of each table and the journal positions they bring
 * the writer to. {@code seq} numbers this writer's commits; a table records the last one it took.
 *
 * @param eventsIndex the last events-journal index the commit covers (−1 when none was ever read)
 * @param deadLettersIndex the last dead-letters-journal index the commit covers (−1 likewise)
 * @param readEvents whether this commit read events (moves the events table's position)
 * @param readDeadLetters whether it read dead letters or found unreadable events (moves the rejected table's)
 */
record PendingCommit(
        long seq,
        List<CommitFiles.Written> files,
        long eventsIndex,
        long deadLettersIndex,
        boolean readEvents,
        boolean readDeadLetters) {
    PendingCommit {
        files = List.copyOf(files);
    }

    List<CommitFiles.Written> files(String table) {
        return files.stream().filter(w -> w.table().name.equals(table)).toList();
    }

    long rows(String table) {
        return files(table).stream().mapToLong(CommitFiles.Written::rows).sum();
    }
}
