package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.DuckDb;
import io.spool.writer.internal.JournalRetention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir
    Path dir;

    private static final Instant NOW = Instant.parse("2026-05-01T10:30:00Z");

    /** Appends one event in each of three hourly cycles: 5 h ago, 3 h ago, and now. Returns their indexes. */
    private long[] journalWithThreeHours(Path journalDir) {
        long[] indexes = new long[3];
        int i = 0;
        for (Duration ago : List.of(Duration.ofHours(5), Duration.ofHours(3), Duration.ZERO)) {
            Instant at = NOW.minus(ago);
            try (Journal journal = Journal.builder(journalDir)
                    .clock(Clock.fixed(at, ZoneOffset.UTC))
                    .build()) {
                indexes[i++] = TestJournal.append(journal, TestJournal.track("m" + i, at.toEpochMilli()));
            }
        }
        return indexes;
    }

    private static List<String> cycleFiles(Path queueDir) throws IOException {
        try (Stream<Path> files = Files.list(queueDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cq4"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void theWriterDeletesJournalHoursThatAreCommittedAndOlderThanTheRetention() throws Exception {
        Path journalDir = dir.resolve("journal");
        journalWithThreeHours(journalDir);
        assertThat(cycleFiles(journalDir.resolve("events"))).hasSize(3);

        try (StorageWriter w = StorageWriter.builder()
                .journalDir(journalDir)
                .output(dir.resolve("lake"))
                .writerId("w1")
                .retention(Duration.ofHours(4))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build()) {
            assertThat(w.drain().rowsCommitted()).isEqualTo(3);
        }
        // 05:00–06:00 ended 4.5 h ago: gone. 07:00–08:00 ended 2.5 h ago: kept. The current hour: kept.
        assertThat(cycleFiles(journalDir.resolve("events"))).containsExactly("20260501-07F.cq4", "20260501-10F.cq4");
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(dir.resolve("lake"))))
                .isEqualTo(3);
    }

    @Test
    void anOldHourThatIsNotFullyCommittedIsKept() throws Exception {
        Path journalDir = dir.resolve("journal");
        long[] indexes = journalWithThreeHours(journalDir);
        try (Journal journal = Journal.open(journalDir)) {
            // checkpoint inside the 07:00 hour: that hour may still get records, so only 05:00 may go
            List<Path> deleted = JournalRetention.apply(journal.events(), indexes[1], NOW, Duration.ofHours(1));
            assertThat(deleted).extracting(p -> p.getFileName().toString()).containsExactly("20260501-05F.cq4");
            // nothing committed: nothing deleted
            assertThat(JournalRetention.apply(journal.deadLetters(), -1, NOW, Duration.ofHours(1)))
                    .isEmpty();
            // zero retention: keep everything
            assertThat(JournalRetention.apply(journal.events(), indexes[2], NOW, Duration.ZERO))
                    .isEmpty();
        }
        assertThat(cycleFiles(journalDir.resolve("events"))).containsExactly("20260501-07F.cq4", "20260501-10F.cq4");
    }
}
