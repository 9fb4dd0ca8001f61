package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.DuckDb;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake as an Iceberg table: what another engine finds in its metadata, many writers, schema evolution. */
class LakeTableTest {
    @TempDir
    Path dir;

    private static final long DAY1 = Instant.parse("2026-06-01T10:00:00Z").toEpochMilli();
    private static final long DAY2 = Instant.parse("2026-06-02T10:00:00Z").toEpochMilli();

    @Test
    void filesCarryFieldIdsAndEveryEntryColumnMetricsSoATimestampFilterPrunes() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(
                    journal,
                    TestJournal.track("a", DAY1).timestamp(DAY1),
                    TestJournal.track("b", DAY1 + 1).timestamp(DAY1 + 60_000));
            TestJournal.append(journal, TestJournal.track("c", DAY2).timestamp(DAY2));
        }
        try (StorageWriter w = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .build()) {
            assertThat(w.drain().filesCommitted()).isEqualTo(2);
        }
        Table table = TestLake.table(lake, "events");
        assertThat(table.spec().fields()).singleElement().hasToString("1000: timestamp_day: day(9)");
        assertThat(((org.apache.iceberg.HasTableOperations) table)
                        .operations()
                        .current()
                        .formatVersion())
                .isEqualTo(2);
        Snapshot snapshot = table.currentSnapshot();
        assertThat(snapshot.summary())
                .containsEntry("spool.writer-id", "w1")
                .containsKey("spool.events-index")
                .containsEntry("added-records", "3");

        int tsId = table.schema().findField("timestamp").fieldId();
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks =
                table.newScan().includeColumnStats().planFiles()) {
            tasks.forEach(t -> files.add(t.file()));
        }
        assertThat(files).hasSize(2).allSatisfy(f -> {
            assertThat(f.recordCount()).isPositive();
            assertThat(f.valueCounts()).containsKey(tsId);
            assertThat(f.nullValueCounts()).containsKey(tsId);
            assertThat(f.lowerBounds()).containsKey(tsId);
            assertThat(f.upperBounds()).containsKey(tsId);
        });
        DataFile day1 =
                files.stream().filter(f -> f.recordCount() == 2).findFirst().orElseThrow();
        long lower = Conversions.fromByteBuffer(
                Types.TimestampType.withZone(), day1.lowerBounds().get(tsId));
        long upper = Conversions.fromByteBuffer(
                Types.TimestampType.withZone(), day1.upperBounds().get(tsId));
        assertThat(lower).isEqualTo(DAY1 * 1000);
        assertThat(upper).isEqualTo((DAY1 + 60_000) * 1000);

        // a filter on the event's timestamp plans only the files of that day
        try (CloseableIterable<FileScanTask> tasks = table.newScan()
                .filter(Expressions.greaterThanOrEqual("timestamp", "2026-06-02T00:00:00+00:00"))
                .planFiles()) {
            assertThat(tasks)
                    .singleElement()
                    .satisfies(t -> assertThat(t.file().recordCount()).isEqualTo(1));
        }
        // and a reader of the files alone sees the ids: DuckDB's view of the Parquet schema
        assertThat(DuckDb.query("SELECT name, field_id FROM parquet_schema('" + day1.location()
                        + "') WHERE name IN ('message_id', 'timestamp') ORDER BY name"))
                .extracting(m -> m.get("name") + "=" + m.get("field_id"))
                .containsExactly(
                        "message_id=" + table.schema().findField("message_id").fieldId(), "timestamp=" + tsId);
    }

    @Test
    void twoWritersEachWithItsJournalFillOneTableConcurrentlyNothingLostNothingDoubled() throws Exception {
        Path lake = dir.resolve("lake");
        int perWriter = 4_000;
        List<Journal> journals =
                List.of(Journal.open(dir.resolve("journal-a")), Journal.open(dir.resolve("journal-b")));
        List<StorageWriter> writers = new ArrayList<>();
        try {
            for (int w = 0; w < 2; w++) {
                writers.add(StorageWriter.builder()
                        .journal(journals.get(w))
                        .output(lake)
                        .writerId("host-" + (char) ('a' + w))
                        .rollInterval(Duration.ofMillis(50))
                        .rollRows(100)
                        .build()
                        .start());
            }
            List<CompletableFuture<Void>> traffic = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Journal journal = journals.get(w);
                String host = "host-" + (char) ('a' + w);
                traffic.add(CompletableFuture.runAsync(() -> {
                    for (int r = 0; r < perWriter / 20; r++) {
                        EventRecord[] batch = new EventRecord[20];
                        for (int i = 0; i < 20; i++) {
                            int n = r * 20 + i;
                            batch[i] = TestJournal.track(host + "-" + n, DAY1 + n);
                        }
                        TestJournal.append(journal, batch);
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                    }
                }));
            }
            CompletableFuture.allOf(traffic.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (StorageWriter w : writers) {
                w.drain();
            }
            assertThat(writers)
                    .allSatisfy(w -> assertThat(w.stats().commits())
                            .as("commits of %s", w.writerId())
                            .isGreaterThan(10));
        } finally {
            writers.forEach(StorageWriter::close);
            journals.forEach(Journal::close);
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(2L * perWriter);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(2L * perWriter);
        Table table = TestLake.table(lake, "events");
        long rows = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                rows += t.file().recordCount();
            }
        }
        assertThat(rows).as("rows the table references").isEqualTo(2L * perWriter);
        List<String> ids = new ArrayList<>();
        for (Snapshot s : table.snapshots()) {
            ids.add(s.summary().get("spool.writer-id"));
        }
        assertThat(ids).contains("host-a", "host-b");
    }

    @Test
    void aWriterIdThatAnotherJournalCommitsUnderIsRefused() throws Exception {
        Path lake = dir.resolve("lake");
        for (String j : List.of("journal-a", "journal-b")) {
            try (Journal journal = Journal.open(dir.resolve(j))) {
                TestJournal.append(journal, TestJournal.track(j + "-1", DAY1));
            }
        }
        try (StorageWriter w = StorageWriter.builder()
                .journalDir(dir.resolve("journal-a"))
                .output(lake)
                .writerId("web1")
                .build()) {
            assertThat(w.drain().rowsCommitted()).isEqualTo(1);
        }
        // a copied --writer-id on a second host: its journal would resume from the first host's position
        StorageWriter copy = StorageWriter.builder()
                .journalDir(dir.resolve("journal-b"))
                .output(lake)
                .writerId("web1")
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(copy::drain)
                .hasMessageContaining("writer id \"web1\" already commits to this table from another journal");
        copy.close();
        // and with no id given, a journal keeps the one its first run chose
        StorageWriter first = StorageWriter.builder()
                .journalDir(dir.resolve("journal-b"))
                .output(lake)
                .build();
        StorageWriter second = StorageWriter.builder()
                .journalDir(dir.resolve("journal-b"))
                .output(lake)
                .build();
        assertThat(second.writerId()).isEqualTo(first.writerId());
        first.close();
        second.close();
    }

    @Test
    void aTableFromAnOlderVersionGainsTheNewColumnWithoutItsFilesBeingRewritten() throws Exception {
        Path lake = dir.resolve("lake");
        // the table as an older Spool made it: without context_user_agent, with one file of its own
        Schema current = io.spool.writer.internal.LakeSchemas.EVENTS;
        Schema older = new Schema(current.columns().stream()
                .filter(f -> !f.name().equals("context_user_agent"))
                .toList());
        String oldFile;
        Catalog catalog = TestLake.catalogCreatingItsTables(lake);
        try {
            ((SupportsNamespaces) catalog).createNamespace(Namespace.of("spool"));
            Table table = catalog.buildTable(TableIdentifier.of("spool", "events"), older)
                    .withPartitionSpec(
                            PartitionSpec.builderFor(older).day("timestamp").build())
                    .withProperty("format-version", "2")
                    .create();
            oldFile = table.locationProvider().newDataLocation("old-0.parquet");
            GenericRecord row = GenericRecord.create(older);
            row.setField("message_id", "old-1");
            row.setField("type", "track");
            row.setField("timestamp", OffsetDateTime.ofInstant(Instant.ofEpochMilli(DAY1), ZoneOffset.UTC));
            row.setField("received_at", OffsetDateTime.ofInstant(Instant.ofEpochMilli(DAY1), ZoneOffset.UTC));
            FileAppender<GenericRecord> appender = Parquet.write(table.io().newOutputFile(oldFile))
                    .schema(older)
                    .createWriterFunc(type -> GenericParquetWriter.create(older, type))
                    .build();
            try (appender) {
                appender.add(row);
            }
            DataFile file = DataFiles.builder(table.spec())
                    .withPath(oldFile)
                    .withFormat(FileFormat.PARQUET)
                    .withPartitionPath("timestamp_day=2026-06-01")
                    .withFileSizeInBytes(java.nio.file.Files.size(Path.of(oldFile)))
                    .withMetrics(appender.metrics())
                    .build();
            table.newAppend().appendFile(file).commit();
        } finally {
            ((java.io.Closeable) catalog).close();
        }

        Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(
                    journal, TestJournal.track("new-1", DAY1).timestamp(DAY1).userAgent("Mozilla/5.0"));
        }
        try (StorageWriter w = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .build()) {
            assertThat(w.drain().rowsCommitted()).isEqualTo(1);
        }
        Table table = TestLake.table(lake, "events");
        assertThat(table.schema().findField("context_user_agent"))
                .as("the column the newer writer added")
                .isNotNull();
        assertThat(TestLake.currentFiles(lake, "events"))
                .as("the old file is still the table's, not rewritten")
                .contains(oldFile)
                .hasSize(2);
        assertThat(DuckDb.query(
                        "SELECT message_id, context_user_agent FROM read_parquet('" + lake.resolve("spool/events/data")
                                + "/**/*.parquet', union_by_name = true) ORDER BY message_id"))
                .extracting(m -> m.get("message_id") + ":" + m.get("context_user_agent"))
                .containsExactly("new-1:Mozilla/5.0", "old-1:null");
    }
}
