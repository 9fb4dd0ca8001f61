package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {
    @TempDir
    Path dir;

    private static final long RECEIVED =
            Instant.parse("2026-03-14T15:09:26.535Z").toEpochMilli();

    @Test
    void everyFieldComesOutOfParquetAsItWentIntoTheJournal() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        EventRecord full = new EventRecord()
                .type(EventType.TRACK)
                .messageId("m-1")
                .userId("u-1")
                .anonymousId("a-1")
                .event("Order Completed 🛒")
                .receivedAt(RECEIVED)
                .timestamp(RECEIVED - 2500)
                .originalTimestamp(RECEIVED - 3000)
                .sentAt(RECEIVED - 500)
                .writeKey("wk")
                .ip("203.0.113.7")
                .libraryName("analytics-java")
                .libraryVersion("3.5.4")
                .userAgent("Mozilla/5.0 (X11; Linux)");
        full.properties().set("{\"revenue\":42.5,\"currency\":\"EUR\",\"items\":[{\"sku\":\"a\"}],\"note\":\"héllo\"}");
        full.traits().set("{\"plan\":\"pro\"}");
        full.context().set("{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},\"locale\":\"fr-FR\"}");
        full.integrations().set("{\"All\":true}");
        EventRecord page = new EventRecord()
                .type(EventType.PAGE)
                .messageId("m-2")
                .anonymousId("a-2")
                .name("Home")
                .receivedAt(RECEIVED + 1)
                .timestamp(RECEIVED + 1);
        EventRecord group = new EventRecord()
                .type(EventType.GROUP)
                .messageId("m-3")
                .userId("u-3")
                .groupId("g-3")
                .receivedAt(RECEIVED + 2)
                .timestamp(RECEIVED + 2);
        EventRecord alias = new EventRecord()
                .type(EventType.ALIAS)
                .messageId("m-4")
                .userId("u-4")
                .previousId("p-4")
                .receivedAt(RECEIVED + 3)
                .timestamp(RECEIVED + 3);
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(journal, full, page);
            TestJournal.append(journal, group, alias);
        }

        try (StorageWriter writer = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .build()) {
            WriterStats stats = writer.drain();
            assertThat(stats.rowsCommitted()).isEqualTo(4);
            assertThat(stats.filesCommitted()).isEqualTo(1);
        }

        try (Stream<Path> files = Files.walk(lake.resolve("spool/events/data"))) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(p -> lake.relativize(p).toString()))
                    .singleElement()
                    .asString()
                    .matches("spool/events/data/timestamp_day=2026-03-14/part-w1-\\d+-[0-9a-f]{8}\\.parquet");
        }

        List<Map<String, Object>> rows = DuckDb.query("SELECT message_id, type, event, name, user_id,"
                + " anonymous_id, group_id, previous_id, epoch_ms(timestamp) AS ts, epoch_ms(original_timestamp) AS ots,"
                + " epoch_ms(sent_at) AS sent, epoch_ms(received_at) AS recv, write_key, ip, properties::VARCHAR AS props,"
                + " traits::VARCHAR AS traits, context::VARCHAR AS ctx, integrations::VARCHAR AS integ,"
                + " context_library_name, context_library_version, context_user_agent, timestamp_day::VARCHAR AS day"
                + " FROM " + TestJournal.events(lake) + " ORDER BY message_id");
        assertThat(rows).hasSize(4);
        Map<String, Object> r = rows.get(0);
        assertThat(r)
                .containsEntry("message_id", "m-1")
                .containsEntry("type", "track")
                .containsEntry("event", "Order Completed 🛒")
                .containsEntry("user_id", "u-1")
                .containsEntry("anonymous_id", "a-1")
                .containsEntry("ts", RECEIVED - 2500)
                .containsEntry("ots", RECEIVED - 3000)
                .containsEntry("sent", RECEIVED - 500)
                .containsEntry("recv", RECEIVED)
                .containsEntry("write_key", "wk")
                .containsEntry("ip", "203.0.113.7")
                .containsEntry("props", full.properties().toString())
                .containsEntry("traits", "{\"plan\":\"pro\"}")
                .containsEntry("ctx", full.context().toString())
                .containsEntry("integ", "{\"All\":true}")
                .containsEntry("context_library_name", "analytics-java")
                .containsEntry("context_library_version", "3.5.4")
                .containsEntry("context_user_agent", "Mozilla/5.0 (X11; Linux)")
                .containsEntry("day", "2026-03-14");
        assertThat(r.get("name")).isNull();
        assertThat(r.get("group_id")).isNull();
        assertThat(rows.get(1))
                .containsEntry("type", "page")
                .containsEntry("name", "Home")
                .containsEntry("anonymous_id", "a-2");
        assertThat(rows.get(1).get("user_id")).isNull();
        assertThat(rows.get(1).get("props")).isNull();
        assertThat(rows.get(1).get("ots")).isNull();
        assertThat(rows.get(2)).containsEntry("type", "group").containsEntry("group_id", "g-3");
        assertThat(rows.get(3)).containsEntry("type", "alias").containsEntry("previous_id", "p-4");

        // JSON columns are text that JSON functions take (Iceberg has no JSON type), timestamps are timestamps
        assertThat(DuckDb.query("SELECT json_extract(properties, '$.revenue')::DOUBLE AS revenue,"
                                + " properties->>'$.currency' AS currency, context->'$.library'->>'$.name' AS lib,"
                                + " typeof(properties) AS jt, typeof(received_at) AS tt, year(timestamp) AS y"
                                + " FROM " + TestJournal.events(lake) + " WHERE message_id = 'm-1'")
                        .get(0))
                .containsEntry("revenue", 42.5)
                .containsEntry("currency", "EUR")
                .containsEntry("lib", "analytics-java")
                .containsEntry("jt", "VARCHAR")
                .containsEntry("tt", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("y", 2026L);
    }

    @Test
    void aRequestLargerThanTheReadBufferIsWrittenWhole() throws Exception {
        // one excerpt of ~450 KB: a client batch near the collector's 500 KB limit
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        EventRecord[] batch = new EventRecord[1500];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new EventRecord()
                    .type(EventType.TRACK)
                    .messageId("big-" + i)
                    .userId("u")
                    .event("Bulk")
                    .receivedAt(RECEIVED)
                    .timestamp(RECEIVED);
            batch[i].properties().set("{\"i\":" + i + ",\"pad\":\"" + "p".repeat(200) + "\"}");
        }
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(journal, batch);
        }
        try (StorageWriter writer = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .build()) {
            assertThat(writer.drain().rowsCommitted()).isEqualTo(batch.length);
        }
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(batch.length);
    }

    @Test
    void anObjectStoreOrHdfsWarehouseNeedsACatalogServerNotTheEmbeddedOne() {
        StorageWriter writer = StorageWriter.builder()
                .journalDir(dir.resolve("j"))
                .output("hdfs://namenode/lake")
                .writerId("w1")
                .build();
        assertThatThrownBy(writer::drain)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedded catalog")
                .hasMessageContaining("--catalog-uri");
        writer.close();
    }

    @Test
    void theHadoopCatalogIsRefusedOnS3AndForASecondWriterOnALocalDisk() {
        StorageWriter s3 = StorageWriter.builder()
                .journalDir(dir.resolve("j0"))
                .output("s3://bucket/lake")
                .catalogType("hadoop")
                .writerId("w0")
                .build();
        assertThatThrownBy(s3::drain)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not safe on an object store");
        s3.close();
        Path lake = dir.resolve("hadoop-lake");
        try (StorageWriter first = StorageWriter.builder()
                        .journalDir(dir.resolve("j1"))
                        .output(lake)
                        .catalogType("hadoop")
                        .writerId("w1")
                        .build()
                        .start();
                StorageWriter second = StorageWriter.builder()
                        .journalDir(dir.resolve("j2"))
                        .output(lake)
                        .catalogType("hadoop")
                        .writerId("w2")
                        .build()) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not safe for two writers on a local disk");
            assertThat(first.stats().commits()).isZero();
        }
    }

    @Test
    void anUnknownCatalogTypeNamesTheOnesThereAre() {
        StorageWriter writer = StorageWriter.builder()
                .journalDir(dir.resolve("j"))
                .output(dir.resolve("lake"))
                .catalogType("glue2")
                .writerId("w1")
                .build();
        assertThatThrownBy(writer::drain)
                .hasMessageContaining("unknown catalog type \"glue2\"")
                .hasMessageContaining("jdbc");
        writer.close();
    }

    @Test
    void aSecondWriterWithTheSameIdOnTheSameJournalRefusesToStart() {
        Path journalDir = dir.resolve("journal");
        try (StorageWriter first = StorageWriter.builder()
                        .journalDir(journalDir)
                        .output(dir.resolve("lake"))
                        .writerId("w1")
                        .build()
                        .start();
                StorageWriter second = StorageWriter.builder()
                        .journalDir(journalDir)
                        .output(dir.resolve("lake"))
                        .writerId("w1")
                        .build()) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another storage writer with the same writer id");
            assertThat(first.stats().rowsCommitted()).isZero();
        }
    }

    @Test
    void badSettingsFailAtBuildNamingTheValue() {
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .writerId("a b")
                        .build())
                .hasMessageContaining("\"a b\"");
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .table("events")
                        .build())
                .hasMessageContaining("namespace.name");
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .rollRows(0)
                        .build())
                .hasMessageContaining("rollRows(0)");
        assertThatThrownBy(() -> StorageWriter.builder().output(dir).build()).hasMessageContaining("journal");
    }
}
