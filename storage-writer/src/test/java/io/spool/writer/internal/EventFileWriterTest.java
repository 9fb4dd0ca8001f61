package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.BatchEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RecordView;
import io.spool.testsupport.DuckDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.UUID;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The column writers driven directly write the same table rows as parquet-java's record path did:
 * every type, present and absent optional fields and times, JSON, non-ASCII text; the same footer a
 * table's metrics come from. Read back with DuckDB, as a user reads the lake.
 */
class EventFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSameRowsAsTheRecordConsumerPath() throws Exception {
        Path direct = dir.resolve("direct.parquet");
        Path consumer = dir.resolve("consumer.parquet");
        writeBoth(records(20_000, false), direct, consumer);
        try (Connection c = DuckDb.connect();
                Statement s = c.createStatement()) {
            String a = "read_parquet('" + direct + "')";
            assertSameRows(s, a, "read_parquet('" + consumer + "')", 20_000);
            // what the generator made is what comes back: absent fields as NULL, times in microseconds
            assertThat(count(s, "SELECT count(*) FROM " + a + " WHERE sent_at IS NULL"))
                    .isBetween(9_000L, 11_000L);
            assertThat(count(s, "SELECT count(*) FROM " + a + " WHERE properties->>'$.name' = 'Zoë 🚀'"))
                    .isPositive();
            assertThat(count(s, "SELECT count(*) FROM " + a + " WHERE type = 'identify' AND traits IS NOT NULL"))
                    .isEqualTo(count(s, "SELECT count(*) FROM " + a + " WHERE type = 'identify'"));
            assertThat(count(s, "SELECT count(*) FROM " + a + " WHERE epoch_ms(received_at) = 1777777777000 + 3"))
                    .isEqualTo(1);
        }
    }

    /**
     * Several pages a column (20,000 rows each), and a statistics column whose dictionary pays on the first
     * page and then passes its 1 MB (unique user ids after row 20,000): the pages before keep the
     * dictionary, the rest are plain, as parquet-java decides.
     */
    @Test
    void manyPagesAndADictionaryThatOutgrowsItsLimitMidChunkReadTheSame() throws Exception {
        Path direct = dir.resolve("direct.parquet");
        Path consumer = dir.resolve("consumer.parquet");
        writeBoth(records(90_000, true), direct, consumer);
        try (Connection c = DuckDb.connect();
                Statement s = c.createStatement()) {
            String a = "read_parquet('" + direct + "')";
            assertSameRows(s, a, "read_parquet('" + consumer + "')", 90_000);
            assertThat(count(s, "SELECT count(DISTINCT user_id) FROM " + a)).isGreaterThan(40_000);
            assertThat(count(
                            s,
                            "SELECT count(*) FROM parquet_metadata('" + direct + "') WHERE path_in_schema"
                                    + " = 'user_id' AND encodings LIKE '%PLAIN_DICTIONARY%' AND regexp_matches(encodings,"
                                    + " '(^|, )PLAIN(,|$)')"))
                    .as("user_id: dictionary pages, then plain ones")
                    .isEqualTo(1);
        }
    }

    /** Writes the records with {@link EventFileWriter} and with parquet-java's record path; the footers agree. */
    private static void writeBoth(byte[] records, Path direct, Path consumer) throws Exception {
        RecordView view = new RecordView();
        ParquetMetadata footer;
        try (EventFileWriter writer =
                new EventFileWriter(new LocalOutputFile(direct), EventWriteSupport.SCHEMA, CompressionCodecName.ZSTD)) {
            forEach(records, view, writer::write);
            writer.close();
            footer = writer.footer();
        }
        ParquetMetadata theirs;
        try (ParquetWriter<RecordView> writer = ParquetSettings.open(
                new LocalOutputFile(consumer),
                new EventWriteSupport(),
                CompressionCodecName.ZSTD,
                EventWriteSupport.HIGH_CARDINALITY_COLUMNS,
                EventWriteSupport.NO_STATISTICS_COLUMNS)) {
            forEach(records, view, writer::write);
            writer.close();
            theirs = writer.getFooter();
        }
        assertThat(footer.getFileMetaData().getSchema()).isEqualTo(EventWriteSupport.SCHEMA);
        assertThat(footer.getBlocks()).hasSameSizeAs(theirs.getBlocks());
        for (int b = 0; b < footer.getBlocks().size(); b++) {
            BlockMetaData ours = footer.getBlocks().get(b);
            BlockMetaData parquet = theirs.getBlocks().get(b);
            assertThat(ours.getRowCount()).isEqualTo(parquet.getRowCount());
            for (int col = 0; col < ours.getColumns().size(); col++) {
                ColumnChunkMetaData o = ours.getColumns().get(col);
                ColumnChunkMetaData p = parquet.getColumns().get(col);
                String name = o.getPath().toDotString();
                // what a table's metrics and a reader's pruning come from
                assertThat(o.getStatistics()).as(name + " statistics").isEqualTo(p.getStatistics());
                assertThat(o.getValueCount()).as(name + " values").isEqualTo(p.getValueCount());
                assertThat(o.getEncodings()).as(name + " encodings").isEqualTo(p.getEncodings());
                assertThat(o.getEncodingStats().usesV2Pages()).isFalse();
                assertThat(o.getEncodingStats().hasDictionaryPages())
                        .as(name + " dictionary page")
                        .isEqualTo(p.getEncodingStats().hasDictionaryPages());
            }
        }
    }

    private static void assertSameRows(Statement s, String a, String b, long rows) throws Exception {
        assertThat(count(s, "SELECT count(*) FROM " + a)).isEqualTo(rows);
        assertThat(count(s, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ")"))
                .isZero();
        assertThat(count(s, "SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + ")"))
                .isZero();
    }

    private interface Sink {
        void write(RecordView r) throws Exception;
    }

    private static void forEach(byte[] records, RecordView view, Sink sink) throws Exception {
        int pos = 0;
        while (pos < records.length) {
            int len = (records[pos] & 0xff)
                    | (records[pos + 1] & 0xff) << 8
                    | (records[pos + 2] & 0xff) << 16
                    | (records[pos + 3] & 0xff) << 24;
            sink.write(view.wrap(records, pos + 4, len));
            pos += 4 + len;
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Records framed as in a journal excerpt ({@code int32 length, record}...). */
    private static byte[] records(int n, boolean uniqueUsers) {
        Random random = new Random(7);
        BatchEncoder encoder = new BatchEncoder(n * 400);
        EventType[] types = EventType.values();
        for (int i = 0; i < n; i++) {
            long receivedAt = 1_777_777_777_000L + 3 * i;
            EventType type = types[i % types.length];
            EventRecord r = new EventRecord()
                    .type(type)
                    .messageId(new UUID(random.nextLong(), random.nextLong()).toString())
                    .receivedAt(receivedAt)
                    .timestamp(receivedAt - random.nextInt(2000))
                    .writeKey("wk" + (i % 3))
                    .ip("203.0.113." + (i % 250))
                    .libraryName("analytics-java")
                    .libraryVersion("3.5.4");
            if (i % 2 == 0) {
                r.sentAt(receivedAt - 20).originalTimestamp(receivedAt - 900).userAgent("Mozilla/5.0 (X11; Linux)");
            }
            if (i % 3 != 0) {
                r.userId(
                        uniqueUsers && i >= 20_000
                                ? "user_" + new UUID(random.nextLong(), i)
                                : "user_" + random.nextInt(500));
            } else {
                r.anonymousId("anon-" + i);
            }
            switch (type) {
                case TRACK ->
                    r.event("Product Viewed " + (i % 7))
                            .properties()
                            .set("{\"price\":" + (i % 100) + ".5,\"name\":\"" + (i % 11 == 0 ? "Zoë 🚀" : "plain")
                                    + "\"}");
                case PAGE, SCREEN -> r.name("Home").properties().set("{\"path\":\"/p/" + (i % 40) + "\"}");
                case IDENTIFY -> r.traits().set("{\"plan\":\"pro\",\"n\":" + i + "}");
                case GROUP -> r.groupId("org_" + (i % 9)).traits().set("{\"employees\":12}");
                case ALIAS -> r.previousId("anon-" + (i - 1));
                default -> {}
            }
            r.context().set("{\"library\":{\"name\":\"analytics-java\"},\"locale\":\"en-US\"}");
            if (i % 10 == 0) {
                r.integrations().set("{\"All\":true}");
            }
            encoder.add(r);
        }
        return encoder.toByteArray();
    }
}
