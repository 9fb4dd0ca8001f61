package io.spool.writer;

import io.spool.config.Logging;
import io.spool.config.Setting;
import io.spool.config.SettingsDef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every setting of {@code spool-storage-writer}, declared once: the command line's options,
 * {@code --help}, the {@code SPOOL_*} environment variables, the README's table (a test fails when the
 * README disagrees) and {@link StorageWriter.Builder}'s checks and defaults come from here.
 */
public final class WriterSettings {
    private WriterSettings() {}

    private static final Pattern WRITER_ID_PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern TABLE_PATTERN = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+");

    /** A count that may pass two billion (rows); underscores allowed ({@code 5_000_000}). */
    static final Setting.Type<Long> COUNT = new Setting.Type<>() {
        @Override
        public Long parse(String text) {
            try {
                return Long.parseLong(text.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
        }

        @Override
        public String label() {
            return "N";
        }
    };

    static final Setting.Type<Compression> COMPRESSION_TYPE = new Setting.Type<>() {
        @Override
        public Compression parse(String text) {
            try {
                return Compression.valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not one of zstd, snappy, gzip, none");
            }
        }

        @Override
        public String format(Compression value) {
            return value.name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String label() {
            return "zstd|snappy|gzip|none";
        }
    };

    public static final Setting<Path> JOURNAL_DIR = Setting.builder("journal-dir", Setting.PATH)
            .defaultText("(required)")
            .doc("the journal folder the collector appends to (the collector's `--journal-dir`); it must exist,"
                    + " unless `--create-journal`")
            .build();
    public static final Setting<Boolean> CREATE_JOURNAL = Setting.builder("create-journal", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("create `--journal-dir` when it is missing, for a writer that may start before its collector"
                    + " first runs; without it a missing folder (a typo) stops start-up with exit status 2")
            .build();
    public static final Setting<String> OUTPUT = Setting.builder("output", Setting.STRING)
            .defaultText("(required)")
            .label("PATH|URI")
            .check(v -> v.isBlank() ? "an empty location" : null)
            .doc("the warehouse: a folder, `hdfs://…` or `s3://bucket/path`; tables go under it"
                    + " (`<output>/spool/events`). A local folder is created, and written to once at start-up to"
                    + " prove the writer may")
            .build();
    public static final Setting<String> TABLE = Setting.builder("table", Setting.STRING)
            .defaultValue("spool.events")
            .label("NAMESPACE.NAME")
            .check(v -> !TABLE_PATTERN.matcher(v).matches()
                    ? "must be namespace.name (letters, digits, underscores), like spool.events"
                    : v.endsWith(".rejected") ? "that is the dead-letter table's name; pick another" : null)
            .doc("the events table, `namespace.name`; dead letters go to `<namespace>.rejected`")
            .build();
    public static final Setting<String> CATALOG_TYPE = Setting.builder("catalog-type", Setting.STRING)
            .defaultText("jdbc")
            .label("TYPE")
            .doc("Iceberg's catalog type: `jdbc` (without `--catalog-uri`, an embedded SQLite file in the warehouse,"
                    + " for the writers of one machine), `hadoop` (HDFS) or `rest`")
            .build();
    public static final Setting<String> CATALOG_URI = Setting.builder("catalog-uri", Setting.STRING)
            .defaultText("the embedded SQLite file")
            .label("URI")
            .doc("Iceberg's `uri`: `jdbc:postgresql://HOST/DB`, `jdbc:sqlite:FILE`, or a REST endpoint")
            .build();
    public static final Setting<String> CATALOG_NAME = Setting.builder("catalog-name", Setting.STRING)
            .defaultValue("lake")
            .label("NAME")
            .check(v -> v.isBlank() ? "an empty name" : null)
            .doc("the catalog's name; readers of a JDBC catalog must use the same one")
            .build();
    public static final Setting<List<String>> CATALOG_PROPERTY = Setting.builder("catalog-property", Setting.LIST)
            .defaultValue(List.of())
            .defaultText("none")
            .label("KEY=VALUE")
            .env("SPOOL_CATALOG_PROPERTIES")
            .check(v -> v.stream()
                    .filter(p -> p.indexOf('=') < 1)
                    .findFirst()
                    .map(p -> "'" + p + "' is not KEY=VALUE")
                    .orElse(null))
            .doc("an Iceberg catalog property as Iceberg names it (`jdbc.user=…`, `s3.endpoint=…`, `io-impl=…`);"
                    + " repeat the option (or separate with commas) for several")
            .build();
    public static final Setting<Duration> ROLL_INTERVAL = Setting.builder("roll-interval", Setting.DURATION)
            .defaultValue(Duration.ofSeconds(60))
            .check(Setting.durationAtLeast(Duration.ofMillis(1)))
            .doc("commit at least this often while there is data. Durations: `500ms`, `30s`, `5m`, `1h`, `7d`,"
                    + " `PT30S`")
            .build();
    public static final Setting<Long> ROLL_ROWS = Setting.builder("roll-rows", COUNT)
            .defaultValue(5_000_000L)
            .check(v -> v < 1 ? "must be at least 1" : null)
            .doc("commit once this many rows are pending")
            .build();
    public static final Setting<Long> ROLL_BYTES = Setting.builder("roll-bytes", Setting.SIZE)
            .defaultValue(512L << 20)
            .check(Setting.sizeBetween(1, Long.MAX_VALUE))
            .doc("commit once this much journal data is pending. Sizes: bytes, or `KB`/`MB`/`GB` (powers of" + " 1024)")
            .build();
    public static final Setting<Compression> COMPRESSION = Setting.builder("compression", COMPRESSION_TYPE)
            .defaultValue(Compression.ZSTD)
            .doc("Parquet page compression")
            .build();
    public static final Setting<Duration> DEDUP_WINDOW = Setting.builder("dedup-window", Setting.DURATION)
            .defaultValue(Duration.ofHours(24))
            .doc("drop an event whose `messageId` this writer already wrote within this much earlier `receivedAt`;"
                    + " `0s` turns deduplication off (compaction's too)")
            .build();
    public static final Setting<Long> DEDUP_MEMORY = Setting.builder("dedup-memory", Setting.SIZE)
            .defaultText("a quarter of -Xmx")
            .check(Setting.sizeBetween(1L << 20, Long.MAX_VALUE))
            .doc("the most heap the dedup window's ids may take (`256MB`, `1GB`); past it the oldest ids are dropped"
                    + " early and the writer logs the shorter window it still covers")
            .build();
    public static final Setting<Duration> RETENTION = Setting.builder("retention", Setting.DURATION)
            .defaultValue(Duration.ofDays(7))
            .doc("delete journal hour files that are fully committed and older than this; `0s` keeps them" + " forever")
            .build();
    public static final Setting<String> WRITER_ID = Setting.builder("writer-id", Setting.STRING)
            .label("ID")
            .defaultText("the host name of the first run on this journal")
            .check(v -> WRITER_ID_PATTERN.matcher(v).matches()
                    ? null
                    : "must be 1 to 64 letters, digits, underscores or dashes")
            .doc("names this writer's files and the snapshots that carry its journal position; unique among the"
                    + " writers of a table (letters, digits, `-`, `_`); an id that another journal already commits"
                    + " under is refused. The default is kept in `<journal-dir>/writer/default-writer-id`, so a"
                    + " container's changing host name does not change it")
            .build();
    public static final Setting<Integer> WRITER_THREADS = Setting.builder("writer-threads", Setting.INT)
            .defaultText("cores, at most 4")
            .check(Setting.between(1, 64))
            .doc("threads that encode and compress Parquet beside the one reading the journal")
            .build();
    public static final Setting<Duration> UPKEEP_INTERVAL = Setting.builder("upkeep-interval", Setting.DURATION)
            .defaultValue(Duration.ofMinutes(10))
            .doc("how often to compact small files, expire snapshots and remove orphan files; `0s` turns upkeep"
                    + " off")
            .build();
    public static final Setting<Duration> SNAPSHOT_RETENTION = Setting.builder("snapshot-retention", Setting.DURATION)
            .defaultValue(Duration.ofDays(1))
            .doc("expire snapshots older than this (time travel reaches back this far; every commit rewrites the"
                    + " metadata file that lists the live snapshots, so a long retention with frequent commits makes"
                    + " commits slower)")
            .build();
    public static final Setting<Duration> ORPHAN_AGE = Setting.builder("orphan-age", Setting.DURATION)
            .defaultValue(Duration.ofDays(3))
            .doc("delete files no snapshot references once older than this; at least `1h` while upkeep runs (a"
                    + " younger unreferenced file may belong to a commit in progress)")
            .build();
    public static final Setting<Integer> METRICS_PORT = Setting.builder("metrics-port", Setting.INT)
            .defaultValue(0)
            .defaultText("0 (off)")
            .check(Setting.between(0, 65_535))
            .label("PORT")
            .doc("serve Prometheus metrics on `http://0.0.0.0:PORT/metrics` and the writer's health on `/health`; a"
                    + " port in use stops start-up with exit status 2")
            .build();
    public static final Setting<Boolean> DRAIN = Setting.builder("drain", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("write everything the journal holds now, commit, exit 0 (batch use); exit 1 when a commit still"
                    + " fails after `--drain-attempts`")
            .build();
    public static final Setting<Integer> DRAIN_ATTEMPTS = Setting.builder("drain-attempts", Setting.INT)
            .defaultValue(6)
            .check(Setting.between(1, 100))
            .doc("with `--drain`, commit attempts before giving up (exit 1); between attempts the writer waits 0.5 s,"
                    + " then twice as long each time (the default gives up after about 16 s of waiting). The running"
                    + " writer never gives up: it keeps retrying, at most 30 s apart, until the output takes writes")
            .build();

    /** All of them, in the order {@code --help} and the README list them. */
    public static final SettingsDef ALL = SettingsDef.of(
            JOURNAL_DIR,
            CREATE_JOURNAL,
            OUTPUT,
            TABLE,
            CATALOG_TYPE,
            CATALOG_URI,
            CATALOG_NAME,
            CATALOG_PROPERTY,
            ROLL_INTERVAL,
            ROLL_ROWS,
            ROLL_BYTES,
            COMPRESSION,
            DEDUP_WINDOW,
            DEDUP_MEMORY,
            RETENTION,
            WRITER_ID,
            WRITER_THREADS,
            UPKEEP_INTERVAL,
            SNAPSHOT_RETENTION,
            ORPHAN_AGE,
            METRICS_PORT,
            DRAIN,
            DRAIN_ATTEMPTS,
            Logging.LOG_LEVEL,
            Logging.LOG_FORMAT);
}
