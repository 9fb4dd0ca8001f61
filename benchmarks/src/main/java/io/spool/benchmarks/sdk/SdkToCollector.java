package io.spool.benchmarks.sdk;

import io.spool.benchmarks.collector.LoadBodies;
import io.spool.benchmarks.load.LoadPlan;
import io.spool.benchmarks.load.LoadReport;
import io.spool.benchmarks.load.LoadRun;
import io.spool.sdk.Spool;
import io.spool.sdk.Stats;
import io.spool.sdk.Track;
import io.spool.sdk.internal.BatchBody;
import io.spool.sdk.internal.EventEncoder;
import io.spool.sdk.internal.Version;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Delivered events per second from ONE Spool client to the REAL collector, run as users run it
 * ({@code java -jar spool-collector.jar}, a child process with its own journal in a temporary folder):
 * the app thread tracks events as fast as the client delivers them (it pauses while more than half the
 * buffer is queued, so nothing is dropped), and the figure is what the collector acknowledged, from the
 * client's {@code stats().sent()}, over the measured seconds.
 *
 * <p>Each setting is an event kind ({@code --events}: {@code small}, the load generator's ~400-byte
 * server-side track events with the same fields and values, see {@link SmallEvents}; {@code realistic},
 * {@link RealisticEvent}'s ~750-byte order) and a body encoding ({@code --gzip on,off}, the client's
 * {@code gzip(boolean)}). For each, the client runs with each {@code --in-flight} value, then the load
 * generator, flat out with 16 connections, sends the SAME bodies (the client's encoding of the same 100
 * events, gzipped or plain as the client sends them): what the same collector takes from many clients,
 * the rate one client should fill. Every row gives the collector's CPU per event, the sender's (the
 * client's process, or the generator's) and, for the client, where its CPU went by thread
 * ({@code /proc/self/task}: the app thread {@code main}, {@code spool-sender-#}, OkHttp's, GC, JIT). Round
 * 2 runs the settings in the reverse order, so a drift of the machine shows as a drift.
 * {@code --background EVENTS_PER_SECOND} adds the load generator at that fixed rate (its own small
 * plain events) beside the client during the rounds (the collector "under load").
 * {@code --collector-cpus 1} starts the collector under {@code taskset -c 1}: run the benchmark itself
 * under {@code taskset -c 0} and the client (or the generator) and the collector each have a core of
 * their own, as they would on two machines, instead of taking CPU from each other.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.sdk.SdkToCollector \
 *     --collector collector/target/spool-collector.jar --seconds 10 --rounds 1 \
 *     --events small,realistic --gzip on,off --in-flight 4,8
 * </pre>
 */
public final class SdkToCollector {
    private static final String KEY = "bench";
    private static final int BATCH = 100;

    private SdkToCollector() {}

    /** What the app tracks. */
    enum Events {
        SMALL,
        REALISTIC;

        private static final SmallEvents SMALL_EVENTS = new SmallEvents();

        Track track(int i) {
            return this == SMALL
                    ? SMALL_EVENTS.track(i)
                    : Track.builder(RealisticEvent.EVENT)
                            .userId(RealisticEvent.USER_ID)
                            .properties(RealisticEvent.PROPERTIES)
                            .context(RealisticEvent.CONTEXT)
                            .build();
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** A batch of 100 as the client encodes it, plain: the body the generator sends for this setting. */
        byte[] batch() {
            EventEncoder encoder = new EventEncoder(32_000, Version.VERSION, new SecureRandom().nextLong());
            BatchBody body = new BatchBody(480_000, false);
            body.begin();
            long now = System.currentTimeMillis();
            for (int i = 0; i < BATCH; i++) {
                encoder.encode(track(i), now);
                body.add(encoder.array(), encoder.size());
            }
            body.finish(now);
            body.release();
            return Arrays.copyOf(body.json(), body.jsonSize());
        }
    }

    private record Setting(Events events, boolean gzip) {
        String label() {
            return events.label() + (gzip ? " gzip" : " plain");
        }

        /** {@code small-plain}, {@code realistic-gzip}, …: one setting, instead of --events × --gzip. */
        static Setting parse(String s) {
            int dash = s.indexOf('-');
            String body = s.substring(dash + 1);
            if (dash < 0 || !(body.equals("plain") || body.equals("gzip"))) {
                throw new IllegalArgumentException("--settings takes EVENTS-plain or EVENTS-gzip: " + s);
            }
            return new Setting(Events.valueOf(s.substring(0, dash).toUpperCase(Locale.ROOT)), body.equals("gzip"));
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("collector/target/spool-collector.jar");
        int seconds = 15;
        int rounds = 2;
        int warmup = 5;
        List<Integer> inFlight = List.of(1, 4, 8);
        List<Events> events = List.of(Events.REALISTIC);
        List<Boolean> gzips = List.of(true);
        double background = 0;
        boolean generator = true;
        String collectorCpus = null;
        List<Setting> only = null;
        int clientBatch = BATCH;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--collector" -> jar = Path.of(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--in-flight" ->
                    inFlight = Stream.of(args[++i].split(","))
                            .map(Integer::parseInt)
                            .toList();
                case "--events" ->
                    events = Stream.of(args[++i].split(","))
                            .map(e -> Events.valueOf(e.toUpperCase(Locale.ROOT)))
                            .toList();
                case "--gzip" ->
                    gzips = Stream.of(args[++i].split(","))
                            .map(g -> switch (g) {
                                case "on" -> true;
                                case "off" -> false;
                                default -> throw new IllegalArgumentException("--gzip takes on,off: " + g);
                            })
                            .toList();
                case "--background" -> background = Double.parseDouble(args[++i]);
                case "--no-generator" -> generator = false;
                case "--collector-cpus" -> collectorCpus = args[++i];
                case "--client-batch" -> clientBatch = Integer.parseInt(args[++i]);
                case "--settings" ->
                    only = Stream.of(args[++i].split(",")).map(Setting::parse).toList();
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + " (--collector JAR --seconds N --rounds N --warmup SECONDS_PER_SETTING"
                            + " --in-flight 1,4,8 --events small,realistic --gzip on,off"
                            + " --background EVENTS_PER_SECOND --no-generator --collector-cpus LIST"
                            + " --settings small-plain,small-gzip,realistic-gzip --client-batch EVENTS)");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is not a built collector jar (mvn -pl collector -am package)");
        }
        List<Setting> settings = new ArrayList<>();
        if (only != null) {
            settings.addAll(only);
        } else {
            for (Events e : events) {
                for (boolean g : gzips) {
                    settings.add(new Setting(e, g));
                }
            }
        }
        Path dir = Files.createTempDirectory("spool-sdk-to-collector");
        int port = freePort();
        Process collector = startCollector(jar, port, dir, collectorCpus);
        try {
            String endpoint = "http://127.0.0.1:" + port;
            awaitHealthy(endpoint, collector, dir);
            System.out.printf("collector pid %d on %s, journal %s%n", collector.pid(), endpoint, dir);
            for (Setting s : settings) {
                System.out.printf("warm-up: %d s of %s at 4 in flight%n", warmup, s.label());
                client(endpoint, s, 4, clientBatch, warmup, collector.pid());
            }

            AtomicReference<LoadReport> backgroundReport = new AtomicReference<>();
            Thread backgroundLoad = null;
            if (background > 0) {
                int total = rounds * settings.size() * (inFlight.size() * (seconds + 2) + (seconds + 5)) + 5;
                LoadPlan plan = LoadPlan.builder(URI.create(endpoint))
                        .writeKey(KEY)
                        .connections(8)
                        .batchSize(BATCH)
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
                List<Setting> order = new ArrayList<>(settings);
                List<Integer> ns = new ArrayList<>(inFlight);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                    Collections.reverse(ns);
                }
                for (Setting s : order) {
                    for (int n : ns) {
                        Result r = client(endpoint, s, n, clientBatch, seconds, collector.pid());
                        String row = r.row(round, s, Integer.toString(n));
                        System.out.println(row);
                        System.out.println("    client µs/event by thread: " + r.clientThreads);
                        System.out.println("    collector µs/event by thread: " + r.collectorThreads);
                        rows.add(row);
                    }
                    if (generator && background <= 0) {
                        Result g = generator(endpoint, s, seconds, collector.pid());
                        String row = g.row(round, s, "gen 16");
                        System.out.println(row + "  " + g.note);
                        System.out.println("    collector µs/event by thread: " + g.collectorThreads);
                        rows.add(row + "  " + g.note);
                    }
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
            System.out.println(HEADER);
            rows.forEach(System.out::println);
        } finally {
            collector.destroy();
            if (!collector.waitFor(20, TimeUnit.SECONDS)) {
                collector.destroyForcibly();
            }
            deleteTree(dir);
        }
    }

    private static final String HEADER = String.format(
                    "%-5s %-15s %-9s %12s %8s %8s %8s %9s %9s %7s",
                    "round",
                    "events",
                    "in-flight",
                    "events/s",
                    "B/event",
                    "sender",
                    "sender",
                    "collector",
                    "collector",
                    "dropped")
            + String.format(
                    "%n%-5s %-15s %-9s %12s %8s %8s %8s %9s %9s%n",
                    "", "", "", "", "on wire", "cores", "µs/ev", "cores", "µs/ev");

    /**
     * One row: what was delivered, its bytes on the wire an event, the sender's CPU (the client's whole
     * process, or the generator's) and the collector's, in cores and in µs an event.
     */
    private record Result(
            double eventsPerSecond,
            double wireBytesPerEvent,
            double senderCores,
            double collectorCores,
            long dropped,
            String clientThreads,
            String collectorThreads,
            String note) {
        String row(int round, Setting s, String sender) {
            return String.format(
                    "%-5d %-15s %-9s %,12.0f %8.0f %8.2f %8.2f %9.2f %9.2f %7d",
                    round,
                    s.label(),
                    sender,
                    eventsPerSecond,
                    wireBytesPerEvent,
                    senderCores,
                    senderCores * 1e6 / eventsPerSecond,
                    collectorCores,
                    collectorCores * 1e6 / eventsPerSecond,
                    dropped);
        }
    }

    /**
     * One client, {@code inFlight} requests at most on the wire, {@code batchSize} events a request
     * ({@code --client-batch}; the generator's rows stay at 100), tracking flat out for {@code seconds}.
     */
    private static Result client(
            String endpoint, Setting setting, int inFlight, int batchSize, int seconds, long collectorPid)
            throws Exception {
        int maxQueued = 100_000;
        long self = ProcessHandle.current().pid();
        try (Spool spool = Spool.builder(KEY)
                .endpoint(endpoint)
                .gzip(setting.gzip())
                .maxRequestsInFlight(inFlight)
                .batchSize(batchSize)
                .maxQueuedEvents(maxQueued)
                .maxQueuedBytes(256L << 20)
                .drainOnShutdown(Duration.ZERO)
                .closeTimeout(Duration.ofSeconds(30))
                .build()) {
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long start = 0;
            long end = Long.MAX_VALUE;
            Stats first = null;
            ThreadCpu.Sample collector0 = null;
            ThreadCpu.Sample client0 = null;
            Events events = setting.events();
            int next = 0;
            while (true) {
                long now = System.nanoTime();
                if (first == null && now >= warm) {
                    first = spool.stats();
                    start = now;
                    end = start + TimeUnit.SECONDS.toNanos(seconds);
                    collector0 = ThreadCpu.sample(collectorPid);
                    client0 = ThreadCpu.sample(self);
                } else if (now >= end) {
                    break;
                }
                if (spool.stats().queued() > maxQueued / 2) {
                    LockSupport.parkNanos(100_000); // the senders are behind: let them catch up, drop nothing
                    continue;
                }
                for (int i = 0; i < 500; i++) {
                    spool.track(events.track(next++));
                }
            }
            Stats last = spool.stats();
            ThreadCpu.Sample collector1 = ThreadCpu.sample(collectorPid);
            ThreadCpu.Sample client1 = ThreadCpu.sample(self);
            double wall = (System.nanoTime() - start) / 1e9;
            long sent = last.sent() - first.sent();
            Map<String, Long> clientThreads = client1.since(client0);
            long backgroundNanos = clientThreads.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("load-") || e.getKey().equals("background-load"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            return new Result(
                    sent / wall,
                    (last.bytesSent() - first.bytesSent()) / (double) Math.max(1, sent),
                    (client1.process() - client0.process() - backgroundNanos) / 1e9 / wall,
                    (collector1.process() - collector0.process()) / 1e9 / wall,
                    last.dropped(),
                    ThreadCpu.perEvent(clientThreads, sent),
                    ThreadCpu.perEvent(collector1.since(collector0), sent),
                    "");
        }
    }

    /**
     * The load generator, 16 connections flat out, sending the setting's events as the client encodes
     * them (plain or gzip as the client sends them); the CPU figures are over its measured seconds only.
     */
    private static Result generator(String endpoint, Setting setting, int seconds, long collectorPid) {
        byte[] batch = setting.events().batch();
        int warmup = 5;
        LoadPlan.Builder plan = LoadPlan.builder(URI.create(endpoint))
                .writeKey(KEY)
                .connections(16)
                .batchSize(BATCH)
                .batchBody(batch)
                .flatOut()
                .warmup(Duration.ofSeconds(warmup))
                .duration(Duration.ofSeconds(seconds));
        if (setting.gzip()) {
            plan.gzip();
        }
        ThreadCpu.Sample[] window = new ThreadCpu.Sample[2];
        int[] line = {0};
        int measuredFrom = warmup;
        int measuredTo = warmup + seconds;
        // the progress line comes once a second, on the tick the run's own counters are read at
        LoadReport report = LoadRun.run(plan.build(), progress -> {
            line[0]++;
            if (line[0] == measuredFrom) {
                window[0] = ThreadCpu.sample(collectorPid);
            } else if (line[0] == measuredTo) {
                window[1] = ThreadCpu.sample(collectorPid);
            }
        });
        if (window[0] == null || window[1] == null) {
            throw new IllegalStateException("the load run printed " + line[0] + " progress lines, not " + measuredTo
                    + ": its measured window is unknown");
        }
        double collectorCores = (window[1].process() - window[0].process()) / 1e9 / seconds;
        double events = report.eventsPerSecond() * seconds;
        double wire = setting.gzip() ? LoadBodies.gzip(batch).length / (double) BATCH : batch.length / (double) BATCH;
        return new Result(
                report.eventsPerSecond(),
                wire,
                report.processCpuCores(),
                collectorCores,
                0,
                "",
                ThreadCpu.perEvent(window[1].since(window[0]), events),
                String.format(
                        "p50 %.2f ms, p99 %.2f ms, %d errors, %d B JSON/event",
                        report.latency().p50(), report.latency().p99(), report.errors(), batch.length / BATCH));
    }

    private static Process startCollector(Path jar, int port, Path dir, String cpus) throws IOException {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus)); // the collector on cores of its own
        }
        command.addAll(List.of(
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
                "64MB"));
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
