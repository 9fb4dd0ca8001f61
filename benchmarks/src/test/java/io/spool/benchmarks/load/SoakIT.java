package io.spool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak in about a minute: the packaged collector and writer jars as child JVMs, the load generator in
 * this JVM at a modest fixed rate (10,000 events/s, 100-event batches over 4 connections) for 70 s.
 * Every 5 s each child is sampled (heap after a full GC, threads, open files). A user would check:
 * no request failed and latency stayed bounded; after the warm-up the threads and open files of each
 * process do not grow and its heap after GC stays within a margin; and at the end every acknowledged
 * event is in the lake exactly once. The ten-minute version, with RSS, disk and lag, is
 * {@code benchmarks/load/run-soak.sh}.
 */
class SoakIT {
    private static final String KEY = "soak";
    private static final double RATE = 10_000;
    private static final Duration WARMUP = Duration.ofSeconds(10);
    private static final Duration MEASURED = Duration.ofSeconds(60);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    /**
     * Samples are warm-up (pools filling, the JIT) until the writer has committed this often: Iceberg deletes
     * the table's old metadata files once it has more than 20 (the writer's metadata.previous-versions-max),
     * on a pool that starts one thread per delete up to 4 per core. With a commit a second, ~30 s.
     */
    private static final long SETTLED_COMMITS = 30;
    /** Generous: the machine is shared with the build, and each sample forces a full GC in both children. */
    private static final double P99_LIMIT_MS = 1_000;

    private static final int THREAD_SLACK = 2;
    /** An hour boundary during the run opens the journal's next cycle file in both processes. */
    private static final int FILE_SLACK = 4;

