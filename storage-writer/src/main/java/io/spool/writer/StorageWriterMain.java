package io.spool.writer;

import io.spool.journal.Journal;
import io.spool.writer.internal.MetricsServer;
import io.spool.writer.internal.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar spool-storage-writer.jar --journal-dir data/journal --output data/lake}. Every option
 * also reads an environment variable (shown in {@code --help}). SIGTERM commits what the writer has
 * read and exits 0; {@code --drain} commits everything the journal holds now and exits 0. An
 * {@link OutOfMemoryError} (any {@link VirtualMachineError}) ends the process with status 1 instead of
 * being retried: a supervisor starts it again and it resumes after its last commit.
 */
@Command(name = "spool-storage-writer", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = StorageWriterMain.Version.class,
        description = "Tails a Spool journal and commits it to Apache Iceberg tables of Parquet files, exactly once.",
        footer = "%nEvery option can also be set by the environment variable shown in brackets.")
public final class StorageWriterMain implements Callable<Integer> {
    @Option(names = "--journal-dir", required = true, defaultValue = "${env:SPOOL_JOURNAL_DIR}",
            description = "The journal folder the collector appends to [SPOOL_JOURNAL_DIR].")
    Path journalDir;

    @Option(names = "--output", required = true, defaultValue = "${env:SPOOL_OUTPUT}",
            description = "The warehouse: a folder, hdfs://… or s3://bucket/path. Tables go under it"
                    + " (<output>/spool/events); the embedded catalog keeps its database there [SPOOL_OUTPUT].")
    String output;

    @Option(names = "--table", defaultValue = "${env:SPOOL_TABLE:-spool.events}",
            description = "The events table, namespace.name; dead letters go to <namespace>.rejected (default"
                    + " ${DEFAULT-VALUE}) [SPOOL_TABLE].")
    String table;

    @Option(names = "--catalog-type", defaultValue = "${env:SPOOL_CATALOG_TYPE}",
            description = "Iceberg catalog: jdbc (default; without --catalog-uri an embedded SQLite database in the"
                    + " warehouse, for the writers of one machine), hadoop (HDFS) or rest [SPOOL_CATALOG_TYPE].")
    String catalogType;

    @Option(names = "--catalog-uri", defaultValue = "${env:SPOOL_CATALOG_URI}",
            description = "The catalog's uri: jdbc:postgresql://HOST/DB, jdbc:sqlite:FILE, or a REST endpoint"
                    + " [SPOOL_CATALOG_URI].")
    String catalogUri;

    @Option(names = "--catalog-name", defaultValue = "${env:SPOOL_CATALOG_NAME:-lake}",
            description = "The catalog's name; readers of a JDBC catalog use the same (default ${DEFAULT-VALUE})"
                    + " [SPOOL_CATALOG_NAME].")
    String catalogName;

    @Option(names = "--catalog-property", paramLabel = "KEY=VALUE", split = ",",
            defaultValue = "${env:SPOOL_CATALOG_PROPERTIES}",
            description = "An Iceberg catalog property, as Iceberg names it (jdbc.user=…, s3.endpoint=…); repeatable."
                    + " The variable takes a comma-separated list [SPOOL_CATALOG_PROPERTIES].")
    java.util.Map<String, String> catalogProperties;

    @Option(names = "--roll-interval", defaultValue = "${env:SPOOL_ROLL_INTERVAL:-60s}", converter = DurationConverter.class,
            description = "Commit at least this often while there is data: 2s, 5m, … (default ${DEFAULT-VALUE})"
                    + " [SPOOL_ROLL_INTERVAL].")
    Duration rollInterval;

    @Option(names = "--roll-rows", defaultValue = "${env:SPOOL_ROLL_ROWS:-5000000}",
            description = "Commit once this many rows are pending (default ${DEFAULT-VALUE}) [SPOOL_ROLL_ROWS].")
    long rollRows;

    @Option(names = "--roll-bytes", defaultValue = "${env:SPOOL_ROLL_BYTES:-512MB}", converter = SizeConverter.class,
            description = "Commit once this much journal data is pending: 64MB, 1GB, … (default ${DEFAULT-VALUE})"
                    + " [SPOOL_ROLL_BYTES].")
    long rollBytes;

