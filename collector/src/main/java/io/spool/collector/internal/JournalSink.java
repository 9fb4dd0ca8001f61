package io.spool.collector.internal;

import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.journal.JournalFullException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where accepted events and dead letters go: one appender per journal queue, shared by all request
 * threads (they are thread safe), and the check that the journal can take writes. The journal itself
 * reserves disk space before each append (a full disk is a {@link JournalFullException}, never a lost
 * mapped write); the free-space check here, at most once a second, answers 503 early, under the
 * minimum, before a request's body is even read. After a full disk the sink says so until the next
 * check finds room again: it recovers by itself when space returns.
 */
final class JournalSink implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JournalSink.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;
    /** How far ahead of the append position pages are read in: about a hundred 40 KB requests. */
    private static final long PRETOUCH_AHEAD = 4L << 20;
    /** Read in per step, so that the pretoucher looks at the append position (and at close) every ~100 µs. */
    private static final long PRETOUCH_STEP = 256L << 10;

    private final Journal journal;
    private final boolean ownsJournal;
    private final JournalAppender events;
    private final JournalAppender deadLetters;
    private final long minFreeBytes;
    private final CollectorMetrics metrics;
    private volatile long checkedAtNanos;
    private volatile String unwritableReason;
    private volatile boolean closed;

    JournalSink(Journal journal, boolean ownsJournal, long minFreeBytes, CollectorMetrics metrics) {
        this.journal = journal;
        this.ownsJournal = ownsJournal;
        this.minFreeBytes = minFreeBytes;
        this.metrics = metrics;
        this.events = journal.events().newAppender();
        this.deadLetters = journal.deadLetters().newAppender();
        metrics.journalSyncs(
                () -> journal.events().syncs() + journal.deadLetters().syncs());
        this.checkedAtNanos = System.nanoTime();
        this.unwritableReason = check();
    }

    Path dir() {
        return journal.dir();
    }

    /** Whether an append is acknowledged only once it is on disk (then through one group sync). */
    boolean fsync() {
        return journal.events().fsync();
    }

    /** Null when the journal can take writes now, else why not (said to clients and to /health). */
    String unwritableReason() {
        if (closed) {
            return "the journal is closed";
        }
        long now = System.nanoTime();
        if (now - checkedAtNanos >= CHECK_EVERY_NANOS) {
            checkedAtNanos = now;
            unwritableReason = check();
        }
        return unwritableReason;
    }

    private String check() {
        Path dir = journal.dir();
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < minFreeBytes) {
                return "the journal's disk has " + (free >> 20) + " MB free, under the minimum of "
                        + (minFreeBytes >> 20) + " MB";
            }
            if (!Files.isWritable(dir.resolve("events"))) {
                return "the journal folder " + dir.resolve("events") + " is not writable";
            }
            return null;
        } catch (IOException e) {
            return "the journal folder cannot be checked: " + e.getMessage();
        }
    }

    /**
     * Appends the workspace's dead letters, then its events. When this returns, both are in the
     * journal (with fsync, on disk); when it throws, the client must not get a 200.
     *
     * @throws JournalFullException when the disk has no room; the sink reports it until space returns
     * @throws io.spool.journal.JournalSyncException with fsync, when they could not be forced to disk
     */
    void append(Workspace ws) {
        appendUnsynced(ws);
        awaitSync(ws.eventsSequence, ws.deadLettersSequence);
    }

    /**
     * As {@link #append}, but without waiting for fsync: the sequences of the appends are left in the
     * workspace, for one {@link #awaitSync} after several requests' appends (group commit). Without
     * fsync the events are in the journal when this returns.
     */
    void appendUnsynced(Workspace ws) {
        if (closed) {
            throw new IllegalStateException("the journal is closed");
        }
        ws.eventsSequence = 0;
        ws.deadLettersSequence = 0;
        try {
            if (ws.deadLetters.count() > 0) {
                ws.deadLettersSequence = deadLetters.appendUnsynced(ws.deadLetters);
            }
            if (ws.events.count() > 0) {
                long start = System.nanoTime();
                ws.eventsSequence = events.appendUnsynced(ws.events);
                metrics.appendNanos(System.nanoTime() - start);
            }
        } catch (JournalFullException e) {
            if (unwritableReason == null) {
                log.warn("Answering 503 until the journal's disk has room again: {}", e.getMessage());
            }
            checkedAtNanos = System.nanoTime();
            unwritableReason = "the journal's disk is full";
            throw e;
        }
    }

    /**
     * Returns once the appends up to these sequences (0: none) are on disk; at once without fsync.
     *
     * @throws io.spool.journal.JournalSyncException when the sync failed: they are not durable
     */
    void awaitSync(long eventsSequence, long deadLettersSequence) {
        if (deadLettersSequence > 0) {
            deadLetters.awaitSync(deadLettersSequence);
        }
        if (eventsSequence > 0) {
            events.awaitSync(eventsSequence);
        }
    }

    /**
     * Reads a step of the events journal's next pages into the page cache (off the request path: the
     * appends that follow find them there instead of faulting them in). Returns whether more remain.
     */
    boolean pretouch() {
        return !closed && events.pretouch(PRETOUCH_AHEAD, PRETOUCH_STEP);
    }

    /** Closes the appenders and, when the collector opened the journal, the journal. */
    @Override
    public void close() {
        closed = true;
        try {
            events.close();
            deadLetters.close();
        } finally {
            if (ownsJournal) {
                journal.close();
            }
        }
    }
}
