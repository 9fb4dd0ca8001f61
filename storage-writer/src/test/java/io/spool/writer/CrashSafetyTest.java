package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer in a child JVM with SIGKILL at random points while it commits, many times over, then
 * lets a last run finish: every record must be in exactly one committed file.
 */
class CrashSafetyTest {
    @TempDir
    Path dir;

    private static final int REQUESTS = 400;
    private static final int EVENTS_PER_REQUEST = 50;
    private static final int KILLS = 8;

    @Test
    void everyRecordEndsUpInExactlyOneCommittedFileDespiteKillMinus9() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        long t0 = Instant.parse("2026-05-01T10:59:00Z").toEpochMilli();
        try (Journal journal = Journal.open(journalDir)) {
            int n = 0;
            for (int r = 0; r < REQUESTS; r++) {
                EventRecord[] batch = new EventRecord[EVENTS_PER_REQUEST];
                for (int i = 0; i < EVENTS_PER_REQUEST; i++, n++) {
                    // spread over two hours so commits publish several files
                    batch[i] = TestJournal.track("m" + n, t0 + n * 10L);
                    batch[i].properties().set("{\"n\":" + n + ",\"pad\":\"" + "x".repeat(200) + "\"}");
                }
                TestJournal.append(journal, batch);
            }
        }
        int total = REQUESTS * EVENTS_PER_REQUEST;

        Random random = new Random(42);
        Path log = dir.resolve("child.log");
        int killedMidRun = 0;
        for (int k = 0; k < KILLS; k++) {
            Process child = start(journalDir, lake);
            // wait until this child has recovered and is writing, then kill it somewhere in its commits
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ChildJvm.count(log, "resuming after") <= k && child.isAlive() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            if (!child.waitFor(random.nextInt(700), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly(); // SIGKILL
                child.waitFor(10, TimeUnit.SECONDS);
                killedMidRun++;
            }
        }
        Process last = start(journalDir, lake);
        assertThat(last.waitFor(60, TimeUnit.SECONDS))
                .as("the final run finishes")
                .isTrue();
        assertThat(last.exitValue()).isZero();
        assertThat(killedMidRun).as("kills that hit a running writer").isGreaterThan(KILLS / 2);
        assertThat(ChildJvm.count(log, "deleted"))
                .as("restarts that cleaned up after a killed commit")
                .isPositive();

        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(total);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(total);
        assertThat(DuckDb.count("SELECT sum((properties->>'$.n')::BIGINT) FROM " + TestJournal.events(lake)))
                .isEqualTo((long) total * (total - 1) / 2);
        try (Stream<Path> files = Files.walk(lake)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    private Process start(Path journalDir, Path lake) throws Exception {
        return ChildJvm.main(CrashChild.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .log(dir.resolve("child.log"))
                .args(journalDir.toString(), lake.toString(), "300")
                .start()
                .process();
    }
}
