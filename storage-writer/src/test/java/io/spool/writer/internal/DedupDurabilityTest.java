package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.Deadline;
import io.spool.writer.TestJournal;
import io.spool.writer.WriterStats;
import io.spool.writer.internal.FaultPlan.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup window's ids are the one part of a commit kept outside the tables, so their order against
 * the commit decides what a crash can do: ids that outlive their commit would drop events that were
 * never written (lost), ids that a commit outlives would let a client's retry in twice. A commit's ids
 * are written, named and synced before the catalog publishes it; recovery deletes, durably, the ids of
 * any attempt the tables do not cover.
 */
class DedupDurabilityTest {
    @TempDir
    Path dir;

    private final FaultPlan plan = FaultPlan.register();
    private FaultyLake lake;

    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

    @BeforeEach
    void open() throws Exception {
        lake = new FaultyLake(dir);
    }

    @AfterEach
    void close() throws Exception {
        lake.close();
        plan.unregister();
    }

    @Test
    void aCommitsIdsAreSyncedAfterTheyArePublishedAndBeforeTheCatalogPublishesTheCommit() throws Exception {
        try (Journal journal = Journal.open(lake.journalDir)) {
            CommitStepFaultTest.appendTracks(journal, "a", 100, T0);
        }
        WriterLoop writer = lake.writer(plan, new WriterMetrics());
        try {
            writer.start(false);
            plan.clearTrace();
            CommitStepFaultTest.drain(writer);
        } finally {
            writer.requestClose().get(30, TimeUnit.SECONDS);
        }
        assertThat(plan.steps(
                        Step.DATA_PUBLISH,
                        Step.DEDUP_WRITE,
                        Step.DEDUP_PUBLISH,
                        Step.DEDUP_SYNC,
                        Step.CATALOG_COMMIT,
                        Step.INTENT_CLEAR,
                        Step.POSITIONS_WRITE))
                .as("a commit's durable steps, in order")
                .containsExactly(
                        Step.DATA_PUBLISH,
                        Step.DEDUP_WRITE,
                        Step.DEDUP_PUBLISH,
                        Step.DEDUP_SYNC,
                        Step.CATALOG_COMMIT,
                        Step.INTENT_CLEAR,
                        Step.POSITIONS_WRITE);
    }

    /**
     * A commit of events {@code a..m} fails after its ids were published; the writer is stopped while it
     * waits to retry, and on its way out commits only what one read gives it, {@code a..c}. Recovery
     * deleted the failed attempt's ids, but without the folder synced a power cut can bring them back
     * (the test puts them back). Read again, events {@code c+1..m} must be written, not dropped as
     * duplicates of ids no commit published.
     */
    @Test
    void idsOfAnAttemptTheTablesDoNotCoverAreNeverLoadedEvenWhenAPowerCutBringsThemBack() throws Exception {
        Path saved = dir.resolve("segments-at-the-failure");
        Files.createDirectories(saved);
        try (Journal journal = Journal.open(lake.journalDir)) {
            CommitStepFaultTest.appendTracks(journal, "a", 100, T0);
        }
        WriterMetrics metrics = new WriterMetrics();
        WriterLoop writer = lake.writer(plan, Duration.ofSeconds(30), Duration.ofSeconds(30), metrics);
        long committedBefore;
        try (Journal journal = Journal.open(lake.journalDir)) {
            writer.start(false);
            CommitStepFaultTest.drain(writer);
            committedBefore = journal.events().lastIndex();
            // more single-event requests than the writer reads in one step (256)
            for (int i = 0; i < 400; i++) {
                TestJournal.append(journal, TestJournal.track("b" + i, T0 + 60_000 + i));
            }
            // the events table's commit fails once its ids are published: what the disk holds then is kept
            plan.fail(Step.METADATA_WRITE, "spool/events/", 0, 1, taken -> copySegments(saved));
            CompletableFuture<WriterStats> drained = writer.requestDrain();
            awaitBackoff(metrics);
            assertThat(drained).isNotDone();
        } finally {
            writer.requestClose().get(30, TimeUnit.SECONDS);
        }
        long stoppedAt = Long.parseLong(lake.summary("events").get(Committer.EVENTS_INDEX));
        assertThat(lake.count("events", "count(*)")[0])
                .as("rows committed on the way out: one read's worth")
                .isEqualTo(100 + 256);
        assertThat(stoppedAt).isGreaterThan(committedBefore);
        try (Stream<Path> files = Files.list(saved)) {
            List<Path> segments = files.toList();
            assertThat(segments).as("ids published by the attempt that failed").anySatisfy(s -> {
                String[] range = s.getFileName().toString().replace(".ids", "").split("-");
                assertThat(Long.parseLong(range[0])).isLessThanOrEqualTo(stoppedAt);
                assertThat(Long.parseLong(range[1])).isGreaterThan(stoppedAt);
            });
            // the power cut: the deletion of the failed attempt's ids never reached the disk
            for (Path s : segments) {
                Files.copy(
                        s,
                        lake.stateDir().resolve("dedup").resolve(s.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }

        FaultPlan none = FaultPlan.register();
        WriterLoop again = lake.writer(none, new WriterMetrics());
        try {
            again.start(false);
            WriterStats stats = CommitStepFaultTest.drain(again);
            assertThat(stats.duplicatesDropped())
                    .as("events dropped as duplicates of ids no commit published")
                    .isZero();
        } finally {
            again.requestClose().get(30, TimeUnit.SECONDS);
            none.unregister();
        }
        assertThat(lake.count("events", "count(*)", "count(DISTINCT message_id)"))
                .containsExactly(500, 500);
    }

    private void copySegments(Path to) {
        try (Stream<Path> files = Files.list(lake.stateDir().resolve("dedup"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".ids")) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the writer, its attempt failed, is parked in its backoff (not still unwinding the failure). */
    private static void awaitBackoff(WriterMetrics metrics) {
        Deadline.of(Duration.ofSeconds(30))
                .every(Duration.ofMillis(5))
                .await(
                        "the writer backing off",
                        () -> metrics.failures.get() >= 1
                                && Thread.getAllStackTraces().keySet().stream()
                                        .anyMatch(t -> t.getName().equals("spool-storage-writer-" + FaultyLake.WRITER)
                                                && t.getState() == Thread.State.TIMED_WAITING));
    }
}
