package io.spool.samples.quickstart;

import io.spool.collector.Collector;
import io.spool.journal.Journal;
import io.spool.samples.shop.ShopService;
import io.spool.sdk.DeliveryFailure;
import io.spool.sdk.DeliveryListener;
import io.spool.sdk.Spool;
import io.spool.writer.StorageWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole pipeline in one JVM: a collector, a storage writer and a simulated shop that tracks through
 * the SDK; then a summary read back from the Parquet files. The standalone jars remain the production
 * path; {@code --serve} keeps this one running for trying Spool with your own app.
 */
@Command(
        name = "spool-quickstart",
        mixinStandardHelpOptions = true,
        version = "Spool 0.1.0",
        description = "Runs collector, storage writer and a simulated shop tracking through the SDK, then "
                + "prints what landed in Parquet.")
public final class Quickstart implements java.util.concurrent.Callable<Integer> {
    @Option(
            names = "--events",
            defaultValue = "${env:SPOOL_QUICKSTART_EVENTS:-100000}",
            description = "How many events the simulated shop tracks (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--rate",
            defaultValue = "${env:SPOOL_QUICKSTART_RATE:-20000}",
            description = "Events per second the simulated shop tracks at (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--short", description = "A short run (2,000 events), as CI does.")
    boolean shortRun;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:SPOOL_DATA_DIR:-data}",
            description = "Where journal and lake go (default: ${DEFAULT-VALUE}). A run writes to a new "
                    + "quickstart/run-<time> folder inside; --serve uses journal/ and lake/ directly.")
    Path dataDir;

    @Option(
            names = "--port",
            defaultValue = "${env:SPOOL_PORT}",
            description = "Collector port (default: any free port for a run, 8088 with --serve).")
    Integer port;

    @Option(
            names = "--write-key",
            defaultValue = "${env:SPOOL_WRITE_KEY:-quickstart}",
            description = "The write key the collector accepts and the shop sends (default: ${DEFAULT-VALUE}).")
    String writeKey;

    @Option(
            names = "--serve",
            description =
                    "Keep collector and writer running (until Ctrl-C / SIGTERM) " + "instead of simulating a shop.")
    boolean serve;

    @Option(
            names = "--clean",
            description = "Delete the earlier runs' folders (quickstart/run-*) in --data-dir "
                    + "before this run. Without it every run keeps its own folder.")
    boolean clean;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;

    Quickstart(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Journal.disableChronicleAnalytics();
        // Chronicle, Undertow, XNIO, Iceberg and Hadoop log their start-up and every metadata refresh at
        // INFO; the quickstart's own lines are what a newcomer reads. (Undertow logs through JBoss
        // logging, routed to SLF4J here.)
        System.setProperty("org.jboss.logging.provider", "slf4j");
        for (String chatty : new String[] {
            "net.openhft", "io.undertow", "org.xnio", "org.jboss", "org.apache.iceberg", "org.apache.hadoop"
        }) {
            System.setProperty("org.slf4j.simpleLogger.log." + chatty, "warn");
        }
        // "Unable to load native-hadoop library": true, and nothing Spool needs
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error");
        System.exit(run(System.out, args));
    }

    static int run(PrintStream out, String... args) {
        return new CommandLine(new Quickstart(out)).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (serve) {
            if (clean) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--clean deletes earlier quickstart runs;"
                                + " --serve keeps its data in " + dataDir.resolve("journal") + " and "
                                + dataDir.resolve("lake")
                                + ", which only you may delete");
            }
            return serve();
        }
        if (events <= 0 || rate <= 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--events and --rate must be positive (got " + events + " and " + rate + ")");
        }
        long target = shortRun ? 2_000 : events;
        QuickstartRuns runs = new QuickstartRuns(dataDir.resolve("quickstart"));
        if (clean) {
            int removed = runs.deleteAll();
            out.printf("Removed %d earlier quickstart run%s.%n", removed, removed == 1 ? "" : "s");
        }
        Path runDir = runs.newRun(LocalDateTime.now());
        Path journalDir = runDir.resolve("journal");
        Path lake = runDir.resolve("lake");
        // The libraries' own lines (Chronicle, Undertow, Iceberg, the collector's and writer's INFO) go
        // to a file of the run, so the progress lines below are all the terminal shows. Must be set
        // before the first logger is created, which the collector and writer below do.
        Path logFile = runDir.resolve("quickstart.log");
        System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toString());

        try (Journal journal = Journal.open(journalDir);
                Collector collector = Collector.builder()
                        .port(port == null ? 0 : port)
                        .journal(journal)
                        .writeKey(writeKey)
                        .build()
                        .start();
                StorageWriter writer = StorageWriter.builder()
                        .journal(journal)
                        .output(lake)
                        .rollInterval(Duration.ofSeconds(1))
                        .build()
                        .start()) {
            String endpoint = "http://127.0.0.1:" + collector.port();
            out.printf(
                    "Spool quickstart: collector %s (write key \"%s\"), journal %s, lake %s%n",
                    endpoint, writeKey, journalDir, lake);

            FailureCounter failures = new FailureCounter();
            // A buffer that holds the whole run: collector, writer and shop share this JVM and, on a
            // small machine, a cold start can briefly deliver slower than the shop tracks. A real app
            // keeps the default bound (drops are counted and reported, never silent).
            Spool spool = Spool.builder(writeKey)
                    .endpoint(endpoint)
                    .listener(failures)
                    .maxQueuedEvents((int) Math.min(Integer.MAX_VALUE, Math.max(10_000, target)))
                    .maxQueuedBytes(Math.min(1L << 30, Math.max(64L << 20, target * 1024)))
                    .build();
            ShopTraffic traffic = new ShopTraffic(new ShopService(spool), 42);

            long started = System.nanoTime();
            ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "quickstart-progress");
                t.setDaemon(true);
                return t;
            });
            AtomicLong lastTracked = new AtomicLong();
            progress.scheduleAtFixedRate(
                    () -> {
                        long now = traffic.tracked();
                        out.printf(
                                "tracked %,9d (%,7d/s) | delivered %,9d | committed %,9d%n",
                                now,
                                now - lastTracked.getAndSet(now),
                                spool.stats().sent(),
                                writer.stats().rowsCommitted());
                    },
                    1,
                    1,
                    TimeUnit.SECONDS);

            traffic.run(target, rate);
            boolean delivered = spool.close(Duration.ofSeconds(30));
            writer.drain();
            progress.shutdownNow();
            double seconds = (System.nanoTime() - started) / 1e9;
            long sent = spool.stats().sent();
            long committed = writer.stats().rowsCommitted();
            out.printf(
                    "tracked %,9d           | delivered %,9d | committed %,9d%n", traffic.tracked(), sent, committed);
            out.printf(
                    "%nDone in %.1f s: %,d events tracked, %,d delivered, %,d in Parquet (%,.0f events/s end to end).%n",
                    seconds, traffic.tracked(), sent, committed, traffic.tracked() / seconds);
            if (!delivered || failures.failed.get() > 0) {
                out.printf(
                        "WARNING: %,d events could not be delivered (%s)%n", traffic.tracked() - sent, spool.stats());
            }

            LakeSummary summary = LakeSummary.read(lake);
            print(summary, lake);
            boolean matches = summary.byTypeAndName().equals(traffic.byTypeAndName())
                    && summary.revenue().compareTo(traffic.revenue()) == 0;
            out.println(
                    matches
                            ? "Check: the Parquet files hold exactly the events the shop tracked."
                            : "Check FAILED: the Parquet files differ from what the shop tracked: "
                                    + traffic.byTypeAndName());
            int earlier = runs.countExcept(runDir);
            out.printf(
                    "This run's data and its log (%s) are in %s%s.%n",
                    logFile.getFileName(),
                    runDir,
                    earlier == 0
                            ? ""
                            : String.format(
                                    "; %d earlier run%s beside it (--clean deletes them)",
                                    earlier, earlier == 1 ? "" : "s"));
            return matches ? 0 : 1;
        }
    }

    private void print(LakeSummary summary, Path lake) {
        out.printf(
                "%nDataset: Iceberg table spool.events in %s (catalog %s), %d Parquet data files partitioned by"
                        + " day(timestamp)%n",
                lake.toAbsolutePath().resolve("spool/events"),
                lake.toAbsolutePath().resolve("catalog.sqlite"),
                summary.files());
        out.println("Events by type and name:");
        for (Map.Entry<String, Long> row : summary.byTypeAndName().entrySet()) {
            String[] typeAndName = row.getKey().split("\t", -1);
            out.printf("  %-9s %-18s %,10d%n", typeAndName[0], typeAndName[1], row.getValue());
        }
        out.printf("  %-9s %-18s %,10d%n", "total", "", summary.events());
        out.printf("Revenue: EUR %,.2f over %,d orders%n", summary.revenue(), summary.orders());
        out.printf("Time range: %s .. %s%n", summary.firstTimestamp(), summary.lastTimestamp());
        out.printf("%nQuery it yourself (DuckDB CLI, or any DuckDB client):%n%s%n%n", LakeSummary.pasteableQuery(lake));
    }

    /** Keeps collector and writer running on data/journal and data/lake until SIGTERM. */
    private int serve() throws Exception {
        Path journalDir = dataDir.resolve("journal");
        Path lake = dataDir.resolve("lake");
        CountDownLatch stopping = new CountDownLatch(1);
        // SIGTERM / Ctrl-C end the wait below, and the main thread then commits and closes everything
        // and exits 0 (the JVM's default would run hooks and halt, racing the writer's last commit).
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stopping.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stopping.countDown());
        try (Journal journal = Journal.open(journalDir);
                Collector collector = Collector.builder()
                        .port(port == null ? 8088 : port)
                        .journal(journal)
                        .writeKey(writeKey)
                        .console(true)
                        .build()
                        .start();
                StorageWriter writer = StorageWriter.builder()
                        .journal(journal)
                        .output(lake)
                        .rollInterval(Duration.ofSeconds(10))
                        .build()
                        .start()) {
            out.printf(
                    "Spool is serving: collector http://localhost:%d (write key \"%s\"), journal %s, lake %s%n"
                            + "Watch events arrive at http://localhost:%d/console (enter the write key).%n"
                            + "Point an SDK or a Segment client at it; Ctrl-C stops (committing what it has).%n",
                    collector.port(), writeKey, journalDir, lake, collector.port());
            stopping.await();
            out.println("Stopping: the collector answers what is in flight, the writer commits what it has.");
        }
        return 0;
    }

    /** Counts what the SDK reports as failed, to warn at the end. Runs on the SDK's sender thread. */
    private static final class FailureCounter implements DeliveryListener {
        final AtomicLong failed = new AtomicLong();

        @Override
        public void onFailed(DeliveryFailure failure) {
            failed.addAndGet(failure.messageIds().size());
        }
    }
}
