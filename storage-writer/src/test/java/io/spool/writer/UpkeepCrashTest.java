package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer in a child JVM with SIGKILL while it commits and while it compacts, then lets a last run
 * finish: every record is in exactly one row, and the data folder holds exactly the table's files (what
 * DuckDB reads directly is what the table holds).
 */
class UpkeepCrashTest {
    @TempDir
    Path dir;

    private static final int REQUESTS = 240;
    private static final int EVENTS_PER_REQUEST = 50;
    private static final int DAYS = 3;
    private static final int KILLS = 8;

    @Test
    void compactionKilledAtAnyPointLeavesEveryRecordOnceAndTheFolderEqualToTheTable() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        long t0 = Instant.parse("2026-05-01T00:00:00Z").toEpochMilli();
        int total = REQUESTS * EVENTS_PER_REQUEST;
        try (Journal journal = Journal.open(journalDir)) {
            int n = 0;
            for (int r = 0; r < REQUESTS; r++) {
                EventRecord[] batch = new EventRecord[EVENTS_PER_REQUEST];
                for (int i = 0; i < EVENTS_PER_REQUEST; i++, n++) {
                    // spread over three past days, in order: each commit writes one or two day files
                    batch[i] = TestJournal.track("m" + n, t0 + 1000 + (long) n * DAYS * 86_400_000L / total);
                    batch[i].properties().set("{\"n\":" + n + ",\"pad\":\"" + "x".repeat(100) + "\"}");
                }
                TestJournal.append(journal, batch);
            }
        }

        Random random = new Random(7);
        Path log = dir.resolve("child.log");
        int killedDraining = 0;
        int killedCompacting = 0;
        for (int k = 0; k < KILLS; k++) {
            long upkeepsBefore = ChildJvm.count(log, UpkeepCrashChild.UPKEEP_STARTS);
            Process child = start(journalDir, lake);
            boolean inUpkeep = k % 2 == 1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String marker = inUpkeep ? UpkeepCrashChild.UPKEEP_STARTS : "resuming after";
            long seen = inUpkeep ? upkeepsBefore : k;
            while (ChildJvm.count(log, marker) <= seen && child.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            if (!child.waitFor(random.nextInt(inUpkeep ? 400 : 1500), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly(); // SIGKILL
                child.waitFor(10, TimeUnit.SECONDS);
                if (inUpkeep) {
                    killedCompacting++;
                } else {
                    killedDraining++;
                }
            }
        }
        Process last = start(journalDir, lake);
        assertThat(last.waitFor(120, TimeUnit.SECONDS))
                .as("the final run finishes")
                .isTrue();
        assertThat(last.exitValue()).isZero();
        System.out.printf(
                "upkeep crash test: %d kills while draining, %d while compacting; restarts found %d"
                        + " compaction(s) committed and %d not%n",
                killedDraining,
                killedCompacting,
                ChildJvm.count(log, "an earlier run left had committed"),
                ChildJvm.count(log, "an earlier run left had not committed"));
        assertThat(killedCompacting).as("kills that hit a compaction").isPositive();

        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(total);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake)))
                .isEqualTo(total);
        assertThat(DuckDb.count("SELECT sum((properties->>'$.n')::BIGINT) FROM " + TestJournal.events(lake)))
                .isEqualTo((long) total * (total - 1) / 2);
        List<String> folder;
        try (Stream<Path> files = Files.walk(lake.resolve("spool/events/data"))) {
            folder = files.filter(Files::isRegularFile)
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        assertThat(folder).noneMatch(name -> name.endsWith(".tmp"));
        List<String> table = new ArrayList<>();
        try (UpkeepTest.Lakes l = new UpkeepTest.Lakes(lake);
                CloseableIterable<FileScanTask> tasks = l.events().newScan().planFiles()) {
            tasks.forEach(t -> table.add(t.file().location()));
        }
        assertThat(folder)
                .as("the data folder holds exactly the table's files, one per day")
                .containsExactlyInAnyOrderElementsOf(table)
                .hasSize(DAYS);
        assertThat(journalDir.resolve("writer/crash/compaction-intent")).doesNotExist();
    }

    private Process start(Path journalDir, Path lake) throws Exception {
        return ChildJvm.main(UpkeepCrashChild.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .log(dir.resolve("child.log"))
                .args(journalDir.toString(), lake.toString(), "200")
                .start()
                .process();
    }
}
