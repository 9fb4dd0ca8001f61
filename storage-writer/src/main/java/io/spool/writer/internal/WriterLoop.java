package io.spool.writer.internal;

import io.spool.journal.DeadLetterRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalBatch;
import io.spool.journal.JournalFormatException;
import io.spool.journal.JournalTailer;
import io.spool.journal.RecordField;
import io.spool.journal.RecordView;
import io.spool.writer.WriterHealth;
import io.spool.writer.WriterStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's main thread: reads the journal, deduplicates, hands accepted records to the
 * {@link EventShard}s that encode them into Parquet, and decides when to commit. Publishing a commit and
 * recovering from a failed one belong to the {@link Committer}; upkeep that may fail without harm to
 * {@link Housekeeping}. Tailers, dedup index and the commit being prepared are owned by this thread;
 * other threads talk to it through {@link #requestDrain()}, {@link #requestUpkeep()}, {@link #requestClose()} and the volatile
 * {@link #stats()}.
 *
 * <p>On start, and after any failure, {@link #recover()} asks the committer where the tables say this
 * writer stands (cleaning up after an interrupted commit) and resumes reading after it, so each journal
 * record ends up in exactly one committed row. Attempts after a failure wait a backoff that doubles from
 * 0.5 s to 30 s until a commit lands, so a full or failing output pauses the writer (one log line per
 * attempt, its position kept) and it resumes by itself once the output takes writes again.
 *
 * <p>A {@link VirtualMachineError} (out of memory, a stack overflow) is not retried: a JVM in that state
 * may fail anywhere, and a retry re-reads the same backlog into the same heap. The thread logs it once
 * and stops; {@link #terminated()} completes with it and the command line exits non-zero, so a
 * supervisor restarts the process, which resumes from its last commit (nothing committed is lost and
 * nothing uncommitted was acknowledged to anyone but the journal).
 */
public final class WriterLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterLoop.class);
    /** Excerpts read before the loop looks at its commands and thresholds again. */
    private static final int EXCERPTS_PER_POLL = 256;
    /** Day partitions open at once in one commit before it is committed early (bounds buffered memory). */
    private static final int MAX_OPEN_FILES = 24;
    /** Rows handed to one shard before the next one takes over (whole excerpts; keeps shards equally busy). */
    private static final long ROWS_PER_SHARD_TURN = 4096;

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * Heap a row of the commit being written takes until it lands, besides its Parquet file: its message
     * id in the dedup index's pending list (24 B, in an array that doubles: up to 48 B) and its compressed
     * Parquet pages (~20 B for small events; a file keeps them until it is closed).
     */
    private static final long HEAP_BYTES_PER_PENDING_ROW = 68;
    /**
     * Heap an open Parquet file of the events table takes per row written to it, until it reaches
     * {@link #HEAP_BYTES_PER_OPEN_FILE}: its column writers' open pages (up to 1 MB a column), their
     * dictionaries (up to a 1 MB page each, held as hash maps of two to three times that) and the page
     * buffers kept for reuse. Measured on small events with unique ids, users and times (the dictionaries
     * fill as fast as they can): 2.6 MB at 10,000 rows, 7.4 MB at 30,000, 9.0 MB at 87,000 (a live heap
     * after a full GC; /tmp/bench/smallheap.md). Counting only the compressed pages (the old estimate)
     * missed ~9 MB per open file: two writer threads in a 128 MB heap ran out of it now and then.
     */
    private static final long PARQUET_HEAP_BYTES_PER_ROW = 250;
    /**
     * The most an open events file takes: the 10 MB measured with 1 MB pages, plus what the two JSON
     * columns' larger pages ({@link ParquetSettings#PAGE_BYTES}) hold before they are flushed. A file of
     * wide rows (browser contexts) reaches it after a few thousand rows, so its rows are also counted at
     * their raw size ({@link #pendingHeapBytes}).
     */
    private static final long HEAP_BYTES_PER_OPEN_FILE = (10L << 20) + 2L * (ParquetSettings.PAGE_BYTES - (1L << 20));
    /** The fewest rows a commit ends with because of its heap estimate (below that, commits cost more than they save). */
    private static final long MIN_ROWS_PER_COMMIT = 10_000;
    /** How often at most the writer says that the dedup window's memory bound shortened it. */
    private static final long DEDUP_WARNING_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private final WriterConfig config;
    /**
     * A commit ends early once what it holds (its rows and its open Parquet files, {@link #pendingHeapBytes})
     * would take an eighth of the heap, whatever the roll settings: a writer far behind (or in a small
     * heap) commits more often instead of holding more.
     */
    private final long commitHeapBudget = Runtime.getRuntime().maxMemory() / 8;

    private final WriterMetrics metrics;
    private final Seams seams;
    private final ConcurrentLinkedQueue<CompletableFuture<WriterStats>> drainRequests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> upkeepRequests = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean continuous;
    private volatile boolean closeRequested;
    private volatile Thread thread;
    /** The error that stopped the thread for good, if one did. */
    private volatile VirtualMachineError fatal;
    /** Why what was read could not be committed on close, if it could not. */
    private volatile String closeFailure;

    // Owned by the writer thread.
    private Journal journal;
    private boolean ownsJournal;
    private WriterState state;
    private Lake lake;
    private CommitIntent intent;
    private Committer committer;
    private Housekeeping housekeeping;
    private TableFiles eventsTable;
    private TableFiles rejectedTable;
    private JournalTailer eventsTailer;
    private JournalTailer deadLettersTailer;
    private DedupIndex dedup;
    /** Rejected rows, written on this thread (they are rare). */
    private CommitFiles files;
    /** Event rows, written on the shards' threads. */
    private EventShard[] shards;

    private long[] shardFirst;
    private long[] shardLast;
    /** Rows handed to each shard in the commit being written. */
    private long[] shardRows;
    /** Record bytes handed to each shard in the commit being written. */
    private long[] shardBytes;

    private int shard;
    private long rowsSinceSwitch;
    private final int[] pendingDays = new int[MAX_OPEN_FILES + 2];
    private int pendingDayCount;
    private int lastDay = Integer.MIN_VALUE;
    private Positions positions = Positions.NONE;
    private long nextSeq;
    private final RejectedRow rejectedRow = new RejectedRow();
    private final DeadLetterRecord deadLetter = new DeadLetterRecord();
    private long eventsFirst = -1;
    private long eventsLast = -1;
    private long deadLettersFirst = -1;
    private long deadLettersLast = -1;
    private long pendingRows;
    private long pendingBytes;
    private long pendingSince;
    private long pendingDuplicates;
    private final List<Pending> drains = new ArrayList<>();
    private IOException ioFailure;
    /** Set when a commit lands (cleared after each step): what ends a run of failures and its backoff. */
    private boolean landed;

    private long reportedEvictions;
    private long lastDedupWarning = Long.MIN_VALUE;

    /** Counters and lag; its stats are what other threads read. */
    private final WriterProgress progress;

    private record Pending(CompletableFuture<WriterStats> future, long events, long deadLetters) {}

    /**
     * What tests replace: the store data files go to, a check before each write to the writer's own
     * state, and the backoff between attempts after a failure (doubling from {@code firstBackoff} up to
     * {@code maxBackoff}).
     */
    record Seams(UnaryOperator<OutputStore> store, StateIo stateIo, Duration firstBackoff, Duration maxBackoff) {
        static final Seams NONE =
                new Seams(UnaryOperator.identity(), StateIo.NONE, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    public WriterLoop(WriterConfig config, WriterMetrics metrics) {
        this(config, metrics, Seams.NONE);
    }

    WriterLoop(WriterConfig config, WriterMetrics metrics, Seams seams) {
        this.config = config;
        this.metrics = metrics;
        this.seams = seams;
        this.progress = new WriterProgress(metrics, config.clock(), config.rollInterval());
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
        return request(drainRequests);
    }

    /** Asks for the tables' upkeep to run now, on this thread; completes when it has (exceptionally if it failed). */
    public CompletableFuture<Void> requestUpkeep() {
        return request(upkeepRequests);
    }

    /** Queues a request for the writer's thread and wakes it; fails at once when the thread has stopped. */
    private <T> CompletableFuture<T> request(ConcurrentLinkedQueue<CompletableFuture<T>> queue) {
        CompletableFuture<T> f = new CompletableFuture<>();
        queue.add(f);
        if (stopped.isDone()) {
            f.completeExceptionally(new IllegalStateException("the storage writer stopped"));
        }
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
        return progress.stats();
    }

    /** Whether the writer is committing (or idle with nothing waiting); cheap, from any thread. */
    public WriterHealth health() {
        return progress.health(stopped.isDone(), fatal);
    }

    /**
     * After {@link #requestClose()} completed: why the records read could not be committed (they stay in
     * the journal for the next start), or null when everything read was committed.
     */
    public String closeFailure() {
        return closeFailure;
    }

    /**
     * Completes when the thread has stopped: normally after {@link #requestClose()}, exceptionally with
     * the {@link VirtualMachineError} that stopped it.
     */
    public CompletableFuture<Void> terminated() {
        return stopped;
    }

    @Override
    public void run() {
        boolean needsRecovery = true;
        long firstBackoff = seams.firstBackoff().toMillis();
        long backoffMillis = firstBackoff;
        int failedAttempts = 0;
        long failingSince = 0;
        try {
            while (true) {
                try {
                    if (needsRecovery) {
                        recover();
                        needsRecovery = false;
                        started.complete(null);
                    }
                    step();
                    // A run of failures ends with a commit that lands, or with nothing left to commit; not
                    // with any step that succeeds: those re-reading the journal after a failure do, and
                    // resetting on them kept a writer whose output is full re-reading and re-encoding its
                    // whole pending commit every half second.
                    if (landed || !hasPending()) {
                        if (failedAttempts > 0) {
                            LOG.info(
                                    "storage writer: {} after {} failed attempt(s) over {} ms",
                                    landed ? "committing again" : "nothing left to retry",
                                    failedAttempts,
                                    (System.nanoTime() - failingSince) / 1_000_000);
                        }
                        failedAttempts = 0;
                        backoffMillis = firstBackoff;
                    }
                    landed = false;
                    if (closeRequested) {
                        if (hasPending()) {
                            commit();
                        }
                        break;
                    }
                } catch (VirtualMachineError e) {
                    fatal = e;
                    try {
                        LOG.error(
                                "storage writer: fatal {}; stopping, not retrying (the command line exits 1;"
                                        + " started again, the writer resumes after its last commit)",
                                e.toString());
                    } catch (Throwable ignored) {
                        // logging failed too: the exit status still says it
                    }
                    started.completeExceptionally(e);
                    failDrains(e);
                    break;
                } catch (RuntimeException | IOException | Error e) {
                    if (!started.isDone()) {
                        started.completeExceptionally(e);
                        return;
                    }
                    progress.failed(Lake.rootMessage(e));
                    if (failedAttempts++ == 0) {
                        failingSince = System.nanoTime();
                    }
                    abandon();
                    if (closeRequested) {
                        closeFailure = Lake.rootMessage(e);
                        LOG.error(
                                "storage writer: could not commit on shutdown ({}); the uncommitted records stay in"
                                        + " the journal and are written on the next start",
                                closeFailure);
                        LOG.debug("storage writer: the failure", e);
                        failDrains(e);
                        break;
                    }
                    if (failedAttempts == 1) {
                        // the stack trace once per run of failures (a catalog outage repeats the same one every 30 s)
                        LOG.debug("storage writer: the failure", e);
                    }
                    if (failedAttempts >= config.drainAttempts() && (!drains.isEmpty() || !drainRequests.isEmpty())) {
                        // A drain is a batch job: its caller (cron, a script) must hear of the failure, not wait
                        // forever. The thread itself goes on as before, for a continuous writer or a later drain.
                        String why = "gave up after " + failedAttempts + " failed commit attempt(s) over "
                                + (System.nanoTime() - failingSince) / 1_000_000_000 + " s (" + Lake.rootMessage(e)
                                + "); the uncommitted records stay in the journal and are written on the next run";
                        failDrains(new IllegalStateException(why, e)); // the drain's caller says it (the CLI: one line)
                    } else {
                        // One line per retry (a catalog outage retries every 30 s); the stack trace at debug.
                        LOG.error(
                                "storage writer: commit failed ({}); retrying from what the tables hold in {} ms",
                                Lake.rootMessage(e),
                                backoffMillis);
                    }
                    needsRecovery = true;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
                    backoffMillis =
                            Math.min(backoffMillis * 2, seams.maxBackoff().toMillis());
                }
            }
        } finally {
            VirtualMachineError f = fatal;
            if (f != null) {
                // said first: releasing may need memory the JVM no longer has, and nothing depends on it
                stopped.completeExceptionally(f);
                try {
                    release();
                } catch (Throwable ignored) {
                    // the process is going down; a restart recovers from the committed state
                }
            } else {
                try {
                    release();
                } finally {
                    stopped.complete(null);
                    failDrains(new IllegalStateException("the storage writer stopped"));
                }
            }
        }
    }

    private void step() throws IOException {
        for (CompletableFuture<WriterStats> f; (f = drainRequests.poll()) != null; ) {
            drains.add(new Pending(
                    f, journal.events().lastIndex(), journal.deadLetters().lastIndex()));
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
            WriterStats s = progress.stats();
            drains.forEach(d -> d.future().complete(s));
            drains.clear();
        }
        if (progress.due(now) && !drainOnlyDraining()) {
            updateLag(now);
        }
        for (CompletableFuture<Void> f; (f = upkeepRequests.poll()) != null; ) {
            try {
                housekeeping.upkeepNow();
                f.complete(null);
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }
        if (!read && !closeRequested && drainRequests.isEmpty() && upkeepRequests.isEmpty()) {
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
    }

    /**
     * Whether a writer that reads only when asked is draining: then it does not measure what waits, which
     * is what it is reading (a measure would step over all of it first, a cache miss a record); it
     * measures once the drain is done.
     */
    private boolean drainOnlyDraining() {
        return !continuous && !drains.isEmpty();
    }

    private boolean drainTargetReached() {
        long readEvents = eventsLast >= 0 ? eventsLast : positions.events();
        long readDead = deadLettersLast >= 0 ? deadLettersLast : positions.deadLetters();
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
        return full()
                || (hasPending() && now - pendingSince >= config.rollInterval().toMillis());
    }

    /** Whether the commit being written is as large as it may get. */
    private boolean full() {
        return pendingRows >= config.rollRows()
                || pendingRows >= MIN_ROWS_PER_COMMIT && pendingHeapBytes() >= commitHeapBudget
                || pendingBytes >= config.rollBytes()
                || pendingDayCount > MAX_OPEN_FILES
                || files.openFiles() > MAX_OPEN_FILES;
    }

    /**
     * Heap the commit being written holds until it lands: its rows' ids and compressed pages, and each
     * shard's open files (one per day partition it was given, counted as the commit's day count: an upper
     * bound), each growing with its rows up to the most an open file takes.
     */
    private long pendingHeapBytes() {
        long bytes = pendingRows * HEAP_BYTES_PER_PENDING_ROW;
        long fileBytes = Math.max(1, pendingDayCount) * HEAP_BYTES_PER_OPEN_FILE;
        for (int s = 0; s < shardRows.length; s++) {
            bytes += Math.min(Math.max(shardRows[s] * PARQUET_HEAP_BYTES_PER_ROW, shardBytes[s]), fileBytes);
        }
        return bytes;
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

    private void beginPending(long bytes) throws IOException {
        if (!hasPending()) {
            pendingSince = config.clock().millis();
            intent.begin(nextSeq);
        }
        pendingBytes += bytes;
    }

    private void onEvents(long index, JournalBatch batch) {
        if (ioFailure != null) {
            return;
        }
        try {
            beginPending(batch.size());
        } catch (IOException e) {
            ioFailure = e;
            return;
        }
        if (eventsFirst < 0) {
            eventsFirst = index;
        }
        eventsLast = index;
        int s = shard;
        EventShard target = shards[s];
        byte[] out = target.buffer(batch.size());
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
                if (idLength >= 0
                        && !dedup.firstSeen(
                                record.array(), record.offset(RecordField.MESSAGE_ID), idLength, record.receivedAt())) {
                    pendingDuplicates++;
                    continue;
                }
                notePartition(CommitFiles.dayOf(record.timestamp()));
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
            shardRows[s] += accepted;
            shardBytes[s] += used;
            pendingRows += accepted;
            rowsSinceSwitch += accepted;
            if (rowsSinceSwitch >= ROWS_PER_SHARD_TURN) {
                shard = (s + 1) % shards.length;
                rowsSinceSwitch = 0;
            }
        }
    }

    private void notePartition(int day) {
        if (day == lastDay) {
            return;
        }
        lastDay = day;
        for (int i = 0; i < pendingDayCount; i++) {
            if (pendingDays[i] == day) {
                return;
            }
        }
        if (pendingDayCount < pendingDays.length) {
            pendingDays[pendingDayCount++] = day;
        }
    }

    private void reject(long index, JournalBatch batch, JournalFormatException e) throws IOException {
        if (index <= positions.eventsRejected()) {
            return; // the rejected table already took it, in a commit whose events half a crash interrupted
        }
        LOG.warn(
                "storage writer: journal record {} of excerpt {} is unreadable ({}); kept in the rejected table",
                batch.recordNumber(),
                index,
                e.getMessage());
        rejectedRow
                .set(
                        config.clock().millis(),
                        null,
                        null,
                        "unreadable journal record at index " + index + ": " + e.getMessage(),
                        batch.recordNumber())
                .payload(batch.array(), batch.offset(), batch.length());
        files.writeRejected(rejectedRow, "", eventsFirst);
        pendingRows++;
    }

    private void onDeadLetters(long index, JournalBatch batch) {
        if (ioFailure != null) {
            return;
        }
        try {
            beginPending(batch.size());
        } catch (IOException e) {
            ioFailure = e;
            return;
        }
        if (deadLettersFirst < 0) {
            deadLettersFirst = index;
        }
        deadLettersLast = index;
        try {
            while (batch.next()) {
                try {
                    batch.deadLetter(deadLetter);
                    rejectedRow.set(
                            deadLetter.receivedAt(),
                            deadLetter.writeKey(),
                            deadLetter.ip(),
                            deadLetter.reason(),
                            deadLetter.batchIndex());
                    if (deadLetter.payload().isPresent()) {
                        rejectedRow.payload(
                                deadLetter.payload().array(),
                                deadLetter.payload().offset(),
                                deadLetter.payload().length());
                    }
                } catch (JournalFormatException e) {
                    LOG.warn(
                            "storage writer: dead letter {} of excerpt {} is unreadable ({}); kept as is",
                            batch.recordNumber(),
                            index,
                            e.getMessage());
                    rejectedRow
                            .set(
                                    config.clock().millis(),
                                    null,
                                    null,
                                    "unreadable dead letter at index " + index + ": " + e.getMessage(),
                                    batch.recordNumber())
                            .payload(batch.array(), batch.offset(), batch.length());
                }
                files.writeRejected(rejectedRow, "dl", deadLettersFirst);
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
                closing.add(shards[i].close());
            }
        }
        List<CommitFiles.Written> written = new ArrayList<>();
        for (CompletableFuture<List<CommitFiles.Written>> c : closing) {
            try {
                written.addAll(c.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof VirtualMachineError vm) {
                    throw vm; // a Parquet thread ran out of memory: as fatal as on this thread
                }
                throw e.getCause() instanceof IOException io
                        ? io
                        : new IOException(String.valueOf(e.getCause()), e.getCause());
            }
        }
        written.addAll(files.close());
        CrashPoints.reached(CrashPoints.FILES_CLOSED);
        committer.prepare(written);
        DedupIndex.Pending ids = dedup.pending();
        Path segment = ids.size() > 0 ? state.writeSegmentTemp(ids) : null;
        if (segment != null) {
            // published before the commit, named by its range: recovery deletes it if the commit did not land
            state.publishSegment(segment, eventsFirst, eventsLast);
        }
        PendingCommit pending = new PendingCommit(
                nextSeq,
                written,
                eventsLast >= 0 ? eventsLast : positions.events(),
                deadLettersLast >= 0 ? deadLettersLast : positions.deadLetters(),
                eventsLast >= 0,
                deadLettersLast >= 0);
        java.util.concurrent.atomic.LongAdder retries = CommitRetries.of(config.writerId());
        long retriesBefore = retries.sum();
        committer.commit(pending);
        // Committed. Nothing below may undo it.
        landed = true;
        positions = state.positions();
        nextSeq++;
        long eventRows = pending.rows("events");
        long rejectedRows = pending.rows("rejected");
        double seconds = (System.nanoTime() - t0) / 1e9;
        progress.committed(
                eventRows, rejectedRows, pendingDuplicates, written.size(), seconds, retries.sum() - retriesBefore);
        LOG.info(
                "storage writer: committed {} rows, {} rejected, {} duplicates dropped, in {} file(s); events up to"
                        + " index {}, dead letters up to {}; {} ms",
                eventRows,
                rejectedRows,
                pendingDuplicates,
                written.size(),
                positions.events(),
                positions.deadLetters(),
                Math.round(seconds * 1000));
        housekeeping.committed(written, segment != null ? new long[] {eventsFirst, eventsLast, newestOf(ids)} : null);
        resetPending();
        ids.clear();
        housekeeping.afterCommit(positions);
        warnIfDedupShortened();
        if (!drainOnlyDraining()) {
            updateLag(config.clock().millis());
        }
    }

    /** Says (at most every ten minutes) that the dedup index's memory bound cut the window short. */
    private void warnIfDedupShortened() {
        long evictions = dedup.evictions();
        long now = config.clock().millis();
        if (evictions == reportedEvictions
                || lastDedupWarning != Long.MIN_VALUE && now - lastDedupWarning < DEDUP_WARNING_INTERVAL_MILLIS) {
            return;
        }
        reportedEvictions = evictions;
        lastDedupWarning = now;
        LOG.warn(
                "storage writer: the dedup window's {} message ids fill the {} MB it may take (--dedup-memory): it"
                        + " covers the last {} s of receivedAt instead of {}; a repeat older than that is written again."
                        + " Give it more (--dedup-memory, -Xmx) or shorten --dedup-window",
                dedup.size(),
                dedup.tableBytes() >> 20,
                Math.max(0, dedup.shortenedWindowMillis()) / 1000,
                config.dedupWindow());
    }

    private static long newestOf(DedupIndex.Pending ids) {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < ids.size(); i++) {
            newest = Math.max(newest, ids.time(i));
        }
        return newest;
    }

    private void resetPending() {
        eventsFirst = eventsLast = deadLettersFirst = deadLettersLast = -1;
        if (shardFirst != null) {
            java.util.Arrays.fill(shardFirst, -1);
            java.util.Arrays.fill(shardLast, -1);
            java.util.Arrays.fill(shardRows, 0);
            java.util.Arrays.fill(shardBytes, 0);
        }
        pendingDayCount = 0;
        lastDay = Integer.MIN_VALUE;
        pendingRows = pendingBytes = pendingDuplicates = 0;
    }

    private void updateLag(long now) {
        progress.update(now, journal.events(), positions.events(), journal.deadLetters(), positions.deadLetters());
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Brings the writer to what its tables hold: the committer cleans up after an interrupted commit and
     * says where the writer stands; the dedup window is rebuilt from the segments of committed commits,
     * and the tailers are positioned after it.
     */
    private void recover() throws IOException {
        // The catalog (SQLite, Iceberg, Jackson) and the journal (Chronicle) each take a few tenths of a
        // second of class loading and set-up at start: open the lake on another core meanwhile.
        CompletableFuture<Lake> opening = null;
        if (lake == null && journal == null && config.journal() == null) {
            opening = CompletableFuture.supplyAsync(() -> Lake.open(config.lake(), seams.store()), runnable -> {
                Thread t = new Thread(runnable, "spool-storage-writer-" + config.writerId() + "-open");
                t.setDaemon(true);
                t.start();
            });
        }
        try {
            openJournal();
        } catch (Throwable t) {
            if (opening != null) {
                try {
                    lake = joinOpening(opening); // opened: closed with the writer, as before
                } catch (RuntimeException | Error e) {
                    t.addSuppressed(e);
                }
            }
            throw t;
        }
        if (opening != null) {
            lake = joinOpening(opening);
        }
        recoverOpened();
    }

    private static Lake joinOpening(CompletableFuture<Lake> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void openJournal() throws IOException {
        if (journal == null) {
            if (config.journal() != null) {
                journal = config.journal();
            } else {
                journal = Journal.open(config.journalDir());
                ownsJournal = true;
            }
        }
        if (state == null) {
            state = new WriterState(journal.dir().resolve("writer").resolve(config.writerId()), seams.stateIo());
            intent = new CommitIntent(state.intentFile(), seams.stateIo());
        }
    }

    private void recoverOpened() throws IOException {
        if (lake == null || committer == null) {
            if (lake == null) {
                lake = Lake.open(config.lake(), seams.store());
            }
            committer = new Committer(lake, config.writerId(), intent, state);
            eventsTable = new TableFiles("events", lake.events(), EventWriteSupport.SCHEMA, "timestamp");
            rejectedTable = new TableFiles("rejected", lake.rejected(), RejectedWriteSupport.SCHEMA, "received_at");
            housekeeping = new Housekeeping(config, lake, state, journal, metrics);
        }
        Committer.Recovery recovery = committer.recover();
        positions = recovery.positions();
        nextSeq = positions.seq() + 1;
        if (dedup == null) {
            dedup = new DedupIndex(config.dedupWindow().toMillis(), config.dedupMemory());
        } else {
            dedup.clear(); // the same table: a second one beside it while recovering would double the heap it needs
        }
        housekeeping.restoreDedup(dedup, positions.events());
        files = new CommitFiles(
                lake.store(), config.writerId(), config.compression(), eventsTable, rejectedTable, intent);
        if (shards == null) {
            shards = new EventShard[config.writerThreads()];
            for (int i = 0; i < shards.length; i++) {
                shards[i] = new EventShard(
                        new CommitFiles(
                                lake.store(),
                                config.writerId(),
                                config.compression(),
                                eventsTable,
                                rejectedTable,
                                intent),
                        "spool-storage-writer-" + config.writerId() + "-parquet-" + i);
            }
            shardFirst = new long[shards.length];
            shardLast = new long[shards.length];
            shardRows = new long[shards.length];
            shardBytes = new long[shards.length];
        }
        resetPending();
        closeTailers();
        eventsTailer = position(journal.events().newTailer(), positions.events());
        deadLettersTailer = position(journal.deadLetters().newTailer(), positions.deadLetters());
        LOG.info(
                "storage writer {}: journal {} -> {}; resuming after events index {} and dead-letters index {}"
                        + "{}; {} message ids in the dedup window",
                config.writerId(),
                journal.dir(),
                lake.describe(),
                positions.events(),
                positions.deadLetters(),
                recovery.deletedFiles() > 0
                        ? "; deleted " + recovery.deletedFiles() + " file(s) an interrupted commit left"
                        : "",
                dedup.size());
        long now = config.clock().millis();
        if (continuous) {
            updateLag(now);
        } else {
            // A writer that reads only when a drain asks measures after that drain's commit, when little or
            // nothing waits: measured now, the whole backlog (a fresh drain's journal) would be stepped over
            // first, a cache miss a record (40 ms for 500k events) before the drain reads the first one.
            progress.measureLater(now);
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
        for (CompletableFuture<Void> f; (f = upkeepRequests.poll()) != null; ) {
            f.completeExceptionally(e);
        }
    }

    private void release() {
        abandon();
        progress.close();
        if (housekeeping != null) {
            housekeeping.close();
        }
        if (shards != null) {
            for (EventShard s : shards) {
                s.stop();
            }
        }
        closeTailers();
        try {
            if (intent != null) {
                intent.close();
            }
            if (lake != null) {
                lake.close();
            }
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
