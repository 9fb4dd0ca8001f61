package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.Deadline;
import io.spool.writer.TestJournal;
import io.spool.writer.WriterStats;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's disk fills while the writer has a backlog to commit (every write to it fails: data files,
 * metadata files, the catalog's database), and frees up later. The writer pauses: it commits nothing,
 * keeps its position, says why in one log line per attempt (no stack traces) and in its failure
 * counter, backs off instead of re-reading and re-encoding its backlog as fast as it can, and holds no
 * more files open than before; once the disk has room it resumes by itself, with every event once.
 */
class FullOutputTest {
    @TempDir
    Path dir;

    private final FaultPlan plan = FaultPlan.register();
    private FaultyLake lake;

    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
    /** More excerpts than the writer reads in one step, so that an attempt spans several steps. */
    private static final int REQUESTS = 1_000;

    private static final int EVENTS_PER_REQUEST = 2;
    private static final Duration MAX_BACKOFF = Duration.ofMillis(400);
    private static final long WINDOW_MILLIS = 2_400;

    @BeforeEach
    void open() throws Exception {
        lake = new FaultyLake(dir);
    }

    @AfterEach
    void close() throws Exception {
        lake.close();
        plan.unregister();
    }

    @Test
    void theWriterPausesWhileItsOutputIsFullAndResumesByItselfWithNothingLostOrDoubled() throws Exception {
        try (Journal journal = Journal.open(lake.journalDir)) {
            for (int r = 0; r < REQUESTS; r++) {
                EventRecord[] batch = new EventRecord[EVENTS_PER_REQUEST];
                for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
                    int n = r * EVENTS_PER_REQUEST + i;
                    batch[i] = TestJournal.track("m" + n, T0 + n);
                }
                TestJournal.append(journal, batch);
            }
        }
        int total = REQUESTS * EVENTS_PER_REQUEST;
        WriterMetrics metrics = new WriterMetrics();
        WriterLoop writer = lake.writer(plan, Duration.ofMillis(50), MAX_BACKOFF, metrics);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
        try {
            writer.start(true);
            long filesOpenBefore = openFiles();
            plan.full(true);
            CompletableFuture<WriterStats> drained = writer.requestDrain();
            awaitFailures(metrics, 3);

            // the pause, watched for a while: how often the writer tries, and how much CPU it spends
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double before = metrics.failures.get();
            long cpuBefore = writerCpuNanos(threads);
            long t0 = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS));
            double attempts = metrics.failures.get() - before;
            long cpu = writerCpuNanos(threads) - cpuBefore;
            long wall = System.nanoTime() - t0;
            System.out.printf(
                    "full output: %.0f attempts and %d ms of the writer's CPU in %d ms of pause%n",
                    attempts, cpu / 1_000_000, wall / 1_000_000);
            assertThat(attempts)
                    .as("attempts in %d ms, the backoff growing to %s", WINDOW_MILLIS, MAX_BACKOFF)
                    .isLessThanOrEqualTo(WINDOW_MILLIS / MAX_BACKOFF.toMillis() + 2);
            assertThat(cpu)
                    .as("CPU the writer's threads used in %d ms of pause", WINDOW_MILLIS)
                    .isLessThan(wall / 2);
            // each attempt's files are closed: a descriptor kept on a deleted file would keep its disk space
            assertThat(openDeletedFiles(lake.lake))
                    .as("deleted files of failed attempts still open")
                    .isEmpty();
            long filesOpen = openFiles();
            System.out.printf(
                    "full output: %d files open before the pause, %d after %.0f failed attempts%n",
                    filesOpenBefore, filesOpen, metrics.failures.get());
            assertThat(filesOpen)
                    .as("files the process holds open after %s failed attempts", metrics.failures.get())
                    .isLessThanOrEqualTo(filesOpenBefore + 4);
            assertThat(drained).as("a drain while the output is full").isNotDone();
            assertThat(writer.stats().commits())
                    .as("commits while the output is full")
                    .isZero();
            assertThat(lake.referenced("events"))
                    .as("rows in the table while the output is full")
                    .isEmpty();

            plan.full(false);
            WriterStats stats = drained.get(30, TimeUnit.SECONDS);
            assertThat(stats.rowsCommitted()).isEqualTo(total);
        } finally {
            writer.requestClose().get(30, TimeUnit.SECONDS);
            System.setErr(stderr);
        }

        assertThat(lake.count("events", "count(*)", "count(DISTINCT message_id)"))
                .containsExactly(total, total);
        assertThat(lake.unreferenced("events"))
                .as("files of the failed attempts left behind")
                .isEmpty();
        assertThat(lake.temporaries()).isEmpty();
        lake.assertStateMatchesTables(lastEventIndex(), -1);

        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        long failedLines = lines.stream()
                .filter(l -> l.contains("storage writer: commit failed"))
                .count();
        assertThat(failedLines).as("one log line per failed attempt").isEqualTo((long) metrics.failures.get());
        assertThat(lines)
                .filteredOn(l -> l.contains("storage writer: commit failed"))
                .allSatisfy(l -> assertThat(l).contains("No space left on device"));
        assertThat(lines).as("stack traces logged").noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
        assertThat(lines).anyMatch(l -> l.contains("storage writer: committing again after"));
    }

    private long lastEventIndex() {
        try (Journal journal = Journal.open(lake.journalDir)) {
            return journal.events().lastIndex();
        }
    }

    private static void awaitFailures(WriterMetrics metrics, int n) {
        Deadline.of(Duration.ofSeconds(30))
                .every(Duration.ofMillis(10))
                .await(n + " failed attempts", () -> metrics.failures.get() >= n);
    }

    /** CPU time of the writer's threads: the one reading the journal and those encoding Parquet. */
    private static long writerCpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("spool-storage-writer-" + FaultyLake.WRITER)) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** Files under {@code folder} that were deleted while this process holds them open (Linux). */
    private static List<String> openDeletedFiles(Path folder) throws Exception {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        List<String> found = new java.util.ArrayList<>();
        try (Stream<Path> list = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(folder.toString()) && target.endsWith(" (deleted)")) {
                        found.add(target);
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // not open any more
                }
            }
        }
        return found;
    }

    /** File descriptors this process holds (Linux); 0 where that cannot be seen. */
    private static long openFiles() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }

    /** Writes to both streams: the test's own output stays where surefire keeps it. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
