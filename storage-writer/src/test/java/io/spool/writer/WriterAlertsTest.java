package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.Deadline;
import io.spool.writer.internal.MetricsServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's writer alerts, each driven by the condition it is for, read as Prometheus and a probe
 * read them (over HTTP): a quiet healthy writer reads lag 0, nothing pending and a 200; one event that
 * waits reads its own age (not the age of what was committed before it); and a writer started again
 * with records waiting reads their age at once, not 0 (the stalled writer: {@code StalledWriterAlertTest}).
 */
class WriterAlertsTest {
    @TempDir
    Path dir;

    private static final Duration ONE_HOUR = Duration.ofHours(1);

    @Test
    void aQuietHealthyWriterReadsNoLagAndOneWaitingEventReadsItsOwnAge() throws Exception {
        long now = System.currentTimeMillis();
        try (Journal journal = Journal.open(dir.resolve("journal"));
                StorageWriter writer = StorageWriter.builder()
                        .journal(journal)
                        .output(dir.resolve("lake"))
                        .writerId("quiet")
                        .rollInterval(ONE_HOUR)
                        .build();
                MetricsServer server = new MetricsServer(0, writer::writeMetrics, writer::health)) {
            // committed a while ago: what a quiet writer has behind it
            TestJournal.append(journal, TestJournal.track("a", now - 90_000), TestJournal.track("b", now - 89_000));
            writer.start();
            writer.drain();

            MetricsScrape quiet = MetricsScrape.of(server.port());
            assertThat(quiet.lagSeconds())
                    .as("lag of a writer with nothing waiting")
                    .isZero();
            assertThat(quiet.pendingRecords()).isZero();
            assertThat(quiet.value("spool_writer_lag_excerpts")).isZero();
            assertThat(quiet.healthStatus()).as(quiet.health()).isEqualTo(200);
            assertThat(quiet.health()).contains("\"status\":\"ok\"").contains("\"state\":\"idle\"");
            // the JVM's and the process's own metrics, beside the writer's
            assertThat(quiet.metrics())
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_threads_current")
                    .contains("process_cpu_seconds_total")
                    .contains("process_open_fds");

            // one event received 5 s ago waits (the roll interval is an hour): the lag is its age
            TestJournal.append(journal, TestJournal.track("c", System.currentTimeMillis() - 5_000));
            Deadline.of(Duration.ofSeconds(10))
                    .await(
                            "the waiting event counted",
                            () -> MetricsScrape.of(server.port()).pendingRecords() == 1);
            MetricsScrape waiting = MetricsScrape.of(server.port());
            assertThat(waiting.lagSeconds())
                    .as("lag of one event received 5 s ago")
                    .isBetween(5.0, 30.0);
            assertThat(waiting.value("spool_writer_lag_excerpts")).isEqualTo(1);
            assertThat(waiting.healthStatus()).as(waiting.health()).isEqualTo(200);
            assertThat(waiting.health()).contains("\"state\":\"committing\"");

            writer.drain();
            MetricsScrape caughtUp = MetricsScrape.of(server.port());
            assertThat(caughtUp.lagSeconds()).isZero();
            assertThat(caughtUp.pendingRecords()).isZero();
            assertThat(writer.stats().lagExcerpts()).isZero();
        }
    }

    @Test
    void aWriterStartedAgainWithRecordsWaitingReadsTheirAgeAtOnce() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        long now = System.currentTimeMillis();
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(journal, TestJournal.track("old-1", now - 3_600_000));
        }
        try (StorageWriter first = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("again")
                .build()) {
            first.drain();
        }
        // while the writer is down: three events in two requests, the oldest received ten minutes ago
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(
                    journal, TestJournal.track("w-1", now - 600_000), TestJournal.track("w-2", now - 590_000));
            TestJournal.append(journal, TestJournal.track("w-3", now - 60_000));
        }
        try (StorageWriter again = StorageWriter.builder()
                        .journalDir(journalDir)
                        .output(lake)
                        .writerId("again")
                        .rollInterval(ONE_HOUR)
                        .build();
                MetricsServer server = new MetricsServer(0, again::writeMetrics, again::health)) {
            MetricsScrape starting = MetricsScrape.of(server.port());
            assertThat(starting.healthStatus())
                    .as("before it knows where it stands")
                    .isEqualTo(503);
            assertThat(starting.health()).contains("\"state\":\"starting\"");

            again.start();
            // the first scrape after start: no minute of 0 while the records wait
            MetricsScrape first = MetricsScrape.of(server.port());
            assertThat(first.lagSeconds()).as("lag right after the start").isBetween(600.0, 660.0);
            assertThat(first.pendingRecords()).isEqualTo(3);
            assertThat(first.value("spool_writer_lag_excerpts")).isEqualTo(2);
            assertThat(first.healthStatus()).as(first.health()).isEqualTo(200);
            assertThat(first.health()).contains("\"state\":\"committing\"").contains("\"pendingRecords\":3");
        }
    }
}
