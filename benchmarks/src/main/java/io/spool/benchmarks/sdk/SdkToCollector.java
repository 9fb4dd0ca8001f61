package io.spool.benchmarks.sdk;

import com.sun.management.OperatingSystemMXBean;
import io.spool.benchmarks.load.LoadPlan;
import io.spool.benchmarks.load.LoadReport;
import io.spool.benchmarks.load.LoadRun;
import io.spool.sdk.Spool;
import io.spool.sdk.Stats;
import io.spool.sdk.Track;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Delivered events per second from ONE Spool client to the REAL collector, run as users run it
 * ({@code java -jar spool-collector.jar}, a child process with its own journal in a temporary folder):
 * the app thread tracks {@link RealisticEvent}s as fast as the client delivers them (it pauses while more
 * than half the buffer is queued, so nothing is dropped), and the figure is what the collector
 * acknowledged, from the client's {@code stats().sent()}, over the measured seconds.
 *
 * <p>Rounds alternate the {@code maxRequestsInFlight} values given (on a noisy machine a trend shows
 * as a trend, not as one setting's luck), then the load generator alone, flat out with 16 connections
 * of 100-event plain batches, says what the same collector takes from many clients: the rate one client
 * should be able to fill. {@code --background EVENTS_PER_SECOND} adds the load generator at that fixed
 * rate beside the client during its rounds (the collector "under load").
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.sdk.SdkToCollector \
 *     --collector collector/target/spool-collector.jar --seconds 15 --in-flight 1,4,8 --rounds 2
 * </pre>
 */
public final class SdkToCollector {
    private static final String KEY = "bench";

    private SdkToCollector() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("collector/target/spool-collector.jar");
        int seconds = 15;
        int rounds = 2;
        List<Integer> inFlight = List.of(1, 4, 8);
        double background = 0;
        boolean generator = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--collector" -> jar = Path.of(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--in-flight" ->
                    inFlight = Stream.of(args[++i].split(","))
                            .map(Integer::parseInt)
                            .toList();
                case "--background" -> background = Double.parseDouble(args[++i]);
                case "--no-generator" -> generator = false;
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + " (--collector JAR --seconds N --rounds N --in-flight 1,4,8 --background EVENTS_PER_SECOND"
                            + " --no-generator)");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is not a built collector jar (mvn -pl collector -am package)");
        }
        Path dir = Files.createTempDirectory("spool-sdk-to-collector");
        int port = freePort();
        Process collector = startCollector(jar, port, dir);
        try {
            String endpoint = "http://127.0.0.1:" + port;
            awaitHealthy(endpoint, collector, dir);
            System.out.printf("collector pid %d on %s, journal %s%n", collector.pid(), endpoint, dir);
            System.out.println("warm-up: 10 s at 4 in flight");
            run(endpoint, 4, 10, collector.pid());

            AtomicReference<LoadReport> backgroundReport = new AtomicReference<>();
            Thread backgroundLoad = null;
            if (background > 0) {
                int total = rounds * inFlight.size() * (seconds + 2) + 5;
                LoadPlan plan = LoadPlan.builder(URI.create(endpoint))
                        .writeKey(KEY)
                        .connections(8)
                        .batchSize(100)
                        .plain()
                        .eventsPerSecond(background)
                        .warmup(Duration.ofSeconds(2))
                        .duration(Duration.ofSeconds(total))
                        .build();
                backgroundLoad =
                        new Thread(() -> backgroundReport.set(LoadRun.run(plan, line -> {})), "background-load");
                backgroundLoad.setDaemon(true);
                backgroundLoad.start();
                System.out.printf(
                        "background: the load generator at %.0f events/s (8 connections, 100-event batches)%n",
                        background);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            }

            List<String> rows = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                for (int n : inFlight) {
                    Result r = run(endpoint, n, seconds, collector.pid());
                    String row = String.format(
                            "%-8d %6d %,14.0f %,12.0f %10.2f %10.2f %8d",
                            round,
                            n,
                            r.eventsPerSecond,
                            r.requestsPerSecond,
                            r.collectorCores,
                            r.clientCores,
                            r.dropped);
                    System.out.println(row);
                    rows.add(row);
                }
            }
            if (backgroundLoad != null) {
                backgroundLoad.join();
                LoadReport b = backgroundReport.get();
                System.out.printf(
                        "background load delivered %,.0f events/s, p99 %.2f ms, %d errors%n",
                        b.eventsPerSecond(), b.latency().p99(), b.errors());
            }
            System.out.println();
            System.out.println("round  in-flight  delivered ev/s   requests/s  collector  client     dropped");
            System.out.println("                                                 CPU cores  CPU cores");
            rows.forEach(System.out::println);

            if (generator) {
                LoadPlan plan = LoadPlan.builder(URI.create(endpoint))
                        .writeKey(KEY)
                        .connections(16)
                        .batchSize(100)
                        .plain()
                        .flatOut()
                        .warmup(Duration.ofSeconds(5))
                        .duration(Duration.ofSeconds(seconds))
                        .build();
                long cpu0 = processCpuNanos(collector.pid());
                long t0 = System.nanoTime();
                LoadReport report = LoadRun.run(plan, line -> {});
                double wall = (System.nanoTime() - t0) / 1e9;
                double cores = (processCpuNanos(collector.pid()) - cpu0) / 1e9 / wall;
                System.out.printf(
                        "%nload generator, 16 connections flat out (what the collector takes): %,.0f events/s,"
                                + " %,.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors, collector %.2f cores (warm-up included)%n",
                        report.eventsPerSecond(),
                        report.requestsPerSecond(),
                        report.latency().p50(),
                        report.latency().p99(),
                        report.errors(),
                        cores);
            }
        } finally {
            collector.destroy();
            if (!collector.waitFor(20, TimeUnit.SECONDS)) {
                collector.destroyForcibly();
            }
            deleteTree(dir);
        }
    }

    private record Result(
            double eventsPerSecond,
            double requestsPerSecond,
            double collectorCores,
            double clientCores,
            long dropped) {}

    /** One client, {@code inFlight} requests at most on the wire, tracking flat out for {@code seconds}. */
    private static Result run(String endpoint, int inFlight, int seconds, long collectorPid) throws Exception {
        int maxQueued = 100_000;
        try (Spool spool = Spool.builder(KEY)
                .endpoint(endpoint)
                .maxRequestsInFlight(inFlight)
                .maxQueuedEvents(maxQueued)
                .maxQueuedBytes(256L << 20)
                .drainOnShutdown(Duration.ZERO)
                .closeTimeout(Duration.ofSeconds(30))
                .build()) {
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long start = 0;
            long end = Long.MAX_VALUE;
            Stats first = null;
            long collectorCpu0 = 0;
            long clientCpu0 = 0;
            while (true) {
                long now = System.nanoTime();
                if (first == null && now >= warm) {
                    first = spool.stats();
                    start = now;
                    end = start + TimeUnit.SECONDS.toNanos(seconds);
                    collectorCpu0 = processCpuNanos(collectorPid);
                    clientCpu0 = ownCpuNanos();
                } else if (now >= end) {
                    break;
                }
                if (spool.stats().queued() > maxQueued / 2) {
                    LockSupport.parkNanos(100_000); // the senders are behind: let them catch up, drop nothing
                    continue;
                }
                for (int i = 0; i < 500; i++) {
                    spool.track(Track.builder(RealisticEvent.EVENT)
                            .userId(RealisticEvent.USER_ID)
                            .properties(RealisticEvent.PROPERTIES)
                            .context(RealisticEvent.CONTEXT)
                            .build());
                }
            }
            Stats last = spool.stats();
            long stop = System.nanoTime();
            double wall = (stop - start) / 1e9;
            long requests = Math.max(1, (last.sent() - first.sent()) / 100); // full batches of 100
            return new Result(
                    (last.sent() - first.sent()) / wall,
                    requests / wall,
                    (processCpuNanos(collectorPid) - collectorCpu0) / 1e9 / wall,
                    (ownCpuNanos() - clientCpu0) / 1e9 / wall,
                    last.dropped());
        }
    }

    private static Process startCollector(Path jar, int port, Path dir) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g",
                "-Xmx1g",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--journal-dir",
                dir.resolve("journal").toString(),
                "--write-key",
                KEY,
                "--min-free-disk",
                "64MB");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("collector.log").toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().keySet().removeIf(k -> k.startsWith("SPOOL_"));
        return builder.start();
    }

    private static void awaitHealthy(String endpoint, Process collector, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!collector.isAlive()) {
                throw new IllegalStateException(
                        "the collector exited: " + Files.readString(dir.resolve("collector.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(endpoint + "/health").openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("the collector was not healthy within 60 s");
    }

    /** utime + stime of a process, from /proc (Linux), in nanoseconds. */
    private static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
            return ticks * (1_000_000_000L / 100); // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ownCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
