package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.Deadline;
import io.spool.testsupport.DuckDb;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator runs it: a real process, its metrics endpoint, SIGTERM. */
class MainProcessTest {
    @TempDir
    Path dir;

    @Test
    void sigtermCommitsWhatWasReadAndExitsZero() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        long t0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(journal, TestJournal.track("a", t0), TestJournal.track("b", t0 + 1));
            TestJournal.append(journal, TestJournal.track("c", t0 + 2));
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("writer.log");
        Process writer = ChildJvm.main(StorageWriterMain.class)
                .log(log)
                .args(
                        "--journal-dir",
                        journalDir.toString(),
                        "--writer-id",
                        "main1",
                        "--roll-interval",
                        "1h",
                        "--metrics-port",
                        String.valueOf(port))
                .environment("SPOOL_OUTPUT", lake.toString()) // the environment sets what the flags do not
                .start()
                .process();
        try {
            // with a one-hour roll interval nothing is committed until the process is told to stop
            String metrics = waitForMetrics(port, writer);
            assertThat(metrics)
                    .contains("spool_writer_rows_committed_total 0.0")
                    .contains("spool_writer_lag_seconds");
            writer.destroy(); // SIGTERM
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            writer.destroyForcibly();
        }
        assertThat(Files.readString(log)).contains("committed 3 rows");
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake)))
                .isEqualTo(3);
    }

    @Test
    void catalogAndTableComeFromFlagsOrTheEnvironmentAndAnUnsafeCatalogIsRefusedClearly() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path lake = dir.resolve("lake");
        Path catalogDb = dir.resolve("elsewhere.sqlite");
        try (Journal journal = Journal.open(journalDir)) {
            TestJournal.append(
                    journal,
                    TestJournal.track("a", Instant.parse("2026-05-01T10:00:00Z").toEpochMilli()));
        }
        Process drain = cli(
                Map.of(
                        "SPOOL_CATALOG_URI",
                        "jdbc:sqlite:" + catalogDb,
                        "SPOOL_TABLE",
                        "analytics.events",
                        "SPOOL_CATALOG_NAME",
                        "warehouse1",
                        "SPOOL_CATALOG_PROPERTIES",
                        "jdbc.busy_timeout=5000"),
                "--journal-dir",
                journalDir.toString(),
                "--output",
                lake.toString(),
                "--writer-id",
                "cli1",
                "--drain");
        assertThat(drain.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.exitValue())
                .as(Files.readString(dir.resolve("cli.log")))
                .isZero();
        assertThat(Files.exists(catalogDb))
                .as("the catalog the environment named")
                .isTrue();
        assertThat(DuckDb.count("SELECT count(*) FROM read_parquet('" + lake.resolve("analytics/events/data")
                        + "/**/*.parquet')"))
                .isEqualTo(1);

        Files.delete(dir.resolve("cli.log"));
        Process refused = cli(
                Map.of(),
                "--journal-dir",
                journalDir.toString(),
                "--output",
                "s3://bucket/lake",
                "--catalog-type",
                "hadoop",
                "--writer-id",
                "cli2",
                "--drain");
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("cli.log"));
        assertThat(refused.exitValue()).as(log).isNotZero();
        assertThat(log).contains("not safe on an object store").doesNotContain("\tat ");
    }

    private Process cli(Map<String, String> env, String... args) throws IOException {
        return ChildJvm.main(StorageWriterMain.class)
                .log(dir.resolve("cli.log"))
                .environment(env)
                .args(args)
                .start()
                .process();
    }

    private static String waitForMetrics(int port, Process writer) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build();
        String[] body = new String[1];
        // an IOException (not listening yet: the process is still starting) counts as "not yet"
        Deadline.of(Duration.ofSeconds(30)).await("the writer's metrics", () -> {
            assertThat(writer.isAlive()).as("the writer process is running").isTrue();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            body[0] = response.body();
            // started: both requests are in the journal, not yet committed
            return response.statusCode() == 200 && response.body().contains("spool_writer_lag_excerpts 2.0");
        });
        return body[0];
    }
}
