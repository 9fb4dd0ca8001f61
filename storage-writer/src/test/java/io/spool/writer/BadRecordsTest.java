package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.BatchEncoder;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.testsupport.DuckDb;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadRecordsTest {
    @TempDir
    Path dir;

    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

    @Test
    void undecodableRecordsAndDeadLettersGoToRejectedAndTheGoodOnesNextToThemAreKept() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        try (Journal journal = Journal.open(journalDir)) {
            // one request: good, from a newer format version, corrupt, good
            byte[] good1 = encoded(TestJournal.track("good-1", T0));
            byte[] newer = encoded(TestJournal.track("newer", T0 + 1));
            newer[0] = 2; // format version byte
            byte[] corrupt = encoded(TestJournal.track("corrupt", T0 + 2));
            corrupt[34] = 0x7f; // message_id's length now points past the record
            byte[] good2 = encoded(TestJournal.track("good-2", T0 + 3));
            JournalAppender appender = journal.events().newAppender();
            appender.append(framed(good1, newer, corrupt, good2));
            // a request whose framing is broken after one good record
            byte[] good3 = encoded(TestJournal.track("good-3", T0 + 4));
            ByteBuffer broken = ByteBuffer.allocate(4 + good3.length + 7).order(ByteOrder.LITTLE_ENDIAN);
            broken.putInt(good3.length).put(good3).putInt(1_000_000).put(new byte[] {1, 2, 3});
            appender.append(broken.array());
            appender.close();

            DeadLetterRecord dl = new DeadLetterRecord()
                    .receivedAt(T0 + 5)
                    .batchIndex(3)
                    .reason("event is not an object")
                    .writeKey("wk")
                    .ip("198.51.100.1");
            dl.payload().set("[1,2]");
            TestJournal.appendDeadLetters(journal, dl);
        }

        try (StorageWriter w = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .build()) {
            WriterStats stats = w.drain();
            assertThat(stats.rowsCommitted()).isEqualTo(3);
            assertThat(stats.rejectedRowsCommitted()).isEqualTo(4);
        }
        assertThat(DuckDb.query("SELECT message_id FROM " + TestJournal.events(lake) + " ORDER BY 1"))
                .extracting(m -> m.get("message_id"))
                .containsExactly("good-1", "good-2", "good-3");
        List<Map<String, Object>> rejected = DuckDb.query("SELECT error, batch_index, write_key, ip,"
                + " try(decode(payload)) AS payload FROM " + TestJournal.rejected(lake) + " ORDER BY error");
        assertThat(rejected)
                .extracting(m -> (String) m.get("error"))
                .anySatisfy(e -> assertThat(e).contains("format version 2"))
                .anySatisfy(e -> assertThat(e).contains("corrupt length"))
                .anySatisfy(e -> assertThat(e).contains("corrupt record length"))
                .contains("event is not an object");
        assertThat(rejected)
                .filteredOn(m -> "event is not an object".equals(m.get("error")))
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .containsEntry("batch_index", 3)
                        .containsEntry("write_key", "wk")
                        .containsEntry("ip", "198.51.100.1")
                        .containsEntry("payload", "[1,2]"));

        // the next start does not trip over them again, nor write anything twice
        try (StorageWriter w = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .build()) {
            WriterStats stats = w.drain();
            assertThat(stats.rowsCommitted()).isZero();
            assertThat(stats.rejectedRowsCommitted()).isZero();
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.rejected(lake)))
                .isEqualTo(4);
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(3);
    }

    static byte[] encoded(io.spool.journal.EventRecord record) {
        byte[] all = new BatchEncoder().add(record).toByteArray();
        byte[] body = new byte[all.length - 4];
        System.arraycopy(all, 4, body, 0, body.length);
        return body;
    }

    /** One excerpt of {@code records} as they are (each prefixed with its length, as the journal frames them). */
    static byte[] framed(byte[]... records) {
        int size = 0;
        for (byte[] r : records) {
            size += 4 + r.length;
        }
        ByteBuffer excerpt = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] r : records) {
            excerpt.putInt(r.length).put(r);
        }
        return excerpt.array();
    }
}