    @Option(names = "--compression", defaultValue = "${env:SPOOL_COMPRESSION:-zstd}", converter = CompressionConverter.class,
            description = "Parquet page compression: zstd, snappy, gzip or none (default ${DEFAULT-VALUE})"
                    + " [SPOOL_COMPRESSION].")
    Compression compression;

    @Option(names = "--dedup-window", defaultValue = "${env:SPOOL_DEDUP_WINDOW:-24h}", converter = DurationConverter.class,
            description = "Drop events whose messageId was written within this much earlier receivedAt; 0s turns it"
                    + " off (default ${DEFAULT-VALUE}) [SPOOL_DEDUP_WINDOW].")
    Duration dedupWindow;

    @Option(names = "--dedup-memory", defaultValue = "${env:SPOOL_DEDUP_MEMORY}", converter = SizeConverter.class,
            description = "The most heap the dedup window's message ids may take (40-80 B an id); past it the oldest are"
                    + " dropped early and the writer logs the shorter window it keeps. Default: a quarter of -Xmx"
                    + " [SPOOL_DEDUP_MEMORY].")
    Long dedupMemory;

    @Option(names = "--retention", defaultValue = "${env:SPOOL_RETENTION:-7d}", converter = DurationConverter.class,
            description = "Delete journal hours that are committed and older than this; 0s keeps them (default"
                    + " ${DEFAULT-VALUE}) [SPOOL_RETENTION].")
    Duration retention;

    @Option(names = "--writer-id", defaultValue = "${env:SPOOL_WRITER_ID}",
            description = "Names this writer's files and the snapshots that carry its journal position; unique among"
                    + " the writers of a table. Default: the host name of the first run on this journal (kept beside it)"
                    + " [SPOOL_WRITER_ID].")
    String writerId;

    @Option(names = "--writer-threads", defaultValue = "${env:SPOOL_WRITER_THREADS}",
            description = "Threads encoding and compressing Parquet beside the journal reader. Default: the number"
                    + " of cores, at most 4 [SPOOL_WRITER_THREADS].")
    Integer writerThreads;

    @Option(names = "--upkeep-interval", defaultValue = "${env:SPOOL_UPKEEP_INTERVAL:-10m}",
            converter = DurationConverter.class,
            description = "How often to compact small files, expire snapshots and remove orphan files; 0s turns it"
                    + " off (default ${DEFAULT-VALUE}) [SPOOL_UPKEEP_INTERVAL].")
    Duration upkeepInterval;

    @Option(names = "--snapshot-retention", defaultValue = "${env:SPOOL_SNAPSHOT_RETENTION:-1d}",
            converter = DurationConverter.class,
            description = "Expire snapshots older than this; time travel reaches back this far (default"
                    + " ${DEFAULT-VALUE}) [SPOOL_SNAPSHOT_RETENTION].")
    Duration snapshotRetention;

    @Option(names = "--orphan-age", defaultValue = "${env:SPOOL_ORPHAN_AGE:-3d}", converter = DurationConverter.class,
            description = "Delete files no snapshot references once older than this (default ${DEFAULT-VALUE})"
                    + " [SPOOL_ORPHAN_AGE].")
    Duration orphanAge;

    @Option(names = "--metrics-port", defaultValue = "${env:SPOOL_METRICS_PORT:-0}",
            description = "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics; 0 = off (default"
                    + " ${DEFAULT-VALUE}) [SPOOL_METRICS_PORT].")
    int metricsPort;

    @Option(names = "--drain", defaultValue = "${env:SPOOL_DRAIN:-false}",
            description = "Write everything the journal holds now, commit, exit 0 [SPOOL_DRAIN].")
    boolean drain;

