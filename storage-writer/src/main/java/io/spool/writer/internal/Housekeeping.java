package io.spool.writer.internal;

import io.spool.journal.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the writer does after a commit that may fail without harm, on the writer's thread: the dedup
 * window's segments that fell out of the window, journal cycles that are committed and past retention,
 * and, every {@link WriterConfig.Upkeep#interval()}, the tables' upkeep ({@link TableUpkeep}:
 * compaction, snapshot expiry, orphan files). A failure is logged and tried again after a later commit.
 * The upkeep exists even when its interval is zero (no periodic runs): it still settles a compaction a
 * crash interrupted, and {@link #upkeepNow()} runs it on request.
 */
final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final WriterConfig config;
    private final WriterState state;
    private final Journal journal;
    private final TableUpkeep upkeep;
    private final boolean periodic;
    /** Published dedup segments: {first, last, newest receivedAt}. */
    private final List<long[]> segments = new ArrayList<>();
    /** The writer's dedup window, set by {@link #restoreDedup} on every recovery. */
    private DedupIndex dedup;

    private long nextUpkeep;

    Housekeeping(WriterConfig config, Lake lake, WriterState state, Journal journal, WriterMetrics metrics) {
        this.config = config;
        this.state = state;
        this.journal = journal;
        this.upkeep = new TableUpkeep(config, lake, state, metrics);
        this.periodic = !config.upkeep().interval().isZero();
        this.nextUpkeep = config.clock().millis() + config.upkeep().interval().toMillis();
    }

    /**
     * Rebuilds the dedup window from the segments of committed commits. A commit's segment ends at the
     * events index that commit recorded, so a segment reaching past {@code eventsIndex} (the tables'
     * position) belongs to an attempt that did not land, whatever its first index: it is deleted, never
     * loaded, or the events it names would be dropped as duplicates when they are read again.
     */
    void restoreDedup(DedupIndex dedup, long eventsIndex) throws IOException {
        segments.clear();
        List<WriterState.Segment> stale = new ArrayList<>();
        for (WriterState.Segment s : state.segments()) {
            if (s.last() > eventsIndex) {
                stale.add(s);
                continue;
            }
            long newest = WriterState.readSegment(s, dedup);
            segments.add(new long[] {s.first(), s.last(), newest});
        }
        state.deleteSegments(stale);
        dedup.expire();
        this.dedup = dedup;
    }

    /** Notes what a commit published: its data files (for compaction) and its dedup segment, if any. */
    void committed(List<CommitFiles.Written> files, long[] segment) {
        if (segment != null) {
            segments.add(segment);
        }
        upkeep.committed(files);
    }

    void afterCommit(Positions positions) {
        try {
            dedup.expire();
            long horizon = dedup.horizon();
            for (Iterator<long[]> it = segments.iterator(); it.hasNext(); ) {
                long[] s = it.next();
                if (s[2] < horizon) {
                    Files.deleteIfExists(state.segmentFile(s[0], s[1]));
                    it.remove();
                }
            }
            Instant now = config.clock().instant();
            JournalRetention.apply(journal.events(), positions.events(), now, config.retention());
            JournalRetention.apply(journal.deadLetters(), positions.deadLetters(), now, config.retention());
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "storage writer: housekeeping after a commit failed ({}); will try again after the next",
                    e.toString());
        }
        long now = config.clock().millis();
        if (periodic && now >= nextUpkeep) {
            nextUpkeep = now + config.upkeep().interval().toMillis();
            runUpkeep();
        }
    }

    /** The periodic upkeep: a failure is logged and tried again an interval later. */
    private void runUpkeep() {
        try {
            upkeep.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "storage writer: table upkeep failed ({}); will try again in {}",
                    Lake.rootMessage(e),
                    config.upkeep().interval());
        }
    }

    /** Runs the tables' upkeep now (what {@code StorageWriter.upkeep()} asks for); a failure is thrown. */
    void upkeepNow() throws IOException {
        upkeep.run();
    }

    void close() {
        upkeep.close();
    }
}
