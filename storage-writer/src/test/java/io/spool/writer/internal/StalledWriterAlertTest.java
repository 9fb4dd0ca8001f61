package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.Deadline;
import io.spool.writer.MetricsScrape;
import io.spool.writer.TestJournal;
import io.spool.writer.WriterStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's alert on a stalled writer, driven by a stall: records wait while every commit fails
 * (the output's disk is full). What Prometheus and a probe read over HTTP: the lag is the oldest
 * waiting record's age and keeps growing, the records are counted as pending, {@code /health} is 503
 * and says why; once the disk has room again, all three clear by themselves.
 */
class StalledWriterAlertTest {
    @TempDir
    Path dir;

    private final FaultPlan plan = FaultPlan.register();
    private FaultyLake lake;

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
    void aStalledWritersLagGrowsItsRecordsArePendingAndItsHealthIs503() throws Exception {
        // received three hours ago: longer than the bound of its one-hour roll interval (2 h 1 min)
        long receivedAt = System.currentTimeMillis() - Duration.ofHours(3).toMillis();
        try (Journal journal = Journal.open(lake.journalDir)) {
            for (int r = 0; r < 5; r++) {
                EventRecord[] batch = new EventRecord[4];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = TestJournal.track("m" + r + "-" + i, receivedAt + r);
                }
                TestJournal.append(journal, batch);
            }
        }
        WriterMetrics metrics = new WriterMetrics();
        WriterLoop writer = lake.writer(plan, Duration.ofMillis(50), Duration.ofMillis(200), metrics);
        try (MetricsServer server = new MetricsServer(0, metrics::writeText, writer::health)) {
            writer.start(true);
            plan.full(true);
            CompletableFuture<WriterStats> drained = writer.requestDrain();
            Deadline.of(Duration.ofSeconds(30)).await("failed commits", () -> metrics.failures.get() >= 2);

            MetricsScrape stalled = MetricsScrape.of(server.port());
            assertThat(stalled.pendingRecords()).as("records waiting").isEqualTo(20);
            assertThat(stalled.value("spool_writer_lag_excerpts")).isEqualTo(5);
            assertThat(stalled.lagSeconds())
                    .as("the oldest waiting record's age")
                    .isBetween(10_800.0, 10_900.0);
            assertThat(stalled.value("spool_writer_commit_failures_total")).isGreaterThanOrEqualTo(2);
            assertThat(stalled.healthStatus()).as(stalled.health()).isEqualTo(503);
            assertThat(stalled.health())
                    .contains("\"status\":\"unhealthy\"")
                    .contains("\"state\":\"lagging\"")
                    .contains("\"pendingRecords\":20")
                    .contains("No space left on device");

            double first = stalled.lagSeconds();
            Deadline.of(Duration.ofSeconds(10))
                    .await(
                            "the lag growing while nothing commits",
                            () -> MetricsScrape.of(server.port()).lagSeconds() >= first + 1);

            plan.full(false);
            drained.get(30, TimeUnit.SECONDS);
            MetricsScrape recovered = MetricsScrape.of(server.port());
            assertThat(recovered.lagSeconds()).isZero();
            assertThat(recovered.pendingRecords()).isZero();
            assertThat(recovered.healthStatus()).as(recovered.health()).isEqualTo(200);
            assertThat(recovered.health()).contains("\"state\":\"idle\"");
        } finally {
            writer.requestClose().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void healthSaysFailingOnceCommitsHaveFailedForLongerThanTheBoundAndStoppedOnceTheThreadEnds() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(now.get());
            }
        };
        WriterProgress progress = new WriterProgress(new WriterMetrics(), clock, Duration.ofSeconds(10));
        assertThat(WriterProgress.maxLag(Duration.ofSeconds(60))).isEqualTo(Duration.ofMinutes(3));
        assertThat(progress.health(false, null).state()).isEqualTo("starting");
        try (Journal journal = Journal.open(dir.resolve("j"))) {
            progress.update(now.get(), journal.events(), -1, journal.deadLetters(), -1);
            assertThat(progress.health(false, null).state()).isEqualTo("idle");
            TestJournal.append(journal, TestJournal.track("x", now.get()));
            progress.update(now.get(), journal.events(), -1, journal.deadLetters(), -1);
            progress.failed("catalog unreachable");
            now.addAndGet(5_000);
            assertThat(progress.health(false, null)).satisfies(h -> {
                assertThat(h.healthy()).isTrue();
                assertThat(h.state()).isEqualTo("retrying");
                assertThat(h.reason()).contains("catalog unreachable");
            });
            now.addAndGet(76_000); // 81 s of failures, past the bound of 2 × 10 s + 1 min
            assertThat(progress.health(false, null)).satisfies(h -> {
                assertThat(h.healthy()).isFalse();
                assertThat(h.state()).isEqualTo("failing");
                assertThat(h.reason()).contains("commits failing for 81 s: catalog unreachable");
            });
            assertThat(progress.health(true, new OutOfMemoryError("Java heap space")))
                    .satisfies(h -> {
                        assertThat(h.healthy()).isFalse();
                        assertThat(h.state()).isEqualTo("stopped");
                        assertThat(h.reason()).contains("Java heap space");
                    });
            progress.close();
        }
    }
}
