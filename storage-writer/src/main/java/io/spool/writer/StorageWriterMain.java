package io.spool.writer;

import io.spool.config.Durations;
import io.spool.config.Logging;
import io.spool.config.SettingException;
import io.spool.config.SettingsDef;
import io.spool.journal.Journal;
import io.spool.writer.internal.Lake;
import io.spool.writer.internal.MetricsServer;
import io.spool.writer.internal.WarehouseProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code java -jar spool-storage-writer.jar --journal-dir data/journal --output data/lake}. Every setting
 * is declared in {@link WriterSettings}, which gives the options, {@code --help} and the environment
 * variables. Exit statuses, for a supervisor or a cron job to act on: {@value #OK} when everything read
 * was committed (a drain done, or a stop by SIGTERM); {@value #FAILED} when something read could not be
 * committed (a drain giving up after {@code --drain-attempts}, a failed commit on SIGTERM), the catalog
 * could not be reached at start, or the JVM ran out of memory: the records stay in the journal and the
 * next run writes them; {@value #USAGE} for a bad setting or a failed start-up check (missing journal,
 * unwritable output, metrics port in use), which running again does not fix.
 */
public final class StorageWriterMain implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final String NAME = "spool-storage-writer";

    private static final String DESCRIPTION =
            "Tails a Spool journal and commits it to Apache Iceberg tables of Parquet files, exactly once."
                    + "%nEvery option also reads the environment variable named in its description.";
    private static final String FOOTER =
            "%nExit status: 0 everything read was committed (a drain finished, or a stop by SIGTERM);"
                    + " 1 records read could not be committed (they stay in the journal for the next run), the catalog"
                    + " was unreachable, or the JVM failed; 2 a bad setting or a failed start-up check.";

    /** The command line running this, so that errors go to its error stream (tests capture it). */
    CommandSpec spec;

    /** The environment the settings are read from (tests give their own). */
    Map<String, String> env = System.getenv();

    static {
        // Before any Chronicle class loads (it reads the analytics switch once).
        Journal.disableChronicleAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(StorageWriterMain.class);

    public static void main(String[] args) {
        // Spool's defaults (stderr, libraries at warn) before anything logs; call() applies --log-level and
        // --log-format.
        Logging.configure(Logging.LOG_LEVEL.defaultValue(), Logging.LOG_FORMAT.defaultValue());
        // --drain runs in a C1-only child JVM (io.spool.writer.internal.DrainRelaunch says why)
        java.util.OptionalInt drained = io.spool.writer.internal.DrainRelaunch.runInChildJvm(args);
        if (drained.isPresent()) {
            System.exit(drained.getAsInt());
        }
        // An Error on a thread that is not the writer's (the metrics server, a catalog pool) would kill
        // only that thread; a JVM out of memory is not one to keep running. Exit, and be restarted.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof VirtualMachineError) {
                try {
                    LOG.error("fatal {} on thread {}; exiting with status 1", e, thread.getName());
                } finally {
                    Runtime.getRuntime().halt(1);
                }
            }
            LOG.error("uncaught exception on thread {}", thread.getName(), e);
        });
        System.exit(commandLine().execute(args));
    }

    /** The command line with every setting of {@link WriterSettings}; its errors are one line and exit 2. */
    static CommandLine commandLine() {
        // Built, not read off annotations: picocli's reflection over an annotated class (annotation proxies
        // spun at run time, which no class archive keeps) took ~60 ms of every start, a drain's included.
        StorageWriterMain main = new StorageWriterMain();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(main).name(NAME).versionProvider(new Version());
        spec.usageMessage()
                .sortOptions(false)
                .autoWidth(true)
                .description(DESCRIPTION)
                .footer(FOOTER);
        spec.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
        spec.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .description("Print version information and exit.")
                .build());
        WriterSettings.ALL.addOptionsTo(spec);
        main.spec = spec;
        CommandLine cli = new CommandLine(spec);
        cli.setParameterExceptionHandler(SettingsDef.oneLineErrors(NAME));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(NAME + ": " + e.getMessage());
            return e instanceof SettingException ? USAGE : FAILED;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        SettingsDef.Values v = WriterSettings.ALL.resolve(spec.commandLine().getParseResult(), env);
        Logging.configure(v);
        String problem = startupProblem(v);
        if (problem != null) {
            err.println(NAME + ": " + problem);
            return USAGE;
        }
        StorageWriter writer;
        try {
            writer = builder(v).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(NAME + ": " + e.getMessage());
            return USAGE;
        }
        MetricsServer metrics = null;
        int metricsPort = v.get(WriterSettings.METRICS_PORT);
        if (metricsPort > 0) {
            String where = v.source(WriterSettings.METRICS_PORT) + " " + metricsPort + ": ";
            try {
                metrics = new MetricsServer(metricsPort, writer::writeMetrics, writer::health);
            } catch (BindException e) {
                err.println(NAME + ": " + where + "0.0.0.0:" + metricsPort + " is already in use (another writer's"
                        + " metrics?); pick a free port, or 0 for no metrics");
                return USAGE;
            } catch (IOException e) {
                err.println(NAME + ": " + where + "cannot serve metrics on 0.0.0.0:" + metricsPort + " (" + e + ")");
                return USAGE;
            }
        }
        try {
            return run(writer, v.get(WriterSettings.DRAIN), metrics);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    /** What the user would otherwise meet a roll interval later, or never (tailing a folder nobody writes). */
    private static String startupProblem(SettingsDef.Values v) {
        Path journalDir = v.get(WriterSettings.JOURNAL_DIR);
        if (journalDir == null) {
            return "--journal-dir (or SPOOL_JOURNAL_DIR) is required: the folder the collector's --journal-dir names";
        }
        String where = v.source(WriterSettings.JOURNAL_DIR) + " " + journalDir;
        if (!Files.isDirectory(journalDir)) {
            if (Files.exists(journalDir)) {
                return where + ": is a file, not a journal folder";
            }
            if (!v.get(WriterSettings.CREATE_JOURNAL)) {
                return where + ": no such folder; give the folder the collector's --journal-dir names, or add"
                        + " --create-journal if the writer may start before the collector first runs";
            }
            try {
                Files.createDirectories(journalDir);
            } catch (IOException e) {
                return where + ": cannot create it (" + e + ")";
            }
        }
        String output = v.get(WriterSettings.OUTPUT);
        if (output == null) {
            return "--output (or SPOOL_OUTPUT) is required: the warehouse, a folder, hdfs://… or s3://bucket/path";
        }
        String orphans = StorageWriter.Builder.orphanAgeProblem(
                v.get(WriterSettings.UPKEEP_INTERVAL), v.get(WriterSettings.ORPHAN_AGE));
        if (orphans != null) {
            return v.source(WriterSettings.ORPHAN_AGE) + " " + Durations.format(v.get(WriterSettings.ORPHAN_AGE)) + ": "
                    + orphans;
        }
        String unwritable = WarehouseProbe.problem(output);
        if (unwritable != null) {
            return v.source(WriterSettings.OUTPUT) + " " + output + ": " + unwritable;
        }
        return null;
    }

    private static StorageWriter.Builder builder(SettingsDef.Values v) {
        StorageWriter.Builder builder = StorageWriter.builder()
                .journalDir(v.get(WriterSettings.JOURNAL_DIR))
                .output(v.get(WriterSettings.OUTPUT))
                .table(v.get(WriterSettings.TABLE))
                .catalogName(v.get(WriterSettings.CATALOG_NAME))
                .rollInterval(v.get(WriterSettings.ROLL_INTERVAL))
                .rollRows(v.get(WriterSettings.ROLL_ROWS))
                .rollBytes(v.get(WriterSettings.ROLL_BYTES))
                .compression(v.get(WriterSettings.COMPRESSION))
                .dedupWindow(v.get(WriterSettings.DEDUP_WINDOW))
                .retention(v.get(WriterSettings.RETENTION))
                .upkeepInterval(v.get(WriterSettings.UPKEEP_INTERVAL))
                .snapshotRetention(v.get(WriterSettings.SNAPSHOT_RETENTION))
                .orphanAge(v.get(WriterSettings.ORPHAN_AGE))
                .drainAttempts(v.get(WriterSettings.DRAIN_ATTEMPTS));
        if (v.get(WriterSettings.CATALOG_TYPE) != null) {
            builder.catalogType(v.get(WriterSettings.CATALOG_TYPE));
        }
        if (v.get(WriterSettings.CATALOG_URI) != null
                && !v.get(WriterSettings.CATALOG_URI).isBlank()) {
            builder.catalogUri(v.get(WriterSettings.CATALOG_URI));
        }
        for (String property : v.get(WriterSettings.CATALOG_PROPERTY)) {
            int eq = property.indexOf('='); // the declaration's rule: there is one, after a key
            builder.catalogProperty(
                    property.substring(0, eq).strip(),
                    property.substring(eq + 1).strip());
        }
        if (v.get(WriterSettings.WRITER_THREADS) != null) {
            builder.writerThreads(v.get(WriterSettings.WRITER_THREADS));
        }
        if (v.get(WriterSettings.DEDUP_MEMORY) != null) {
            builder.dedupMemory(v.get(WriterSettings.DEDUP_MEMORY));
        }
        if (v.get(WriterSettings.WRITER_ID) != null) {
            builder.writerId(v.get(WriterSettings.WRITER_ID));
        }
        return builder;
    }

    private static int run(StorageWriter writer, boolean drain, MetricsServer metrics) throws InterruptedException {
        // A signal handler rather than a shutdown hook: the commit runs on our own threads and the
        // process then exits with our status, instead of racing the JVM's own shutdown (which exits 143).
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
        }
        try {
            if (drain) {
                Thread stopper = new Thread(
                        () -> {
                            try {
                                stop.await();
                                LOG.info("stopping: committing what was read");
                                writer.close();
                            } catch (InterruptedException ignored) {
                                // the drain finished first
                            }
                        },
                        "spool-writer-signal");
                stopper.setDaemon(true);
                stopper.start();
                WriterStats stats;
                try {
                    stats = writer.drain();
                } catch (IllegalStateException e) {
                    if (stop.getCount() == 0) {
                        return closed(writer); // stopped by a signal: 0 when what was read is committed
                    }
                    writer.close();
                    LOG.error("drain failed: {}", e.getMessage());
                    LOG.debug("drain failed", e);
                    return FAILED;
                }
                int status = closed(writer);
                LOG.info(
                        "drained: {} rows, {} rejected, {} duplicates dropped, {} files, checkpoint {}",
                        stats.rowsCommitted(),
                        stats.rejectedRowsCommitted(),
                        stats.duplicatesDropped(),
                        stats.filesCommitted(),
                        stats.checkpointIndex());
                return status;
            }
            writer.start();
            if (metrics != null) {
                LOG.info("metrics on port {}", metrics.port());
            }
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            writer.terminated().whenComplete((done, e) -> {
                fatal.set(e);
                stop.countDown();
            });
            stop.await();
            if (fatal.get() != null) {
                return FAILED; // the writer said why, once; a restart resumes after its last commit
            }
            LOG.info("stopping: committing what was read");
            return closed(writer);
        } catch (IllegalArgumentException e) {
            // settings the catalog refuses (an unsafe catalog for the store, an unknown type): one line
            LOG.error("cannot run: {}", e.getMessage());
            LOG.debug("cannot run", e);
            writer.close();
            return USAGE;
        } catch (RuntimeException e) {
            // an unreachable catalog or store, a second writer with this id: one line, no stack trace
            LOG.error("cannot run: {}", e instanceof IllegalStateException ? e.getMessage() : Lake.rootMessage(e));
            LOG.debug("cannot run", e);
            writer.close();
            return FAILED;
        }
    }

    /** Closes the writer: {@link #OK} when everything it read is committed, else {@link #FAILED} (it said why). */
    private static int closed(StorageWriter writer) {
        writer.close();
        return writer.uncommittedOnClose() == null ? OK : FAILED;
    }

    /** The version in the jar's manifest (the shade plugin writes it), when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StorageWriterMain.class.getPackage().getImplementationVersion();
            return new String[] {NAME + " " + (v == null ? "(development build)" : v)};
        }
    }
}
