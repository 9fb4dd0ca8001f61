package io.spool.writer.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a writer's {@link PendingCommit}s to its two tables and brings it back to what the tables
 * hold after a crash. The journal position a commit covers travels in that commit's snapshot summary
 * ({@code spool.writer-id}, {@code spool.events-index}, {@code spool.dead-letters-index},
 * {@code spool.commit}), so data and checkpoint are published by one atomic metadata swap.
 *
 * <p>The three outcomes, as Iceberg has them: committed (the intent is cleared); failed, only when
 * Iceberg says so ({@link CleanableFailure}: a conflict it could not retry past; the files stay in the
 * intent, and recovery, after re-reading the table, deletes those it did not take); unknown, any other
 * failure (the table is re-read: if the commit shows, it is committed; if not, its files are dropped from
 * the intent but never deleted, because a commit whose outcome is unknown may still reference them:
 * orphan removal takes them once old and unreferenced).
 *
 * <p>The rejected table is committed before the events table: a crash between the two leaves the
 * rejected table ahead, and {@link Positions#eventsRejected()} tells the re-read which unreadable records
 * it already holds.
 */
final class Committer {
    private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
    static final String WRITER_ID = "spool.writer-id";
    static final String EVENTS_INDEX = "spool.events-index";
    static final String DEAD_LETTERS_INDEX = "spool.dead-letters-index";
    static final String COMMIT = "spool.commit";
    static final String JOURNAL_ID = "spool.journal-id";

    private final Lake lake;
    private final String writerId;
    private final CommitIntent intent;
    private final WriterState state;

    /** Thrown when a commit's outcome could not be learned; the writer recovers from the table. */
    static final class OutcomeUnknown extends IOException {
        OutcomeUnknown(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Committer(Lake lake, String writerId, CommitIntent intent, WriterState state) {
        this.lake = lake;
        this.writerId = writerId;
        this.intent = intent;
        this.state = state;
    }

    /** Renames the closed files to their final names (syncing them first) where the store renames. */
    void prepare(List<CommitFiles.Written> files) throws IOException {
        OutputStore store = lake.store();
        if (store.renames()) {
            for (CommitFiles.Written w : files) {
                store.publish(w.temporary(), w.location());
            }
        }
        CrashPoints.reached(CrashPoints.PUBLISHED);
    }

    /** Commits to both tables; returns normally only when both took the commit. */
    void commit(PendingCommit pending) throws IOException {
        List<CommitFiles.Written> rejectedFiles = pending.files("rejected");
        Positions at = state.positions();
        long eventsRejected = pending.readEvents() && !rejectedFiles.isEmpty()
                ? Math.max(at.eventsRejected(), pending.eventsIndex())
                : at.eventsRejected();
        if (pending.readDeadLetters() || !rejectedFiles.isEmpty()) {
            append(
                    lake.rejected(),
                    rejectedFiles,
                    pending.seq(),
                    Map.of(
                            EVENTS_INDEX, Long.toString(eventsRejected),
                            DEAD_LETTERS_INDEX, Long.toString(pending.deadLettersIndex())));
            CrashPoints.reached(CrashPoints.REJECTED_COMMITTED);
        }
        if (pending.readEvents()) {
            append(
                    lake.events(),
                    pending.files("events"),
                    pending.seq(),
                    Map.of(EVENTS_INDEX, Long.toString(pending.eventsIndex())));
            CrashPoints.reached(CrashPoints.EVENTS_COMMITTED);
        }
        intent.clear();
        CrashPoints.reached(CrashPoints.INTENT_CLEARED);
        Positions next = new Positions(
                pending.readEvents() ? pending.eventsIndex() : at.events(),
                eventsRejected,
                pending.readDeadLetters() ? pending.deadLettersIndex() : at.deadLetters(),
                pending.seq());
        state.writePositions(next);
    }

    private void append(Table table, List<CommitFiles.Written> files, long seq, Map<String, String> positions)
            throws IOException {
        AppendFiles append = table.newAppend().scanManifestsWith(CallerRunsExecutor.INSTANCE);
        for (CommitFiles.Written w : files) {
            append.appendFile(w.file());
        }
        append.set(WRITER_ID, writerId).set(COMMIT, Long.toString(seq)).set(JOURNAL_ID, state.journalId());
        positions.forEach(append::set);
        try {
            append.commit();
        } catch (RuntimeException e) {
            if (e instanceof CleanableFailure) {
                throw e; // failed for sure (a conflict Iceberg could not retry past): recovery deletes the files
            }
            // CommitStateUnknownException, and any other failure that does not say it is clean (a JDBC
            // connection lost mid-UPDATE surfaces as a plain UncheckedSQLException): the commit may have landed.
            // Re-read the table before deciding anything.
            try {
                table.refresh();
            } catch (RuntimeException refresh) {
                e.addSuppressed(refresh);
            }
            Snapshot own = newestOwn(table);
            if (own != null && Long.parseLong(own.summary().get(COMMIT)) == seq) {
                LOG.warn(
                        "storage writer: the outcome of commit {} to {} was unknown ({}); the table shows it committed",
                        seq,
                        table.name(),
                        e.getMessage());
                return;
            }
            keepFilesOf(files);
            throw new OutcomeUnknown(
                    "the outcome of commit " + seq + " to " + table.name() + " is unknown ("
                            + e.getMessage() + "); its " + files.size()
                            + " file(s) are kept, not deleted, and the writer"
                            + " resumes from what the table shows",
                    e);
        }
    }

    /** Drops files from the intent without deleting them: recovery must not touch them. */
    private void keepFilesOf(List<CommitFiles.Written> files) throws IOException {
        CommitIntent.Left left = intent.read();
        if (left == null) {
            return;
        }
        intent.begin(left.seq());
        for (CommitIntent.Noted n : left.files()) {
            if (files.stream().noneMatch(w -> w.location().equals(n.location()))) {
                intent.note(n.table(), n.location());
            }
        }
    }

    /**
     * Re-reads both tables, deletes the files an interrupted commit of this writer left unreferenced
     * (only those its intent lists: no listing of the lake), and returns where the writer resumes.
     */
    Recovery recover() throws IOException {
        lake.events().refresh();
        lake.rejected().refresh();
        Positions local = state.positions();
        Snapshot events = newestOwn(lake.events());
        Snapshot rejected = newestOwn(lake.rejected());
        String journalId = state.journalId();
        for (Snapshot own : new Snapshot[] {events, rejected}) {
            String theirs = own == null ? null : own.summary().get(JOURNAL_ID);
            if (theirs != null && !theirs.equals(journalId)) {
                throw new IllegalStateException("writer id \"" + writerId + "\" already commits to this table from"
                        + " another journal (journal id " + theirs + ", this one is " + journalId + "): give each"
                        + " collector's writer its own --writer-id");
            }
        }
        long eventsSeq = events == null ? 0 : number(events, COMMIT);
        long rejectedSeq = rejected == null ? 0 : number(rejected, COMMIT);
        Positions table = new Positions(
                events == null ? -1 : number(events, EVENTS_INDEX),
                rejected == null ? -1 : number(rejected, EVENTS_INDEX),
                rejected == null ? -1 : number(rejected, DEAD_LETTERS_INDEX),
                Math.max(eventsSeq, rejectedSeq));
        // The tables are the truth; the local copy only stands in for snapshots expired by someone else.
        Positions at = new Positions(
                events != null ? table.events() : local.events(),
                rejected != null ? table.eventsRejected() : local.eventsRejected(),
                rejected != null ? table.deadLetters() : local.deadLetters(),
                Math.max(table.seq(), local.seq()));
        int deleted = 0;
        CommitIntent.Left left = intent.read();
        if (left != null) {
            OutputStore store = lake.store();
            for (CommitIntent.Noted f : left.files()) {
                boolean events1 = f.table().equals("events");
                long took = events1 ? eventsSeq : rejectedSeq;
                if (took >= left.seq()) {
                    continue; // that commit landed: the file is the table's
                }
                if ((events1 ? events : rejected) == null && local.seq() > 0) {
                    // This writer committed before, yet the table shows none of its snapshots: someone
                    // expired them. Whether the interrupted commit landed cannot be told: keep its files
                    // (orphan removal takes them if unreferenced).
                    LOG.warn(
                            "storage writer: the table {} holds no snapshot of writer {} any more (expired by"
                                    + " another process?); keeping {} rather than guessing",
                            f.table(),
                            writerId,
                            f.location());
                    continue;
                }
                if (store.renames()) {
                    store.delete(store.temporary(f.location()));
                }
                store.delete(f.location());
                deleted++;
            }
            intent.clear();
        }
        state.writePositions(at);
        return new Recovery(at, deleted);
    }

    record Recovery(Positions positions, int deletedFiles) {}

    /** This writer's newest snapshot among the table's current ancestry, or null. */
    private Snapshot newestOwn(Table table) {
        for (Snapshot s = table.currentSnapshot();
                s != null;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            if (writerId.equals(s.summary().get(WRITER_ID)) && s.summary().containsKey(COMMIT)) {
                return s;
            }
        }
        return null;
    }

    private static long number(Snapshot s, String key) {
        String v = s.summary().get(key);
        return v == null ? -1 : Long.parseLong(v);
    }
}
