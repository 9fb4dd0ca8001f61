package io.spool.writer.internal;

import io.spool.journal.DeadLetterRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalBatch;
import io.spool.journal.JournalFormatException;
import io.spool.journal.JournalQueue;
import io.spool.journal.JournalTailer;
import io.spool.journal.RecordField;
import io.spool.journal.RecordView;
import io.spool.writer.WriterStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's main thread: reads the journal, deduplicates, hands accepted records to the
 * {@link EventShard}s that encode them into Parquet, publishes the commit's files and moves the
 * checkpoint. Tailers, dedup index and commit state are owned by this thread; other threads talk to it
 * through {@link #requestDrain()}, {@link #requestClose()} and the volatile {@link #stats()}.
 *
 * <p>Commit protocol: files are written under temporary names, closed and synced, then renamed to
 * their final names, and only then is the checkpoint replaced (atomically). On start, and after any
 * failure, {@link #recover()} deletes temporaries and every file that starts past the checkpoint and
 * resumes reading after it, so each journal record ends up in exactly one committed file.
 */
public final class WriterLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterLoop.class);
    /** Excerpts read before the loop looks at its commands and thresholds again. */
    private static final int EXCERPTS_PER_POLL = 256;
    /** Hour partitions open at once in one commit before it is committed early (bounds buffered memory). */
    private static final int MAX_OPEN_FILES = 24;
    /** Rows handed to one shard before the next one takes over (whole excerpts; keeps shards equally busy). */
    private static final long ROWS_PER_SHARD_TURN = 4096;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final WriterConfig config;
    private final WriterMetrics metrics;
    private final ConcurrentLinkedQueue<CompletableFuture<WriterStats>> drainRequests = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean continuous;
    private volatile boolean closeRequested;
    private volatile Thread thread;

    // Owned by the writer thread.
    private Journal journal;
    private boolean ownsJournal;
    private WriterState state;
    private OutputStore store;
    private JournalTailer eventsTailer;
    private JournalTailer deadLettersTailer;
    private DedupIndex dedup;
    /** Rejected rows, written on this thread (they are rare). */
    private CommitFiles files;
    /** Event rows, written on the shards' threads. */
    private EventShard[] shards;
    private long[] shardFirst;
    private long[] shardLast;
    private int shard;
    private long rowsSinceSwitch;
    private final long[] pendingHours = new long[MAX_OPEN_FILES + 2];
    private int pendingHourCount;
    private long lastHour = Long.MIN_VALUE;
    private Checkpoint checkpoint = Checkpoint.NONE;
    private final List<long[]> segments = new ArrayList<>(); // {first, last, newest}
    private final RejectedRow rejectedRow = new RejectedRow();
    private final DeadLetterRecord deadLetter = new DeadLetterRecord();
    private long eventsFirst = -1;
    private long eventsLast = -1;
    private long deadLettersFirst = -1;
    private long deadLettersLast = -1;
    private long pendingRows;
    private long pendingBytes;
    private long pendingSince;
    private long newestCommittedReceivedAt = Long.MIN_VALUE;
    private long newestPendingReceivedAt = Long.MIN_VALUE;
    private final List<Pending> drains = new ArrayList<>();
    private long lagUpdatedAt;
    private IOException ioFailure;

    // Published to other threads.
    private volatile WriterStats stats = new WriterStats(0, 0, 0, 0, 0, -1, 0, 0);
    private long rowsCommitted;
    private long rejectedCommitted;
    private long duplicatesDropped;
    private long pendingDuplicates;
    private long filesCommitted;
    private long commits;

    private record Pending(CompletableFuture<WriterStats> future, long events, long deadLetters) {
    }

    public WriterLoop(WriterConfig config, WriterMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Starts the thread (once); {@code readContinuously} false reads only when a drain asks. */
    public synchronized void start(boolean readContinuously) {
        if (readContinuously) {
            continuous = true;
        }
        if (thread == null) {
            Thread t = new Thread(this, "spool-storage-writer-" + config.writerId());
            t.setDaemon(false);
            thread = t;
            t.start();
        } else {
            LockSupport.unpark(thread);
        }
        started.join();
    }

    public boolean isStarted() {
        return thread != null;
    }

    /** Asks for everything the journal holds now to be committed; completes when it is. */
    public CompletableFuture<WriterStats> requestDrain() {
        CompletableFuture<WriterStats> f = new CompletableFuture<>();
        drainRequests.add(f);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        return f;
    }

    /** Asks the thread to commit what it has and stop; completes when it has. */
    public CompletableFuture<Void> requestClose() {
        closeRequested = true;
        Thread t = thread;
        if (t == null) {
            stopped.complete(null);
        } else {
            LockSupport.unpark(t);
        }
        return stopped;
    }

    public WriterStats stats() {
        return stats;
    }

    @Override
    public void run() {
        boolean needsRecovery = true;
        long backoffMillis = 500;
        try {
            while (true) {
                try {
                    if (needsRecovery) {
                        recover();
                        needsRecovery = false;
                        started.complete(null);
                    }
                    step();
                    backoffMillis = 500;
                    if (closeRequested) {
                        if (hasPending()) {
                            commit();
                        }
                        break;
                    }
                } catch (RuntimeException | IOException | Error e) {
                    if (!started.isDone()) {
                        started.completeExceptionally(e);
                        return;
                    }
                    metrics.failures.inc();
                    abandon();
                    if (closeRequested) {
                        LOG.error("storage writer: could not commit on shutdown ({}); the uncommitted records stay in"
                                + " the journal and are written on the next start", String.valueOf(e), e);
                        failDrains(e);
                        break;
                    }
                    LOG.error("storage writer: commit failed ({}); retrying from the last checkpoint in {} ms",
                            String.valueOf(e), backoffMillis, e);
                    needsRecovery = true;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
                    backoffMillis = Math.min(backoffMillis * 2, 30_000);
                }
            }
        } finally {
            release();
            failDrains(new IllegalStateException("the storage writer stopped"));
            stopped.complete(null);
        }
    }

    private void step() throws IOException {
        for (CompletableFuture<WriterStats> f; (f = drainRequests.poll()) != null; ) {
            drains.add(new Pending(f, journal.events().lastIndex(), journal.deadLetters().lastIndex()));
        }
        boolean read = false;
        boolean exhausted = false;
        if (continuous || !drains.isEmpty()) {
            int events = readEvents();
            int dead = readDeadLetters();
            read = events + dead > 0;
            exhausted = events < EXCERPTS_PER_POLL && dead < EXCERPTS_PER_POLL && !full();
        }
        long now = config.clock().millis();
        boolean drainDue = !drains.isEmpty() && (exhausted || drainTargetReached());
        if (hasPending() && (drainDue || closeRequested || thresholdReached(now))) {
            commit();
        }
        if (drainDue && !hasPending()) {
            updateLag(now);
            WriterStats s = stats;
            drains.forEach(d -> d.future().complete(s));
            drains.clear();
        }
        if (now - lagUpdatedAt >= 1000) {
            updateLag(now);
        }
        if (!read && !closeRequested && drainRequests.isEmpty()) {
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
    }

    private boolean drainTargetReached() {
        long readEvents = eventsLast >= 0 ? eventsLast : checkpoint.events();
        long readDead = deadLettersLast >= 0 ? deadLettersLast : checkpoint.deadLetters();
        for (Pending d : drains) {
            if (readEvents < d.events() || readDead < d.deadLetters()) {
                return false;
            }
        }
        return true;
    }

    private boolean hasPending() {
        return eventsLast >= 0 || deadLettersLast >= 0;
    }

    private boolean thresholdReached(long now) {
        return full() || (hasPending() && now - pendingSince >= config.rollInterval().toMillis());
    }

    /** Whether the commit being written is as large as it may get. */
    private boolean full() {
        return pendingRows >= config.rollRows()
                || pendingBytes >= config.rollBytes()
                || pendingHourCount > MAX_OPEN_FILES
                || files.openFiles() > MAX_OPEN_FILES;
    }

    // ---------------------------------------------------------------- reading

    private int readEvents() throws IOException {
        return read(eventsTailer, this::onEvents);
    }

    private int readDeadLetters() throws IOException {
        return read(deadLettersTailer, this::onDeadLetters);
    }

    /** Reads up to a poll's worth of excerpts, stopping early when a commit is due or a write failed. */
    private int read(JournalTailer tailer, JournalTailer.BatchHandler handler) throws IOException {
        int n = 0;
        while (n < EXCERPTS_PER_POLL && !full() && tailer.readBatch(handler)) {
            n++;
            if (ioFailure != null) {
                IOException e = ioFailure;
                ioFailure = null;
                throw e;
            }
        }
        return n;
    }

    private void beginPending(long bytes) {
        if (!hasPending()) {
            pendingSince = config.clock().millis();
        }
        pendingBytes += bytes;
    }

    private void onEvents(long index, JournalBatch batch) {
        if (ioFailure != null) {
            return;
        }
        beginPending(batch.length());
        if (eventsFirst < 0) {
            eventsFirst = index;
        }
        eventsLast = index;
        int s = shard;
        EventShard target = shards[s];
        byte[] out = target.buffer(batch.length());
        int used = 0;
        int accepted = 0;
        try {
            while (batch.next()) {
                RecordView record;
                try {
                    record = batch.view();
                } catch (JournalFormatException e) {
                    reject(index, batch, e);
                    continue;
                }
                int idLength = record.length(RecordField.MESSAGE_ID);
                if (idLength >= 0 && !dedup.firstSeen(record.array(), record.offset(RecordField.MESSAGE_ID), idLength,
                        record.receivedAt())) {
                    pendingDuplicates++;
                    continue;
                }
                long receivedAt = record.receivedAt();
                notePartition(Partitions.hourOf(receivedAt));
                if (receivedAt > newestPendingReceivedAt) {
                    newestPendingReceivedAt = receivedAt;
                }
                int len = batch.length();
                out[used] = (byte) len;
                out[used + 1] = (byte) (len >>> 8);
                out[used + 2] = (byte) (len >>> 16);
                out[used + 3] = (byte) (len >>> 24);
                System.arraycopy(batch.array(), batch.offset(), out, used + 4, len);
                used += 4 + len;
                accepted++;
            }
        } catch (IOException e) {
            ioFailure = e;
            return;
        }
        if (accepted > 0) {
            target.submit(out, used, index);
            if (shardFirst[s] < 0) {
                shardFirst[s] = index;
            }
            shardLast[s] = index;
            pendingRows += accepted;
            rowsSinceSwitch += accepted;
            if (rowsSinceSwitch >= ROWS_PER_SHARD_TURN) {
                shard = (s + 1) % shards.length;
                rowsSinceSwitch = 0;
            }
        }
    }

    private void notePartition(long hour) {
        if (hour == lastHour) {
            return;
        }
        lastHour = hour;
        for (int i = 0; i < pendingHourCount; i++) {
            if (pendingHours[i] == hour) {
                return;
            }
        }
        if (pendingHourCount < pendingHours.length) {
            pendingHours[pendingHourCount++] = hour;
        }
    }

    private void reject(long index, JournalBatch batch, JournalFormatException e) throws IOException {
        LOG.warn("storage writer: journal record {} of excerpt {} is unreadable ({}); kept under rejected/",
                batch.recordNumber(), index, e.getMessage());
        rejectedRow.set(config.clock().millis(), null, null, "unreadable journal record at index " + index + ": "
                + e.getMessage(), batch.recordNumber()).payload(batch.array(), batch.offset(), batch.length());
        files.writeRejectedEvent(rejectedRow, eventsFirst);
        pendingRows++;
    }

    private void onDeadLetters(long index, JournalBatch batch) {
        if (ioFailure != null) {
            return;
        }
        beginPending(batch.length());
        if (deadLettersFirst < 0) {
            deadLettersFirst = index;
        }
        deadLettersLast = index;
        try {
            while (batch.next()) {
                try {
                    batch.deadLetter(deadLetter);
                    rejectedRow.set(deadLetter.receivedAt(), deadLetter.writeKey(), deadLetter.ip(), deadLetter.reason(),
                            deadLetter.batchIndex());
                    if (deadLetter.payload().isPresent()) {
                        rejectedRow.payload(deadLetter.payload().array(), deadLetter.payload().offset(),
                                deadLetter.payload().length());
                    }
                } catch (JournalFormatException e) {
                    LOG.warn("storage writer: dead letter {} of excerpt {} is unreadable ({}); kept as is",
                            batch.recordNumber(), index, e.getMessage());
                    rejectedRow.set(config.clock().millis(), null, null, "unreadable dead letter at index " + index
                            + ": " + e.getMessage(), batch.recordNumber())
                            .payload(batch.array(), batch.offset(), batch.length());
                }
                files.writeDeadLetter(rejectedRow, deadLettersFirst);
                pendingRows++;
            }
        } catch (IOException e) {
            ioFailure = e;
        }
    }

    // ---------------------------------------------------------------- committing

    private void commit() throws IOException {
        long t0 = System.nanoTime();
        List<CompletableFuture<List<CommitFiles.Written>>> closing = new ArrayList<>();
        for (int i = 0; i < shards.length; i++) {
            if (shardFirst[i] >= 0) {
                closing.add(shards[i].close(shardFirst[i], shardLast[i]));
            }
        }
        List<CommitFiles.Written> written = new ArrayList<>();
        for (CompletableFuture<List<CommitFiles.Written>> c : closing) {
            written.addAll(c.join());
        }
        written.addAll(files.close(eventsFirst, eventsLast, deadLettersFirst, deadLettersLast));
        for (CommitFiles.Written w : written) {
            store.sync(w.temporary());
        }
        Path segment = null;
        DedupIndex.Pending ids = dedup.pending();
        if (ids.size() > 0) {
            segment = state.writeSegmentTemp(ids);
        }
        long newestId = Long.MIN_VALUE;
        for (int i = 0; i < ids.size(); i++) {
            newestId = Math.max(newestId, ids.time(i));
        }
        for (CommitFiles.Written w : written) {
            store.rename(w.temporary(), w.target());
        }
        if (segment != null) {
            state.publishSegment(segment, eventsFirst, eventsLast);
        }
        Checkpoint next = new Checkpoint(eventsLast >= 0 ? eventsLast : checkpoint.events(),
                deadLettersLast >= 0 ? deadLettersLast : checkpoint.deadLetters());
        state.writeCheckpoint(next);
        // Committed. Nothing below may undo it.
        checkpoint = next;
        if (segment != null) {
            segments.add(new long[] {eventsFirst, eventsLast, newestId});
        }
        long eventRows = 0;
        long rejectedRows = 0;
        for (CommitFiles.Written w : written) {
            if (w.target().startsWith("events/")) {
                eventRows += w.rows();
            } else {
                rejectedRows += w.rows();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        rowsCommitted += eventRows;
        rejectedCommitted += rejectedRows;
        duplicatesDropped += pendingDuplicates;
        filesCommitted += written.size();
        commits++;
        metrics.rows.inc(eventRows);
        metrics.rejected.inc(rejectedRows);
        metrics.duplicates.inc(pendingDuplicates);
        metrics.files.inc(written.size());
        metrics.commits.inc();
        metrics.commitSeconds.observe(seconds);
        if (newestPendingReceivedAt > newestCommittedReceivedAt) {
            newestCommittedReceivedAt = newestPendingReceivedAt;
        }
        LOG.info("storage writer: committed {} rows, {} rejected, {} duplicates dropped, in {} file(s); events up to"
                        + " index {}, dead letters up to {}; {} ms", eventRows, rejectedRows, pendingDuplicates,
                written.size(), checkpoint.events(), checkpoint.deadLetters(), Math.round(seconds * 1000));
        resetPending();
        ids.clear();
        afterCommit();
        updateLag(config.clock().millis());
    }

    private void resetPending() {
        eventsFirst = eventsLast = deadLettersFirst = deadLettersLast = -1;
        if (shardFirst != null) {
            java.util.Arrays.fill(shardFirst, -1);
            java.util.Arrays.fill(shardLast, -1);
        }
        pendingHourCount = 0;
        lastHour = Long.MIN_VALUE;
        pendingRows = pendingBytes = pendingDuplicates = 0;
        newestPendingReceivedAt = Long.MIN_VALUE;
    }

    /** Housekeeping that may fail without harm: expired dedup ids and segments, journal retention. */
    private void afterCommit() {
        try {
            dedup.expire();
            long horizon = dedup.horizon();
            for (Iterator<long[]> it = segments.iterator(); it.hasNext(); ) {
                long[] s = it.next();
                if (s[2] < horizon) {
                    Files.deleteIfExists(segmentFile(s[0], s[1]));
                    it.remove();
                }
            }
            Instant now = config.clock().instant();
            JournalRetention.apply(journal.events(), checkpoint.events(), now, config.retention());
            JournalRetention.apply(journal.deadLetters(), checkpoint.deadLetters(), now, config.retention());
        } catch (IOException | RuntimeException e) {
            LOG.warn("storage writer: housekeeping after a commit failed ({}); will try again after the next", e.toString());
        }
    }

    private Path segmentFile(long first, long last) {
        return state.dir().resolve("dedup").resolve(first + "-" + last + ".ids");
    }

    private void updateLag(long now) {
        lagUpdatedAt = now;
        long lastEvents = journal.events().lastIndex();
        long lagExcerpts = 0;
        double lagSeconds = 0;
        if (lastEvents > checkpoint.events()) {
            JournalQueue q = journal.events();
            var cycle = q.rollCycle();
            if (checkpoint.events() < 0 || cycle.toCycle(lastEvents) != cycle.toCycle(checkpoint.events())) {
                lagExcerpts = cycle.toSequenceNumber(lastEvents) + 1;
            } else {
                lagExcerpts = cycle.toSequenceNumber(lastEvents) - cycle.toSequenceNumber(checkpoint.events());
            }
            if (newestCommittedReceivedAt != Long.MIN_VALUE) {
                lagSeconds = Math.max(0, now - newestCommittedReceivedAt) / 1000.0;
            }
        }
        metrics.lagExcerpts.set(lagExcerpts);
        metrics.lagSeconds.set(lagSeconds);
        stats = new WriterStats(rowsCommitted, rejectedCommitted, duplicatesDropped, filesCommitted, commits,
                checkpoint.events(), lagExcerpts, lagSeconds);
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Brings the writer to the last checkpoint: deletes temporaries and every file past it, rebuilds
     * the dedup window from the committed segments, and positions the tailers after it.
     */
    private void recover() throws IOException {
        if (journal == null) {
            if (config.journal() != null) {
                journal = config.journal();
            } else {
                journal = Journal.open(config.journalDir());
                ownsJournal = true;
            }
        }
        if (state == null) {
            state = new WriterState(journal.dir().resolve("writer").resolve(config.writerId()));
        }
        if (store == null) {
            store = OutputStore.open(config.output());
        }
        checkpoint = state.readCheckpoint();
        int deleted = 0;
        String own = "part-" + config.writerId() + "-";
        for (String dir : new String[] {"events", "rejected"}) {
            for (String path : store.listFiles(dir)) {
                String name = path.substring(path.lastIndexOf('/') + 1);
                if (name.startsWith("." + own) && name.endsWith(".tmp")) {
                    store.delete(path);
                    deleted++;
                } else if (name.startsWith(own) && name.endsWith(".parquet") && pastCheckpoint(name.substring(own.length()))) {
                    store.delete(path);
                    deleted++;
                }
            }
        }
        dedup = new DedupIndex(config.dedupWindow().toMillis());
        segments.clear();
        for (WriterState.Segment s : state.segments()) {
            if (s.first() > checkpoint.events()) {
                Files.deleteIfExists(s.file());
                continue;
            }
            long newest = WriterState.readSegment(s, dedup);
            segments.add(new long[] {s.first(), s.last(), newest});
        }
        dedup.expire();
        files = new CommitFiles(store, config.writerId(), config.compression());
        if (shards == null) {
            shards = new EventShard[config.writerThreads()];
            for (int i = 0; i < shards.length; i++) {
                shards[i] = new EventShard(store, config.writerId(), config.compression(),
                        "spool-storage-writer-" + config.writerId() + "-parquet-" + i);
            }
            shardFirst = new long[shards.length];
            shardLast = new long[shards.length];
        }
        resetPending();
        closeTailers();
        eventsTailer = position(journal.events().newTailer(), checkpoint.events());
        deadLettersTailer = position(journal.deadLetters().newTailer(), checkpoint.deadLetters());
        LOG.info("storage writer {}: journal {} -> {}; resuming after events index {} and dead-letters index {}"
                        + "{}; {} message ids in the dedup window", config.writerId(), journal.dir(), store.describe(),
                checkpoint.events(), checkpoint.deadLetters(),
                deleted > 0 ? "; deleted " + deleted + " uncommitted file(s)" : "", dedup.size());
        updateLag(config.clock().millis());
    }

    /** Whether a published file named {@code <first>-<last>.parquet} (or {@code dl<first>-…}) starts past the checkpoint. */
    private boolean pastCheckpoint(String range) {
        boolean dl = range.startsWith("dl");
        String r = dl ? range.substring(2) : range;
        int dash = r.indexOf('-');
        if (dash <= 0) {
            return false;
        }
        try {
            long first = Long.parseLong(r.substring(0, dash));
            return first > (dl ? checkpoint.deadLetters() : checkpoint.events());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static JournalTailer position(JournalTailer tailer, long after) {
        return after < 0 ? tailer.toStart() : tailer.moveAfter(after);
    }

    private void abandon() {
        if (files != null) {
            files.abandon();
        }
        if (shards != null) {
            for (EventShard s : shards) {
                s.abandon().join();
            }
        }
        if (dedup != null) {
            dedup.pending().clear();
        }
        resetPending();
    }

    private void closeTailers() {
        if (eventsTailer != null) {
            eventsTailer.close();
            eventsTailer = null;
        }
        if (deadLettersTailer != null) {
            deadLettersTailer.close();
            deadLettersTailer = null;
        }
    }

    private void failDrains(Throwable e) {
        drains.forEach(d -> d.future().completeExceptionally(e));
        drains.clear();
        for (CompletableFuture<WriterStats> f; (f = drainRequests.poll()) != null; ) {
            f.completeExceptionally(e);
        }
    }

    private void release() {
        abandon();
        if (shards != null) {
            for (EventShard s : shards) {
                s.stop();
            }
        }
        closeTailers();
        try {
            if (state != null) {
                state.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (ownsJournal && journal != null) {
                journal.close();
            }
        }
    }
}
