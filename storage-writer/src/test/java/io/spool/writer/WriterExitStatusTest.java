package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit status a cron job or a supervisor acts on, from a real writer process whose commits fail
 * (its warehouse refuses metadata writes: {@link RefusingFileIO}): a drain gives up after
 * {@code --drain-attempts}, one log line per attempt, and exits 1; SIGTERM with records read but not
 * committed exits 1. The records stay in the journal, and the next run commits them. (SIGTERM with
 * everything committed exits 0: {@link MainProcessTest}.)
 */
class WriterExitStatusTest {
    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    Path journalDir;
    Path lake;

    /** Tables made and one event committed by a healthy writer; then two more events in the journal. */
    @BeforeEach
    void oneEventCommittedTwoWaiting() throws Exception {
        journalDir = dir.resolve("journal");
        lake = dir.resolve("lake");
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(journal, TestJournal.track("a", T0));
            try (StorageWriter writer = healthy().build()) {
                writer.drain();
            }
            TestJournal.append(journal, TestJournal.track("b", T0 + 1), TestJournal.track("c", T0 + 2));
        }
    }

    private StorageWriter.Builder healthy() {
        return StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("w1")
                .upkeepInterval(Duration.ZERO);
    }

    private Process refusingWriter(Path log, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--journal-dir",
                journalDir.toString(),
                "--output",
                lake.toString(),
                "--writer-id",
                "w1",
                "--upkeep-interval",
                "0s",
                "--catalog-property",
                "io-impl=" + RefusingFileIO.class.getName()));
        args.addAll(List.of(more));
        return ChildJvm.main(StorageWriterMain.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .jvmArgs(List.of("-Dspool.drain.relaunch=false"))
                .log(log)
                .args(args.toArray(String[]::new))
                .start()
                .process();
    }

    @Test
    void aDrainWhoseCommitsFailGivesUpAfterItsAttemptsAndExitsOne() throws Exception {
        Path log = dir.resolve("drain.log");
        long started = System.nanoTime();
        Process drain = refusingWriter(log, "--drain", "--drain-attempts", "3");
        try {
            // 3 attempts wait 0.5 s and 1 s between them: bounded by the attempts, not by a supervisor's patience
            assertThat(drain.waitFor(60, TimeUnit.SECONDS))
                    .as("the drain exits by itself")
                    .isTrue();
        } finally {
            drain.destroyForcibly();
        }
        String out = Files.readString(log);
        System.out.printf(
                "drain with a refusing warehouse: exit %d after %d ms%n",
                drain.exitValue(), (System.nanoTime() - started) / 1_000_000);
        assertThat(drain.exitValue()).as(out).isEqualTo(1);
        assertThat(ChildJvm.count(log, "storage writer: commit failed")).as(out).isEqualTo(2);
        assertThat(ChildJvm.count(log, "drain failed: gave up after 3 failed commit attempt(s)"))
                .as(out)
                .isEqualTo(1);
        assertThat(ChildJvm.count(log, "the store refuses writes"))
                .as("each line says why")
                .isEqualTo(3);
        assertThat(out).doesNotContain("\tat ").doesNotContain("drained:");

        assertThat(committedRows()).as("nothing of the failed drain committed").isEqualTo(1);
        try (StorageWriter writer = healthy().build()) {
            writer.drain();
        }
        assertThat(committedRows())
                .as("the next run commits what the failed one could not")
                .isEqualTo(3);
    }

    @Test
    void sigtermWithRecordsThatCannotBeCommittedExitsOne() throws Exception {
        Path log = dir.resolve("writer.log");
        Process writer = refusingWriter(log, "--roll-interval", "1h");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ChildJvm.count(log, "resuming after events index") == 0) {
                assertThat(writer.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime())
                        .as("the writer started within 60 s")
                        .isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            writer.destroy(); // SIGTERM: the writer tries to commit the two events it reads, and cannot
            assertThat(writer.waitFor(60, TimeUnit.SECONDS))
                    .as("the writer exits on SIGTERM")
                    .isTrue();
        } finally {
            writer.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(writer.exitValue()).as(out).isEqualTo(1);
        assertThat(ChildJvm.count(log, "could not commit on shutdown")).as(out).isEqualTo(1);
        assertThat(out).doesNotContain("\tat ");
        assertThat(committedRows()).isEqualTo(1);
    }

    /** Rows of the files the table references (a failed attempt whose outcome was unknown leaves its own). */
    private long committedRows() throws Exception {
        List<String> files = TestLake.currentFiles(lake, "events");
        return files.isEmpty() ? 0 : DuckDb.count("SELECT count(*) FROM " + DuckDb.parquetFiles(files));
    }
}
