package io.spool.writer;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.spool.config.Durations;
import io.spool.config.Setting;
import io.spool.journal.Journal;
import io.spool.writer.internal.LakeSettings;
import io.spool.writer.internal.WriterConfig;
import io.spool.writer.internal.WriterLoop;
import io.spool.writer.internal.WriterMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Rolls the journal into Apache Iceberg tables of Parquet files ({@code spool.events} and
 * {@code spool.rejected} by default), exactly once: a crash at any point leaves every journal record in
 * exactly one committed row. Many writers, each with its own journal and writer id, may fill one table.
 *
 * <pre>{@code
 * StorageWriter writer = StorageWriter.builder()
 *         .journalDir(Path.of("data/journal"))
 *         .output("data/lake")            // the warehouse; an embedded catalog lives there by default
 *         .build();
 * writer.start();   // tails the journal on a background thread
 * ...
 * writer.drain();   // blocks until everything the journal holds now is committed
 * writer.close();   // commits what it has and stops
 * }</pre>
 *
 * <p>All reading and writing happens on one background thread that the writer owns; the methods here
 * only hand it requests and are safe to call from any thread. Only one writer per writer id may run
 * on a journal at a time (a lock file in {@code <journal>/writer/<id>/} enforces it).
 */
public final class StorageWriter implements Closeable {
    private final WriterConfig config;
    private final WriterMetrics metrics = new WriterMetrics();
    private final WriterLoop loop;

