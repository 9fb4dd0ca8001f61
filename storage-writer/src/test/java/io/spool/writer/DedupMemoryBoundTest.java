package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.DuckDb;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More message ids in the dedup window than {@code dedupMemory} holds (a rate the heap was not sized
 * for): the writer keeps running within the bound, writes every distinct event once, still drops the
 * repeats of recent ids, and lets through only repeats older than the window it could keep.
 */
class DedupMemoryBoundTest {
    @TempDir
    Path dir;

    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

    @Test
    void aWindowLargerThanItsMemoryIsShortenedNotGrown() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        int distinct = 120_000; // 1 MB of table holds ~19,000 ids
        try (Journal journal = Journal.open(journalDir)) {
            for (int e = 0; e < distinct / 100; e++) {
                EventRecord[] batch = new EventRecord[100];
                for (int i = 0; i < 100; i++) {
                    int n = e * 100 + i;
                    batch[i] = TestJournal.track("id-" + n, T0 + n); // one a millisecond: 2 minutes of a 24 h window
                }
                TestJournal.append(journal, batch);
            }
            // client retries: 500 of the newest ids and 500 of the oldest
            EventRecord[] repeats = new EventRecord[1000];
            for (int i = 0; i < 500; i++) {
                repeats[i] = TestJournal.track("id-" + (distinct - 1 - i), T0 + distinct + i);
                repeats[500 + i] = TestJournal.track("id-" + i, T0 + distinct + 500 + i);
            }
            TestJournal.append(journal, repeats);
        }
        try (StorageWriter w = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .dedupWindow(Duration.ofHours(24))
                .dedupMemory(1 << 20)
                .rollRows(20_000)
                .build()) {
            WriterStats stats = w.drain();
            assertThat(stats.duplicatesDropped()).as("the newest ids' repeats").isEqualTo(500);
            assertThat(stats.rowsCommitted())
                    .as("every distinct event, and the old ids again")
                    .isEqualTo(distinct + 500);
        }
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(distinct);
    }
}
