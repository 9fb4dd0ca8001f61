package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer far behind its collector: a backlog of a million events (~200 MB of journal; all in one
 * 24 h dedup window, more ids than a quarter of the heap holds) drained by the command line in a 128 MB
 * heap. Memory is bounded by the writer's settings, not by how far behind it is or how many ids the
 * window would want: it commits every event once and exits 0.
 */
class SmallHeapBacklogTest {
    @TempDir
    Path dir;

    @Test
    void aBacklogMuchLargerThanTheHeapDrainsInIt() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        long t0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
        int excerpts = 10_000;
        try (Journal journal = Journal.open(journalDir)) {
            EventRecord[] batch = new EventRecord[100];
            for (int e = 0; e < excerpts; e++) {
                for (int i = 0; i < batch.length; i++) {
                    int n = e * 100 + i;
                    batch[i] = TestJournal.track(String.format("%08x-3f1c-4a7e-9b2d-%012x", n, n * 31L), t0 + n);
                    batch[i].properties()
                            .set("{\"product_id\":\"prod_" + (n % 1000) + "\",\"sku\":\"SKU-" + (n % 1000)
                                    + "\",\"price\":19.95,\"currency\":\"USD\"}");
                }
                TestJournal.append(journal, batch);
            }
        }
        Path log = dir.resolve("writer.log");
        try (ChildJvm writer = ChildJvm.main(StorageWriterMain.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .jvmArgs("-Xmx128m")
                .log(log)
                .args(
                        "--journal-dir",
                        journalDir.toString(),
                        "--output",
                        lake.toString(),
                        "--writer-id",
                        "small",
                        "--writer-threads",
                        "2",
                        "--upkeep-interval",
                        "0s",
                        "--drain")
                .start()) {
            assertThat(writer.awaitExit(Duration.ofSeconds(180)))
                    .as(Files.readString(log))
                    .isZero(); // the drain finishes
        }
        // a quarter of 128 MB holds ~630,000 ids: the window was cut short, and the writer said so
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError").contains("(--dedup-memory)");
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(excerpts * 100L);
    }
}