    private StorageWriter(WriterConfig config) {
        this.config = config;
        this.loop = new WriterLoop(config, metrics);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts tailing the journal on the writer's thread, committing on the roll interval, row count or
     * byte size, whichever comes first.
     *
     * @throws IllegalStateException when the journal or output cannot be opened or another writer with
     *     this id holds the journal
     */
    public StorageWriter start() {
        try {
            loop.start(true);
        } catch (CompletionException e) {
            throw failure(e);
        }
        return this;
    }

    /**
     * Writes and commits everything the journal holds at the time of the call, then returns. Works
     * whether or not {@link #start()} was called; without it, the writer reads no further than that.
     */
    public WriterStats drain() {
        try {
            if (!loop.isStarted()) {
                loop.start(false);
            }
            return loop.requestDrain().join();
        } catch (CompletionException e) {
            throw failure(e);
        }
    }

    /**
     * Runs the tables' upkeep now, on the writer's thread, and returns when it is done: small files of
     * this writer compacted, old snapshots expired, and (at most once a day) unreferenced old files
     * removed. Runs even when the periodic upkeep is off ({@code upkeepInterval} zero). Commits wait
     * while it runs. Works whether or not {@link #start()} was called.
     *
     * @throws IllegalStateException when the upkeep failed (nothing is lost: it is tried again later)
     */
    public void upkeep() {
        try {
            if (!loop.isStarted()) {
                loop.start(false);
            }
            loop.requestUpkeep().join();
        } catch (CompletionException e) {
            throw failure(e);
        }
    }

    private static RuntimeException failure(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(String.valueOf(cause), cause);
    }

    /**
     * Completes when the writer's thread has stopped: normally after {@link #close()}, exceptionally
     * with the {@link VirtualMachineError} (an {@code OutOfMemoryError}) that stopped it. Such an error is
     * not retried: the writer logs it once and stops, and whoever runs it should end the process and
     * start it again (the command line exits 1); it resumes after its last commit.
     */
    public java.util.concurrent.CompletionStage<Void> terminated() {
        return loop.terminated().minimalCompletionStage();
    }

    /** Progress so far; cheap, from any thread. */
    public WriterStats stats() {
        return loop.stats();
    }

    /**
     * Whether the writer is committing, or idle with nothing waiting (its {@code GET /health}); cheap,
     * from any thread. See {@link WriterHealth} for when it is not.
     */
    public WriterHealth health() {
        return loop.health();
    }

    /** The writer's Prometheus metrics (lag, rows and files committed, commit duration). */
    public PrometheusRegistry metricsRegistry() {
        return metrics.registry();
    }

    /** Writes the metrics in the Prometheus text format. */
    public void writeMetrics(OutputStream out) throws IOException {
        metrics.writeText(out);
    }

    public String writerId() {
        return config.writerId();
    }

    /**
     * Commits what the writer has read and stops its thread. Idempotent. When that last commit fails, the
     * records stay in the journal (the next start writes them) and {@link #uncommittedOnClose()} says why.
     */
    @Override
    public void close() {
        loop.requestClose().join();
    }

    /** After {@link #close()}: why what was read could not be committed, or null when all of it was. */
    String uncommittedOnClose() {
        return loop.closeFailure();
    }

    /**
     * Settings of a writer. Defaults and rules are {@link WriterSettings}' (the command line's); a bad
     * value fails in {@link #build()}, naming the method and the value.
     */
    public static final class Builder {
        private Path journalDir;
        private Journal journal;
        private String output;
        private String writerId;
        private String table = WriterSettings.TABLE.defaultValue();
        private String catalogType;
        private String catalogUri;
        private String catalogName = WriterSettings.CATALOG_NAME.defaultValue();
        private final java.util.Map<String, String> catalogProperties = new java.util.LinkedHashMap<>();
        private WriterConfig.Upkeep upkeep = WriterConfig.Upkeep.DEFAULT;
        private Duration rollInterval = WriterSettings.ROLL_INTERVAL.defaultValue();
        private long rollRows = WriterSettings.ROLL_ROWS.defaultValue();
        private long rollBytes = WriterSettings.ROLL_BYTES.defaultValue();
        private Compression compression = WriterSettings.COMPRESSION.defaultValue();
        private Duration dedupWindow = WriterSettings.DEDUP_WINDOW.defaultValue();
        private Long dedupMemory;
        private Duration retention = WriterSettings.RETENTION.defaultValue();
        private Clock clock = Clock.systemUTC();
        private int writerThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int drainAttempts = WriterSettings.DRAIN_ATTEMPTS.defaultValue();

        private Builder() {}

        /** The journal folder (the collector's {@code --journal-dir}); opened by the writer. */
        public Builder journalDir(Path dir) {
            this.journalDir = Objects.requireNonNull(dir, "journalDir");
            return this;
        }

        /**
         * An already open journal to read, for running collector and writer in one JVM. The writer
         * does not close it.
         */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * The warehouse: a local folder, {@code hdfs://…} or {@code s3://bucket/path}. Tables are created
         * under it ({@code <warehouse>/spool/events}), and the embedded catalog keeps its database there.
         */
        public Builder output(String location) {
            this.output = Objects.requireNonNull(location, "output");
            return this;
        }

        public Builder output(Path folder) {
            return output(folder.toAbsolutePath().toString());
        }

        /**
         * Names this writer in its files' names and in the snapshots it commits (where its journal
         * position is kept); unique among the writers sharing a table. Letters, digits, {@code -} and
         * {@code _}. Defaults to the host name of the first run on this journal (kept beside it).
         */
        public Builder writerId(String id) {
            this.writerId = Objects.requireNonNull(id, "writerId");
            return this;
        }

        /** The events table, {@code namespace.name}; the dead-letter table is {@code rejected} in the same namespace. Default {@code spool.events}. */
        public Builder table(String name) {
            this.table = Objects.requireNonNull(name, "table");
            return this;
        }

        /**
         * The Iceberg catalog type: {@code jdbc} (the default: with no URI an embedded SQLite database in
         * the warehouse, safe for the writers of one machine; with {@code jdbc:postgresql://…} for many
         * hosts), {@code hadoop} (HDFS; refused on object stores and for a second writer on a local disk)
         * or {@code rest}.
         */
        public Builder catalogType(String type) {
            this.catalogType = Objects.requireNonNull(type, "catalogType");
            return this;
        }

        /** The catalog's URI (Iceberg's {@code uri} property): a JDBC URL or a REST endpoint. */
        public Builder catalogUri(String uri) {
            this.catalogUri = Objects.requireNonNull(uri, "catalogUri");
            return this;
        }

        /** The catalog's name: readers of a JDBC catalog must use the same one. Default {@code lake}. */
        public Builder catalogName(String name) {
            this.catalogName = Objects.requireNonNull(name, "catalogName");
            return this;
        }

        /** An Iceberg catalog property passed as it is ({@code jdbc.user}, {@code s3.endpoint}, {@code io-impl}, …). */
        public Builder catalogProperty(String key, String value) {
            catalogProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How often the writer compacts small files, expires snapshots and removes orphans; zero turns it off. Default 10 min. */
        public Builder upkeepInterval(Duration interval) {
            Objects.requireNonNull(interval, "upkeepInterval");
            this.upkeep = new WriterConfig.Upkeep(
                    interval,
                    upkeep.snapshotRetention(),
                    upkeep.smallFileBytes(),
                    upkeep.openPartitionFiles(),
                    upkeep.orphanAge());
            return this;
        }

        /** Snapshots older than this are expired; time travel reaches back this far. Default 1 day (each commit rewrites the table metadata, which lists every live snapshot). */
        public Builder snapshotRetention(Duration retention) {
            Objects.requireNonNull(retention, "snapshotRetention");
            this.upkeep = new WriterConfig.Upkeep(
                    upkeep.interval(),
                    retention,
                    upkeep.smallFileBytes(),
                    upkeep.openPartitionFiles(),
                    upkeep.orphanAge());
            return this;
        }

        /** Files nobody references and older than this are deleted by the upkeep. Default 3 days. */
        public Builder orphanAge(Duration age) {
            Objects.requireNonNull(age, "orphanAge");
            this.upkeep = new WriterConfig.Upkeep(
                    upkeep.interval(),
                    upkeep.snapshotRetention(),
                    upkeep.smallFileBytes(),
                    upkeep.openPartitionFiles(),
                    age);
            return this;
        }

        /** Commit at least this often while there is something to commit. Default 60 s. */
        public Builder rollInterval(Duration interval) {
            this.rollInterval = Objects.requireNonNull(interval, "rollInterval");
            return this;
        }

        /** Commit once this many rows are pending. Default 5,000,000. */
        public Builder rollRows(long rows) {
            this.rollRows = rows;
            return this;
        }

        /** Commit once this many journal bytes are pending. Default 512 MB. */
        public Builder rollBytes(long bytes) {
            this.rollBytes = bytes;
            return this;
        }

        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** Drop events whose message_id was written within this much receivedAt time before. Zero turns it off. Default 24 h. */
        public Builder dedupWindow(Duration window) {
            this.dedupWindow = Objects.requireNonNull(window, "dedupWindow");
            return this;
        }

        /**
         * The most heap the dedup window's message ids may take (24 bytes a slot, 40 to 80 bytes an id):
         * past it the oldest ids are dropped early, so the window is shorter than {@link #dedupWindow}
         * (the writer logs how much). Growing the table briefly needs half as much again. Default: a
         * quarter of the maximum heap.
         */
        public Builder dedupMemory(long bytes) {
            this.dedupMemory = bytes;
            return this;
        }

        /** Delete journal hours fully committed and older than this. Zero keeps them forever. Default 7 days. */
        public Builder retention(Duration retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * Threads that encode and compress Parquet, beside the one reading the journal. Default: the
         * number of cores, at most 4. They only work while there is a backlog to write.
         */
        public Builder writerThreads(int threads) {
            this.writerThreads = threads;
            return this;
        }

        /**
         * How many failed commit attempts in a row {@link #drain()} survives before it throws (the records
         * stay in the journal); between attempts the writer waits 0.5 s, doubling. The running writer
         * ({@link #start()}) never gives up. Default 6 (about 16 s of waiting).
         */
        public Builder drainAttempts(int attempts) {
            this.drainAttempts = attempts;
            return this;
        }

        /** The clock for roll intervals, retention and stamping undecodable records (tests set it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public StorageWriter build() {
            if (journalDir == null && journal == null) {
                throw new IllegalArgumentException("a journal folder (journalDir) or an open journal is required");
            }
            if (journalDir != null
                    && journal != null
                    && !journalDir
                            .toAbsolutePath()
                            .normalize()
                            .equals(journal.dir().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(
                        "journalDir " + journalDir + " is not the open journal's folder " + journal.dir());
            }
            if (output == null) {
                throw new IllegalArgumentException("an output folder or URI is required (output)");
            }
            check(WriterSettings.OUTPUT, "output", output);
            check(WriterSettings.TABLE, "table", table);
            check(WriterSettings.CATALOG_NAME, "catalogName", catalogName);
            check(WriterSettings.ROLL_INTERVAL, "rollInterval", rollInterval);
            check(WriterSettings.ROLL_ROWS, "rollRows", rollRows);
            check(WriterSettings.ROLL_BYTES, "rollBytes", rollBytes);
            check(WriterSettings.DEDUP_WINDOW, "dedupWindow", dedupWindow);
            if (dedupMemory != null) {
                check(WriterSettings.DEDUP_MEMORY, "dedupMemory", dedupMemory);
            }
            check(WriterSettings.RETENTION, "retention", retention);
            check(WriterSettings.WRITER_THREADS, "writerThreads", writerThreads);
            check(WriterSettings.UPKEEP_INTERVAL, "upkeepInterval", upkeep.interval());
            check(WriterSettings.SNAPSHOT_RETENTION, "snapshotRetention", upkeep.snapshotRetention());
            check(WriterSettings.ORPHAN_AGE, "orphanAge", upkeep.orphanAge());
            check(WriterSettings.DRAIN_ATTEMPTS, "drainAttempts", drainAttempts);
            String problem = orphanAgeProblem(upkeep.interval(), upkeep.orphanAge());
            if (problem != null) {
                throw new IllegalArgumentException(
                        "orphanAge(" + Durations.format(upkeep.orphanAge()) + "): " + problem);
            }
            if (writerId != null) {
                check(WriterSettings.WRITER_ID, "writerId", writerId);
            }
            String id =
                    writerId != null ? writerId : rememberedDefaultId(journalDir != null ? journalDir : journal.dir());
            org.apache.iceberg.catalog.TableIdentifier tableId =
                    org.apache.iceberg.catalog.TableIdentifier.parse(table);
            LakeSettings lake =
                    new LakeSettings(output, catalogType, catalogUri, catalogName, catalogProperties, tableId, id);
            return new StorageWriter(new WriterConfig(
                    journalDir,
                    journal,
                    lake,
                    id,
                    rollInterval,
                    rollRows,
                    rollBytes,
                    compression.codec(),
                    dedupWindow,
                    retention,
                    writerThreads,
                    upkeep,
                    clock,
                    dedupMemory != null ? dedupMemory : io.spool.writer.internal.DedupIndex.defaultMaxBytes(),
                    drainAttempts));
        }

        /**
         * The one rule that spans two settings: with upkeep on, a younger unreferenced file may belong to a
         * commit in progress. Null when fine. The command line asks the same.
         */
        static String orphanAgeProblem(Duration upkeepInterval, Duration orphanAge) {
            return !upkeepInterval.isZero() && orphanAge.compareTo(Duration.ofHours(1)) < 0
                    ? "must be at least 1h while upkeep runs: a younger unreferenced file may belong to a commit in"
                            + " progress"
                    : null;
        }

        /** The declared rule of {@code setting}, said in the builder's words: {@code rollRows(0): must be at least 1}. */
        private static <T> void check(Setting<T> setting, String method, T value) {
            try {
                if (value instanceof Duration d && d.isNegative()) {
                    // the command line never reads a negative duration; code may pass one
                    throw new IllegalArgumentException("must not be negative");
                }
                setting.validate(value);
            } catch (IllegalArgumentException e) {
                String shown = value instanceof String
                        ? "\"" + value + "\""
                        : value instanceof Duration d && d.isNegative()
                                ? d.toString()
                                : setting.type().format(value);
                throw new IllegalArgumentException(method + "(" + shown + "): " + e.getMessage() + " (" + setting.flag()
                        + " on the command line)");
            }
        }

        /**
         * The default writer id for a journal: the one chosen the first time a writer ran on it, kept in
         * {@code <journal>/writer/default-writer-id}, else the host name (then remembered). Remembered
         * because a container's host name changes with every run, and a new id would find no position
         * in the table and write the whole journal again.
         */
        static String rememberedDefaultId(Path journalDir) {
            Path file = journalDir.resolve("writer").resolve("default-writer-id");
            try {
                if (java.nio.file.Files.exists(file)) {
                    String kept = java.nio.file.Files.readString(file).trim();
                    if (isWriterId(kept)) {
                        return kept;
                    }
                }
                String id = defaultWriterId();
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.writeString(file, id + "\n");
                return id;
            } catch (IOException e) {
                throw new IllegalStateException("cannot keep the default writer id in " + file + ": " + e, e);
            }
        }

        private static boolean isWriterId(String id) {
            try {
                WriterSettings.WRITER_ID.validate(id);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** The host name with everything but letters, digits and underscores replaced by underscores. */
        static String defaultWriterId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e) {
                host = System.getenv().getOrDefault("HOSTNAME", "writer");
            }
            String id = host.replaceAll("[^A-Za-z0-9_]", "_");
            if (id.isEmpty()) {
                return "writer";
            }
            return id.length() > 64 ? id.substring(0, 64) : id;
        }
    }
}
