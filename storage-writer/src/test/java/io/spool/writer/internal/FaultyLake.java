package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.testsupport.DuckDb;
import io.spool.writer.TestLake;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A writer on a journal and an embedded lake whose stores fail as a {@link FaultPlan} says (data files,
 * metadata files, the catalog's database, the writer's own state), and what a user checks afterwards:
 * the rows the tables reference, the files in their data folders, the writer's state beside the journal.
 */
final class FaultyLake implements AutoCloseable {
    static final String WRITER = "faults";

    final Path journalDir;
    final Path lake;
    /** The catalog as another Iceberg client opens it, to read what the tables hold; opened once. */
    private Catalog reader;

    FaultyLake(Path dir) throws IOException {
        this.journalDir = dir.resolve("journal");
        this.lake = dir.resolve("lake");
        Files.createDirectories(lake);
    }

    /** A writer whose stores fail as {@code plan} says, committing on each drain; retries after 10 ms, up to 40 ms. */
    WriterLoop writer(FaultPlan plan, WriterMetrics metrics) {
        return writer(plan, Duration.ofMillis(10), Duration.ofMillis(40), metrics);
    }

    /** A writer whose stores fail as {@code plan} says, committing on each drain, backing off as given. */
    WriterLoop writer(FaultPlan plan, Duration firstBackoff, Duration maxBackoff, WriterMetrics metrics) {
        LakeSettings settings = new LakeSettings(
                lake.toString(),
                null,
                FailingCatalogDriver.uri(plan, lake.resolve(Lake.EMBEDDED_CATALOG_FILE)),
                "lake",
                Map.of("io-impl", FailingFileIO.class.getName(), FailingFileIO.PLAN, plan.id()),
                TableIdentifier.of("spool", "events"),
                WRITER);
        WriterConfig config = new WriterConfig(
                journalDir,
                null,
                settings,
                WRITER,
                Duration.ofHours(1),
                1_000_000,
                512L << 20,
                CompressionCodecName.ZSTD,
                Duration.ofHours(24),
                Duration.ZERO,
                2,
                WriterConfig.Upkeep.OFF,
                Clock.systemUTC(),
                DedupIndex.defaultMaxBytes());
        return new WriterLoop(
                config,
                metrics,
                new WriterLoop.Seams(store -> new FailingOutputStore(store, plan), plan, firstBackoff, maxBackoff));
    }

    private Table table(String name) {
        if (reader == null) {
            reader = TestLake.catalog(lake);
        }
        return reader.loadTable(TableIdentifier.of("spool", name));
    }

    /** The data files the table's current snapshot references. */
    List<String> referenced(String name) throws IOException {
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table(name).newScan().planFiles()) {
            tasks.forEach(t -> files.add(t.file().location()));
        }
        return files;
    }

    /**
     * The rows of the table, read by DuckDB from exactly the files it references, as each of
     * {@code selects}' first column (one catalog read and one DuckDB query for all).
     */
    long[] count(String table, String... selects) throws Exception {
        List<String> files = referenced(table);
        long[] counts = new long[selects.length];
        if (files.isEmpty()) {
            return counts;
        }
        Map<String, Object> row = DuckDb.query(
                        "SELECT " + String.join(", ", selects) + " FROM " + DuckDb.parquetFiles(files))
                .get(0);
        int i = 0;
        for (Object v : row.values()) {
            counts[i++] = ((Number) v).longValue();
        }
        return counts;
    }

    /** Every file in the table's data folder. */
    List<String> inDataFolder(String table) throws IOException {
        Path folder = lake.resolve("spool").resolve(table).resolve("data");
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    /** Files in the data folder that the table does not reference. */
    List<String> unreferenced(String table) throws IOException {
        List<String> files = new ArrayList<>(inDataFolder(table));
        files.removeAll(referenced(table));
        return files;
    }

    /** Temporaries (of a data file, of a dedup segment) anywhere in the lake or the writer's state. */
    List<String> temporaries() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(lake, journalDir.resolve("writer"))) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.getFileName().toString().endsWith(".tmp")).forEach(p -> found.add(p.toString()));
            }
        }
        return found;
    }

    /** The summary of the newest snapshot this writer left in {@code table} (empty when none). */
    Map<String, String> summary(String table) {
        Table t = table(table);
        for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
            if (WRITER.equals(s.summary().get(Committer.WRITER_ID))
                    && s.summary().containsKey(Committer.COMMIT)) {
                return s.summary();
            }
        }
        return Map.of();
    }

    private static long number(Map<String, String> summary, String key) {
        return Long.parseLong(summary.getOrDefault(key, "-1"));
    }

    Path stateDir() {
        return journalDir.resolve("writer").resolve(WRITER);
    }

    @Override
    public void close() throws IOException {
        if (reader instanceof java.io.Closeable c) {
            c.close();
        }
    }

    /** The writer's local copy of its positions. */
    Properties positionsFile() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(stateDir().resolve("positions"))) {
            p.load(in);
        }
        return p;
    }

    /** The published dedup segments, as their events ranges {first, last}. */
    List<long[]> segments() throws IOException {
        List<long[]> ranges = new ArrayList<>();
        try (Stream<Path> files = Files.list(stateDir().resolve("dedup"))) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".ids"))
                    .forEach(n -> {
                        String[] r = n.substring(0, n.length() - 4).split("-");
                        ranges.add(new long[] {Long.parseLong(r[0]), Long.parseLong(r[1])});
                    });
        }
        return ranges;
    }

    /**
     * The writer's state agrees with its tables: the positions copy says what the snapshots say, and
     * covers the whole journal; no commit is noted as in progress; every dedup segment is of a commit
     * the table holds.
     */
    void assertStateMatchesTables(long lastEventIndex, long lastDeadLetterIndex) throws IOException {
        Properties positions = positionsFile();
        Map<String, String> eventsSummary = summary("events");
        Map<String, String> rejectedSummary = summary("rejected");
        long events = number(eventsSummary, Committer.EVENTS_INDEX);
        assertThat(events).as("the events table's position").isEqualTo(lastEventIndex);
        assertThat(number(rejectedSummary, Committer.DEAD_LETTERS_INDEX))
                .as("the rejected table's position")
                .isEqualTo(lastDeadLetterIndex);
        assertThat(Long.parseLong(positions.getProperty("events")))
                .as("positions copy, events")
                .isEqualTo(events);
        assertThat(Long.parseLong(positions.getProperty("deadLetters")))
                .as("positions copy, dead letters")
                .isEqualTo(lastDeadLetterIndex);
        assertThat(Long.parseLong(positions.getProperty("commit")))
                .as("positions copy, commit")
                .isEqualTo(
                        Math.max(number(eventsSummary, Committer.COMMIT), number(rejectedSummary, Committer.COMMIT)));
        assertThat(stateDir().resolve("commit-intent"))
                .as("a commit noted as in progress")
                .doesNotExist();
        assertThat(segments())
                .as("dedup segments reaching past the committed position")
                .allSatisfy(r -> assertThat(r[1]).isLessThanOrEqualTo(events));
    }
}
