package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.Deadline;
import io.spool.testsupport.DuckDb;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupAndPartitionTest {
    @TempDir
    Path dir;

    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

    private StorageWriter writer(Path journalDir, Path lake) {
        return StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .dedupWindow(Duration.ofHours(24))
                .build();
    }

    @Test
    void duplicateMessageIdsWithinTheWindowAreWrittenOnceAlsoAcrossARestart() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        try (Journal journal = Journal.open(journalDir)) {
            // a client retry inside one request, and one in a later request
            TestJournal.append(
                    journal,
                    TestJournal.track("a", T0),
                    TestJournal.track("b", T0 + 1),
                    TestJournal.track("a", T0 + 2));
            TestJournal.append(journal, TestJournal.track("b", T0 + 10), TestJournal.track("c", T0 + 11));
        }
        try (StorageWriter w = writer(journalDir, lake)) {
            WriterStats stats = w.drain();
            assertThat(stats.rowsCommitted()).isEqualTo(3);
            assertThat(stats.duplicatesDropped()).isEqualTo(2);
        }

        // restart: the window's ids come back from the committed state
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(journal, TestJournal.track("a", T0 + 3_600_000), TestJournal.track("d", T0 + 3_600_001));
            // outside the 24 h window: a new event with a reused id is written again
            TestJournal.append(
                    journal, TestJournal.track("c", T0 + Duration.ofHours(25).toMillis()));
        }
        try (StorageWriter w = writer(journalDir, lake)) {
            WriterStats stats = w.drain();
            assertThat(stats.rowsCommitted()).isEqualTo(2);
            assertThat(stats.duplicatesDropped()).isEqualTo(1);
        }

        List<Map<String, Object>> rows = DuckDb.query("SELECT message_id, epoch_ms(received_at) AS r FROM "
                + TestJournal.events(lake) + " ORDER BY message_id, r");
        assertThat(rows)
                .extracting(m -> m.get("message_id") + "@" + ((Number) m.get("r")).longValue())
                .containsExactly(
                        "a@" + T0,
                        "b@" + (T0 + 1),
                        "c@" + (T0 + 11),
                        "c@" + (T0 + Duration.ofHours(25).toMillis()),
                        "d@" + (T0 + 3_600_001));
    }

    @Test
    void aStartedWriterTailsTheJournalAndCommitsOnTheRollInterval() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        try (Journal journal = Journal.open(journalDir);
                StorageWriter w = StorageWriter.builder()
                        .journal(journal)
                        .output(lake)
                        .writerId("w1")
                        .rollInterval(Duration.ofMillis(200))
                        .build()
                        .start()) {
            for (int i = 0; i < 5; i++) {
                // appended while the writer runs, as a collector in the same JVM would
                TestJournal.append(journal, TestJournal.track("m" + i, T0 + i));
                awaitRows(w, i + 1);
            }
            assertThat(w.stats().commits()).isGreaterThanOrEqualTo(5);
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(5);
    }

    private static void awaitRows(StorageWriter w, long rows) {
        Deadline.of(Duration.ofSeconds(20))
                .every(Duration.ofMillis(20))
                .await(rows + " rows committed", () -> w.stats().rowsCommitted() >= rows);
    }

    @Test
    void eventsLandInTheDayPartitionOfTheirOwnTimestampBackfillsIncluded() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        long received = Instant.parse("2027-01-01T08:00:00Z").toEpochMilli();
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(
                    journal,
                    TestJournal.track("last-of-year", received)
                            .timestamp(Instant.parse("2026-12-31T23:59:59.999Z").toEpochMilli()),
                    TestJournal.track("first-of-year", received + 1)
                            .timestamp(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli()),
                    TestJournal.track("backfilled", received + 2)
                            .timestamp(Instant.parse("2025-06-01T12:00:00Z").toEpochMilli()),
                    TestJournal.track("end-of-day", received + 3)
                            .timestamp(Instant.parse("2027-01-01T23:59:59.999Z").toEpochMilli()));
        }
        try (StorageWriter w = writer(journalDir, lake)) {
            assertThat(w.drain().filesCommitted())
                    .as("one file per day partition")
                    .isEqualTo(3);
        }
        List<Map<String, Object>> rows = DuckDb.query("SELECT message_id, timestamp_day::VARCHAR AS p,"
                + " regexp_extract(filename, 'timestamp_day=[^/]+') AS folder FROM read_parquet('"
                + lake.resolve("spool/events/data") + "/**/*.parquet', hive_partitioning = true, filename = true,"
                + " hive_types = {'timestamp_day': DATE}) ORDER BY received_at");
        assertThat(rows)
                .extracting(m -> m.get("message_id") + " " + m.get("p") + " " + m.get("folder"))
                .containsExactly(
                        "last-of-year 2026-12-31 timestamp_day=2026-12-31",
                        "first-of-year 2027-01-01 timestamp_day=2027-01-01",
                        "backfilled 2025-06-01 timestamp_day=2025-06-01",
                        "end-of-day 2027-01-01 timestamp_day=2027-01-01");
    }
}
