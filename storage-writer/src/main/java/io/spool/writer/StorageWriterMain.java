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
 * read and exits 0; {@code --drain} commits everything the journal holds now and exits 0.
 */
@Command(name = "spool-storage-writer", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = StorageWriterMain.Version.class,
        description = "Tails a Spool journal and rolls it into Hive-partitioned Parquet files, exactly once.",
        footer = "%nEvery option can also be set by the environment variable shown in brackets.")
public final class StorageWriterMain implements Callable<Integer> {
    @Option(names = "--journal-dir", required = true, defaultValue = "${env:SPOOL_JOURNAL_DIR}",
            description = "The journal folder the collector appends to [SPOOL_JOURNAL_DIR].")
    Path journalDir;

    @Option(names = "--output", required = true, defaultValue = "${env:SPOOL_OUTPUT}",
            description = "Output folder, or a Hadoop FileSystem URI (hdfs://, s3a://) when Hadoop's client jars are"
                    + " on the class path [SPOOL_OUTPUT].")
    String output;

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

    @Option(names = "--retention", defaultValue = "${env:SPOOL_RETENTION:-7d}", converter = DurationConverter.class,
            description = "Delete journal hours that are committed and older than this; 0s keeps them (default"
                    + " ${DEFAULT-VALUE}) [SPOOL_RETENTION].")
    Duration retention;

    @Option(names = "--writer-id", defaultValue = "${env:SPOOL_WRITER_ID}",
            description = "Names this writer's files and checkpoint; unique per output. Default: the host name"
                    + " [SPOOL_WRITER_ID].")
    String writerId;

    @Option(names = "--writer-threads", defaultValue = "${env:SPOOL_WRITER_THREADS}",
            description = "Threads encoding and compressing Parquet beside the journal reader. Default: the number"
                    + " of cores, at most 4 [SPOOL_WRITER_THREADS].")
    Integer writerThreads;

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
    }

    private static final Logger LOG = LoggerFactory.getLogger(StorageWriterMain.class);

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public static void main(String[] args) {
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
                .retention(retention);
        if (writerThreads != null) {
            builder.writerThreads(writerThreads);
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
            stop.await();
            LOG.info("stopping: committing what was read");
            writer.close();
            return 0;
        } catch (IllegalStateException | IllegalArgumentException e) {
            LOG.error("cannot run: {}", e.getMessage());
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
