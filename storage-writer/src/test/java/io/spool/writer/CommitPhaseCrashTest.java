package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the writer's process (halt, as {@code kill -9} does) at each phase of a commit in turn, then
 * starts it again: every journal record ends up in exactly one committed row, events and rejected
 * alike, and the table's data folder holds exactly the files the table references.
 */
class CommitPhaseCrashTest {
    @TempDir
    Path dir;

    private static final long T0 = Instant.parse("2026-05-01T23:59:00Z").toEpochMilli();
    private static final int EVENTS = 3_000;

    @ParameterizedTest
    @ValueSource(strings = {"files-closed", "published", "rejected-committed", "events-committed", "intent-cleared"})
    void aCrashAtEveryPhaseOfACommitLeavesEachRecordInExactlyOneRow(String phase) throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        try (Journal journal = Journal.open(journalDir)) {
            for (int r = 0; r < EVENTS / 100; r++) {
                EventRecord[] batch = new EventRecord[100];
                for (int i = 0; i < 100; i++) {
                    int n = r * 100 + i;
                    // across midnight: two day partitions, two files in the commit
                    batch[i] = TestJournal.track("m" + n, T0 + n * 40L).timestamp(T0 + n * 40L);
                }
                TestJournal.append(journal, batch);
            }
            // a record of a newer format: unreadable here, kept in the rejected table
            byte[] newer = BadRecordsTest.encoded(TestJournal.track("newer", T0));
            newer[0] = 2;
            JournalAppender appender = journal.events().newAppender();
            appender.append(BadRecordsTest.framed(newer));
            appender.close();
            DeadLetterRecord dl = new DeadLetterRecord()
                    .receivedAt(T0)
                    .batchIndex(0)
                    .reason("no userId or anonymousId")
                    .writeKey("wk")
                    .ip("198.51.100.1");
            dl.payload().set("{\"type\":\"track\"}");
            TestJournal.appendDeadLetters(journal, dl);
        }

        Process crashed = start(journalDir, lake, phase);
        assertThat(crashed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(crashed.exitValue())
                .as("the writer died at %s:%n%s", phase, log())
                .isEqualTo(137);
        assertThat(log()).contains("dying at " + phase);

        Process again = start(journalDir, lake, null);
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as("the restarted writer:%n%s", log()).isZero();

        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(EVENTS);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(EVENTS);
        assertThat(DuckDb.query("SELECT error FROM " + TestJournal.rejected(lake) + " ORDER BY error"))
                .extracting(m -> (String) m.get("error"))
                .satisfiesExactly(
                        e -> assertThat(e).isEqualTo("no userId or anonymousId"),
                        e -> assertThat(e).contains("format version 2"));
        // what DuckDB globs is what the table references, and no temporary is left
        for (String table : List.of("events", "rejected")) {
            assertThat(dataFiles(lake.resolve("spool").resolve(table).resolve("data")))
                    .as("%s data folder vs the table", table)
                    .containsExactlyInAnyOrderElementsOf(TestLake.currentFiles(lake, table));
        }
        try (Stream<Path> files = Files.walk(lake)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    private static List<String> dataFiles(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    private String log() throws java.io.IOException {
        Path log = dir.resolve("child.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private Process start(Path journalDir, Path lake, String crashAt) throws Exception {
        return ChildJvm.main(CrashChild.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .log(dir.resolve("child.log"))
                .jvmArgs(crashAt == null ? List.of() : List.of("-Dspool.test.crash-at=" + crashAt))
                .args(journalDir.toString(), lake.toString(), "1000000")
                .start()
                .process();
    }
}