    private static final long HEAP_SLACK = 16L << 20;
    private static final double HEAP_GROWTH = 0.25;
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^\\s:]+:(\\d+)");

    @TempDir
    Path dir;

    private final List<ChildJvm> children = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void killChildren() {
        for (ChildJvm child : children) {
            child.kill();
        }
    }

    @Test
    void aMinuteOfSteadyLoadLeaksNothingAndLosesNothing() throws Exception {
        assumeTrue(ProcessProbe.supported(), "the soak reads /proc and runs jcmd: Linux and a JDK only");
        Path journal = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        // SerialGC and small heaps: two child JVMs beside the build on two cores, and a full GC that is cheap
        List<String> jvm = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");
        ChildJvm collector = start(ChildJvm.jar(ChildJvm.builtJar("spool.collector.jar"))
                .name("collector")
                .jvmArgs(jvm)
                .args(
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--journal-dir",
                        journal.toString(),
                        "--write-key",
                        KEY,
                        "--min-free-disk",
                        "64MB")
                .directory(dir.resolve("logs"))
                .start());
        int port = Integer.parseInt(
                collector.awaitOutput(LISTENING, Duration.ofSeconds(60)).group(1));
        int metricsPort = freePort();
        // a short dedup window, so the writer's id index reaches its steady size within the warm-up (it holds
        // every id of the window by design); upkeep off, so every data file in the folder is a committed one
        ChildJvm writer = start(ChildJvm.jar(ChildJvm.builtJar("spool.writer.jar"))
                .name("writer")
                .jvmArgs("-Xms512m", "-Xmx512m", "-XX:+UseSerialGC")
                .args(
                        "--journal-dir",
                        journal.toString(),
                        "--output",
                        lake.toString(),
                        "--metrics-port",
                        Integer.toString(metricsPort),
                        "--roll-interval",
                        "1s",
                        "--dedup-window",
                        "10s",
                        "--upkeep-interval",
                        "0s")
                .directory(dir.resolve("logs"))
                .start());
        writer.await("the writer's /metrics", Duration.ofSeconds(60), () -> metrics(metricsPort) != null);

        LoadPlan plan = LoadPlan.builder(URI.create("http://127.0.0.1:" + port))
                .writeKey(KEY)
                .connections(4)
                .batchSize(100)
                .eventsPerSecond(RATE)
                .warmup(WARMUP)
                .duration(MEASURED)
                .timeout(Duration.ofSeconds(10))
                .build();
        List<String> progress = new ArrayList<>();
        CompletableFuture<LoadReport> load = CompletableFuture.supplyAsync(() -> LoadRun.run(plan, line -> {
            synchronized (progress) {
                progress.add(line);
            }
        }));

        List<ProcessProbe.Sample> collectorSamples = new ArrayList<>();
        List<ProcessProbe.Sample> writerSamples = new ArrayList<>();
        int settledFrom = -1;
        long start = System.nanoTime();
        for (long next = start + SAMPLE_EVERY.toNanos(); !load.isDone(); next += SAMPLE_EVERY.toNanos()) {
            for (long wait; (wait = next - System.nanoTime()) > 0 && !load.isDone(); ) {
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            if (load.isDone()) {
                break;
            }
            assertThat(collector.isAlive())
                    .as("collector running\n" + collector.tail())
                    .isTrue();
            assertThat(writer.isAlive()).as("writer running\n" + writer.tail()).isTrue();
            if (settledFrom < 0 && metric(metricsPort, "spool_writer_commits_total") >= SETTLED_COMMITS) {
                settledFrom = writerSamples.size();
            }
            double t = (System.nanoTime() - start) / 1e9;
            collectorSamples.add(ProcessProbe.sample(collector.pid(), t));
            writerSamples.add(ProcessProbe.sample(writer.pid(), t));
        }
        LoadReport report = load.get(2, TimeUnit.MINUTES);
        String context = report.text() + "\nprogress:\n" + lines(progress) + "\ncollector: " + collectorSamples
                + "\nwriter: " + writerSamples + "\n" + collector.tail() + "\n" + writer.tail();
        // the figures, in the test's output file (target/failsafe-reports), for whoever compares runs
        System.out.println(report.text() + "\ncollector: " + collectorSamples + "\nwriter: " + writerSamples);

        assertThat(report.errors())
                .as("requests without a clean 200\n" + context)
                .isZero();
        // a request in flight at the very end (a forced GC, say) leaves its connection's last slots unsent
        assertThat(report.behind())
                .as("requests that fell due and were never sent: the collector kept up\n" + context)
                .isLessThanOrEqualTo(report.requests() / 100);
        assertThat(report.acknowledgedEvents())
                .as(context)
                .isEqualTo(report.requests() * plan.batchSize())
                .isGreaterThanOrEqualTo((long) (RATE * (WARMUP.toSeconds() + MEASURED.toSeconds()) * 0.95));
        assertThat(report.latency().p99())
                .as("p99 ms, from each request's intended send time\n" + context)
                .isLessThan(P99_LIMIT_MS);

        for (List<ProcessProbe.Sample> samples : List.of(collectorSamples, writerSamples)) {
            String who = samples == collectorSamples ? "collector" : "writer";
            assertThat(settledFrom)
                    .as("the sample from which the writer had committed " + SETTLED_COMMITS + " times\n" + context)
                    .isNotNegative()
                    .isLessThanOrEqualTo(samples.size() - 6);
            List<ProcessProbe.Sample> settled = samples.subList(settledFrom, samples.size());
            List<ProcessProbe.Sample> first = settled.subList(0, 3);
            List<ProcessProbe.Sample> last = settled.subList(settled.size() - 3, settled.size());
            assertThat(max(last, ProcessProbe.Sample::threads))
                    .as(who + " threads, last samples vs first after warm-up; by name, "
                            + first.get(0).threadNames() + " then "
                            + last.get(2).threadNames() + "\n" + context)
                    .isLessThanOrEqualTo(max(first, ProcessProbe.Sample::threads) + THREAD_SLACK);
            assertThat(max(last, ProcessProbe.Sample::openFiles))
                    .as(who + " open files, last samples vs first after warm-up\n" + context)
                    .isLessThanOrEqualTo(max(first, ProcessProbe.Sample::openFiles) + FILE_SLACK);
            // the smallest of the last samples: one sample may catch a commit's buffers; a leak lifts them all
            assertThat(min(last, ProcessProbe.Sample::heapAfterGcBytes))
                    .as(who + " heap after GC, last samples vs first after warm-up\n" + context)
                    .isLessThanOrEqualTo((long) (max(first, ProcessProbe.Sample::heapAfterGcBytes) * (1 + HEAP_GROWTH))
                            + HEAP_SLACK);
        }

        assertThat(collector.terminate(Duration.ofSeconds(60)))
                .as("collector exit status on SIGTERM\n" + collector.tail())
                .isZero();
        long acknowledged = report.acknowledgedEvents();
        writer.await(
                "the writer to commit all " + acknowledged + " acknowledged events",
                Duration.ofSeconds(90),
                () -> metric(metricsPort, "spool_writer_rows_committed_total") >= acknowledged);
        assertThat(metric(metricsPort, "spool_writer_duplicates_dropped_total"))
                .as("duplicates dropped")
                .isZero();
        assertThat(writer.terminate(Duration.ofSeconds(60)))
                .as("writer exit status on SIGTERM\n" + writer.tail())
                .isZero();

        String events = DuckDb.parquetTree(lake.resolve("spool/events/data"));
        try (Connection db = DuckDb.connect();
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT message_id) FROM " + events)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("rows in the lake's Parquet files").isEqualTo(acknowledged);
            assertThat(rs.getLong(2)).as("distinct message ids in the lake").isEqualTo(acknowledged);
        }
    }

    private ChildJvm start(ChildJvm child) {
        children.add(child);
        return child;
    }

    private static long max(List<ProcessProbe.Sample> samples, ToLongFunction<ProcessProbe.Sample> value) {
        return samples.stream().mapToLong(value).max().orElseThrow();
    }

    private static long min(List<ProcessProbe.Sample> samples, ToLongFunction<ProcessProbe.Sample> value) {
        return samples.stream().mapToLong(value).min().orElseThrow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The writer's /metrics text, or null while it does not answer. */
    private String metrics(int port) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** One sample's value from the writer's metrics; -1 while it does not answer. */
    private long metric(int port, String name) {
        String text = metrics(port);
        if (text == null) {
            return -1;
        }
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static String lines(List<String> progress) {
        synchronized (progress) {
            return progress.stream().collect(Collectors.joining("\n"));
        }
    }
}
