package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.Deadline;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --drain} runs in a C1-only child JVM: the user's process still exits with the drain's status
 * after committing everything, and a drain never outlives the process the user started, even one
 * killed with SIGKILL (which no shutdown hook sees).
 */
class DrainRelaunchTest {
    @TempDir
    Path dir;

    @Test
    void theDrainRunsInAChildJvmAndTheProcessExitsWithItsStatus() throws Exception {
        Path journalDir = journal(3);
        Process drain = start(
                "--journal-dir",
                journalDir.toString(),
                "--output",
                dir.resolve("lake").toString(),
                "--writer-id",
                "relaunch1",
                "--drain");
        Optional<ProcessHandle> child = childOf(drain);
        assertThat(child).as("a child JVM does the drain").isPresent();
        assertThat(drain.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.exitValue()).as(log()).isZero();
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(dir.resolve("lake"))))
                .isEqualTo(3);

        // a failing drain's status is the process's status
        Process refused = start(
                "--journal-dir",
                journalDir.toString(),
                "--output",
                "s3://bucket/lake",
                "--catalog-type",
                "hadoop",
                "--writer-id",
                "relaunch2",
                "--drain");
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).as(log()).isNotZero();
    }

    @Test
    void optionsFromJavaToolOptionsApplyOnceNotAgainInTheChild() throws Exception {
        Path journalDir = journal(3);
        // the JVM prints "Picked up JAVA_TOOL_OPTIONS" once for each JVM that reads the variable; a
        // child that read it too would also apply its options twice (an agent there would load twice)
        ChildJvm drain = ChildJvm.main(StorageWriterMain.class)
                .jvmArgs("-Xmx256m")
                .environment("JAVA_TOOL_OPTIONS", "-Dspool.test.tool.option=1")
                .log(dir.resolve("drain.log"))
                .args(
                        "--journal-dir",
                        journalDir.toString(),
                        "--output",
                        dir.resolve("lake").toString(),
                        "--writer-id",
                        "relaunch4",
                        "--drain")
                .start();
        assertThat(childOf(drain.process())).as("a child JVM does the drain").isPresent();
        assertThat(drain.awaitExit(Duration.ofSeconds(60))).as(log()).isZero();
        assertThat(drain.count("Picked up JAVA_TOOL_OPTIONS")).as(log()).isEqualTo(1);
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(dir.resolve("lake"))))
                .isEqualTo(3);
    }

    @Test
    void killingTheProcessWithSigkillEndsTheDrainToo() throws Exception {
        Path journalDir = journal(2_000);
        Process drain = start(
                "--journal-dir",
                journalDir.toString(),
                "--output",
                dir.resolve("lake").toString(),
                "--writer-id",
                "relaunch3",
                "--drain");
        ProcessHandle child = childOf(drain).orElseThrow();
        drain.destroyForcibly(); // SIGKILL: the parent cannot tell the child
        assertThat(drain.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Deadline.of(Duration.ofSeconds(10))
                .every(Duration.ofMillis(10))
                .await("the drain's JVM to halt once its parent is gone", () -> !child.isAlive());
    }

    private Path journal(int events) {
        Path journalDir = dir.resolve("journal");
        long t0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
        try (Journal journal = Journal.open(journalDir)) {
            for (int i = 0; i < events; i += 100) {
                List<EventRecord> batch = new ArrayList<>();
                for (int j = i; j < Math.min(events, i + 100); j++) {
                    batch.add(TestJournal.track("m" + j, t0 + j));
                }
                TestJournal.append(journal, batch.toArray(new EventRecord[0]));
            }
        }
        return journalDir;
    }

    /** The child JVM, as soon as the parent has started it. */
    private static Optional<ProcessHandle> childOf(Process parent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> child = parent.children().findFirst();
            if (child.isPresent() || !parent.isAlive()) {
                return child;
            }
            LockSupport.parkNanos(10_000_000);
        }
        return Optional.empty();
    }

    private Process start(String... args) throws Exception {
        return ChildJvm.main(StorageWriterMain.class)
                .jvmArgs("-Xmx256m")
                .log(dir.resolve("drain.log"))
                .args(args)
                .start()
                .process();
    }

    private String log() throws Exception {
        return Files.exists(dir.resolve("drain.log")) ? Files.readString(dir.resolve("drain.log")) : "";
    }
}
