package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spool.collector.Collector;
import io.spool.journal.Journal;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import io.spool.writer.StorageWriter;
import io.spool.writer.internal.MetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's writer panel against a real storage writer: the collector reads the writer's own
 * {@code /metrics} and shows its lag and commits as they change.
 */
class ConsoleWriterStatusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "console-key";

    @TempDir
    Path dir;

    @Test
    void theConsoleShowsTheWritersLagAndCommits() throws Exception {
        Journal.disableChronicleAnalytics();
        try (Journal journal = Journal.open(dir.resolve("journal"));
                StorageWriter writer = StorageWriter.builder()
                        .journal(journal)
                        .output(dir.resolve("lake"))
                        .rollInterval(Duration.ofSeconds(1))
                        .build()
                        .start();
                MetricsServer metrics = new MetricsServer(0, writer::writeMetrics);
                Collector collector = Collector.builder()
                        .port(0)
                        .journal(journal)
                        .writeKey(KEY)
                        .console(true)
                        .consoleWriterMetrics(URI.create("http://127.0.0.1:" + metrics.port() + "/metrics"))
                        .build()
                        .start()) {
            String base = "http://127.0.0.1:" + collector.port();
            try (Spool spool = Spool.builder(KEY).endpoint(base).build()) {
                spool.track(Track.builder("Committed").userId("u").build());
                assertThat(spool.flush(Duration.ofSeconds(20))).isTrue();
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> stream = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/console/stream"))
                            .header("Authorization", "Bearer " + KEY)
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);

            JsonNode status = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Iterator<String> lines = stream.body().iterator();
            while (System.nanoTime() < deadline && lines.hasNext()) {
                String line = lines.next();
                if (!line.startsWith("data:")) {
                    continue;
                }
                JsonNode writerStatus = JSON.readTree(line.substring(5).strip()).get("writer");
                if (writerStatus.isObject()
                        && writerStatus.path("rowsCommitted").asDouble() >= 1
                        && writerStatus.has("lastCommit")) {
                    status = writerStatus;
                    break;
                }
            }
            stream.body().close();

            assertThat(status).as("the writer's commit shown within 60 s").isNotNull();
            assertThat(status.get("lagSeconds").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(status.get("commits").asDouble()).isGreaterThanOrEqualTo(1);
            assertThat(status.get("lastCommit").asLong()).isGreaterThan(System.currentTimeMillis() - 120_000);
        }
    }
}