    static {
        // Before the first logger exists (SLF4J's simple logger reads these once) and before any
        // Chronicle class loads (it reads the analytics switch once).
        Journal.disableChronicleAnalytics();
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        // Chronicle logs every file it grows or maps at INFO; the writer's own line per commit is the log.
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft", "warn");
        // Iceberg and Hadoop log each metadata refresh and commit at INFO; the writer says what matters.
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.iceberg", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.hadoop", "warn");
        // "Unable to load native-hadoop library": true, and nothing Spool needs
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error");
    }

    private static final Logger LOG = LoggerFactory.getLogger(StorageWriterMain.class);

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public static void main(String[] args) {
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
        System.exit(new CommandLine(new StorageWriterMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StorageWriter.Builder builder = StorageWriter.builder()
                .journalDir(journalDir)
                .output(output)
                .rollInterval(rollInterval)
                .rollRows(rollRows)
                .rollBytes(rollBytes)
                .compression(compression)
                .dedupWindow(dedupWindow)
                .retention(retention)
                .table(table)
                .catalogName(catalogName)
                .upkeepInterval(upkeepInterval)
                .snapshotRetention(snapshotRetention)
                .orphanAge(orphanAge);
        if (catalogType != null && !catalogType.isBlank()) {
            builder.catalogType(catalogType);
        }
        if (catalogUri != null && !catalogUri.isBlank()) {
            builder.catalogUri(catalogUri);
        }
        if (catalogProperties != null) {
            catalogProperties.forEach(builder::catalogProperty);
        }
        if (writerThreads != null) {
            builder.writerThreads(writerThreads);
        }
        if (dedupMemory != null) {
            builder.dedupMemory(dedupMemory);
        }
        if (writerId != null && !writerId.isBlank()) {
            builder.writerId(writerId);
        }
        StorageWriter writer;
        try {
            writer = builder.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        MetricsServer metrics = metricsPort > 0 ? new MetricsServer(metricsPort, writer::writeMetrics) : null;
        // A signal handler rather than a shutdown hook: the commit runs on our own threads and the
        // process then exits 0, instead of racing the JVM's own shutdown (which would exit 143).
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
        }
        try {
            if (drain) {
                Thread stopper = new Thread(() -> {
                    try {
                        stop.await();
                        LOG.info("stopping: committing what was read");
                        writer.close();
                    } catch (InterruptedException ignored) {
                        // the drain finished first
                    }
                }, "spool-writer-signal");
                stopper.setDaemon(true);
                stopper.start();
                WriterStats stats;
                try {
                    stats = writer.drain();
                } catch (IllegalStateException e) {
                    if (stop.getCount() == 0) {
                        writer.close();
                        return 0; // stopped by a signal: what was read is committed
                    }
                    throw e;
                }
                writer.close();
                LOG.info("drained: {} rows, {} rejected, {} duplicates dropped, {} files, checkpoint {}",
                        stats.rowsCommitted(), stats.rejectedRowsCommitted(), stats.duplicatesDropped(),
                        stats.filesCommitted(), stats.checkpointIndex());
                return 0;
            }
            writer.start();
            if (metrics != null) {
                LOG.info("metrics on port {}", metrics.port());
            }
            java.util.concurrent.atomic.AtomicReference<Throwable> fatal = new java.util.concurrent.atomic.AtomicReference<>();
            writer.terminated().whenComplete((done, e) -> {
                fatal.set(e);
                stop.countDown();
            });
            stop.await();
            if (fatal.get() != null) {
                return 1; // the writer said why, once; a restart resumes after its last commit
            }
            LOG.info("stopping: committing what was read");
            writer.close();
            return 0;
        } catch (RuntimeException e) {
            // bad settings and unreachable stores are the user's to fix: one line, no stack trace
            LOG.error("cannot run: {}", e instanceof IllegalStateException || e instanceof IllegalArgumentException
                    ? e.getMessage() : io.spool.writer.internal.Lake.rootMessage(e));
            LOG.debug("cannot run", e);
            return 1;
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.bytes(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class CompressionConverter implements CommandLine.ITypeConverter<Compression> {
        @Override
        public Compression convert(String value) {
            try {
                return Compression.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" is not one of zstd, snappy, gzip, none");
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StorageWriterMain.class.getPackage().getImplementationVersion();
            return new String[] {"spool-storage-writer " + (v == null ? "dev" : v)};
        }
    }
}
