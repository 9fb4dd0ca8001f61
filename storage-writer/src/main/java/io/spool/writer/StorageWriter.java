package io.spool.writer;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
import java.util.regex.Pattern;

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

    /** Commits what the writer has read and stops its thread. Idempotent. */
    @Override
    public void close() {
        loop.requestClose().join();
    }

    /** Settings of a writer. Validated in {@link #build()}. */
    public static final class Builder {
        private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        private Path journalDir;
        private Journal journal;
        private String output;
        private String writerId;
        private String table = "spool.events";
        private String catalogType;
        private String catalogUri;
        private String catalogName = "lake";
        private final java.util.Map<String, String> catalogProperties = new java.util.LinkedHashMap<>();
        private WriterConfig.Upkeep upkeep = WriterConfig.Upkeep.DEFAULT;
        private Duration rollInterval = Duration.ofSeconds(60);
        private long rollRows = 5_000_000;
        private long rollBytes = 512L * 1024 * 1024;
        private Compression compression = Compression.ZSTD;
        private Duration dedupWindow = Duration.ofHours(24);
        private long dedupMemory;
        private Duration retention = Duration.ofDays(7);
        private Clock clock = Clock.systemUTC();
        private int writerThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

        private Builder() {
        }

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
            this.upkeep = new WriterConfig.Upkeep(interval, upkeep.snapshotRetention(), upkeep.smallFileBytes(),
                    upkeep.openPartitionFiles(), upkeep.orphanAge());
            return this;
        }

        /** Snapshots older than this are expired; time travel reaches back this far. Default 1 day (each commit rewrites the table metadata, which lists every live snapshot). */
        public Builder snapshotRetention(Duration retention) {
            Objects.requireNonNull(retention, "snapshotRetention");
            this.upkeep = new WriterConfig.Upkeep(upkeep.interval(), retention, upkeep.smallFileBytes(),
                    upkeep.openPartitionFiles(), upkeep.orphanAge());
            return this;
        }

        /** Files nobody references and older than this are deleted by the upkeep. Default 3 days. */
        public Builder orphanAge(Duration age) {
            Objects.requireNonNull(age, "orphanAge");
            this.upkeep = new WriterConfig.Upkeep(upkeep.interval(), upkeep.snapshotRetention(), upkeep.smallFileBytes(),
                    upkeep.openPartitionFiles(), age);
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
            if (bytes < 1 << 20) {
                throw new IllegalArgumentException("dedup memory must be at least 1MB, was " + bytes + " bytes");
            }
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

        /** The clock for roll intervals, retention and stamping undecodable records (tests set it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public StorageWriter build() {
            if (journalDir == null && journal == null) {
                throw new IllegalArgumentException("a journal folder (journalDir) or an open journal is required");
            }
            if (journalDir != null && journal != null && !journalDir.toAbsolutePath().normalize()
                    .equals(journal.dir().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("journalDir " + journalDir + " is not the open journal's folder "
                        + journal.dir());
            }
            if (output == null || output.isBlank()) {
                throw new IllegalArgumentException("an output folder or URI is required");
            }
            String id = writerId != null ? writerId : rememberedDefaultId(journalDir != null ? journalDir : journal.dir());
            if (!WRITER_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("writer id \"" + id + "\" must be 1 to 64 letters, digits,"
                        + " underscores or dashes");
            }
            if (rollInterval.isNegative() || rollInterval.isZero()) {
                throw new IllegalArgumentException("roll interval must be positive, was " + rollInterval);
            }
            if (rollRows < 1) {
                throw new IllegalArgumentException("roll rows must be at least 1, was " + rollRows);
            }
            if (rollBytes < 1) {
                throw new IllegalArgumentException("roll bytes must be at least 1, was " + rollBytes);
            }
            if (writerThreads < 1 || writerThreads > 64) {
                throw new IllegalArgumentException("writer threads must be 1 to 64, was " + writerThreads);
            }
            if (dedupWindow.isNegative()) {
                throw new IllegalArgumentException("dedup window must not be negative, was " + dedupWindow);
            }
            if (retention.isNegative()) {
                throw new IllegalArgumentException("retention must not be negative, was " + retention);
            }
            org.apache.iceberg.catalog.TableIdentifier tableId;
            if (!table.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+")) {
                throw new IllegalArgumentException("table \"" + table + "\" must be namespace.name (letters, digits,"
                        + " underscores), like spool.events");
            }
            tableId = org.apache.iceberg.catalog.TableIdentifier.parse(table);
            if (tableId.name().equals("rejected")) {
                throw new IllegalArgumentException("table \"" + table + "\" is the dead-letter table's name; pick another");
            }
            if (upkeep.interval().isNegative() || upkeep.snapshotRetention().isNegative() || upkeep.orphanAge().isNegative()) {
                throw new IllegalArgumentException("upkeep interval, snapshot retention and orphan age must not be negative");
            }
            if (!upkeep.interval().isZero() && upkeep.orphanAge().compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("orphan age must be at least 1h, was " + upkeep.orphanAge()
                        + ": a younger unreferenced file may belong to a commit in progress");
            }
            LakeSettings lake = new LakeSettings(output, catalogType, catalogUri, catalogName, catalogProperties, tableId, id);
            return new StorageWriter(new WriterConfig(journalDir, journal, lake, id, rollInterval, rollRows,
                    rollBytes, compression.codec(), dedupWindow, retention, writerThreads, upkeep, clock,
                    dedupMemory > 0 ? dedupMemory : io.spool.writer.internal.DedupIndex.defaultMaxBytes()));
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
                    if (WRITER_ID.matcher(kept).matches()) {
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
