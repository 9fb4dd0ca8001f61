package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spool.collector.TestCollector.Reply;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a metrics key, /metrics answers only a scraper that sends it; /health and ingest do not change. */
class MetricsKeyTest {
    private static final String METRICS_KEY = "scrape-8f3a1c";

    @TempDir
    Path dir;

    private static Reply metrics(TestCollector c, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(c.uri("/metrics")).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return c.send(request);
    }

    private static String basicWithPassword(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withAKeyMetricsNeedTheBearerTokenPrometheusSends() {
        try (TestCollector c = new TestCollector(dir, b -> b.metricsKey(METRICS_KEY))) {
            for (String refused : new String[] {
                null,
                "Bearer wrong",
                "Bearer " + METRICS_KEY + "x",
                "Bearer",
                basic(KEY),
                basic(METRICS_KEY),
                "Token " + METRICS_KEY,
                "Basic !!!"
            }) {
                Reply reply = metrics(c, refused);

                assertThat(reply.status()).as(String.valueOf(refused)).isEqualTo(401);
                assertThat(reply.json().get("success").asBoolean()).isFalse();
                assertThat(reply.json().get("error").asText())
                        .isEqualTo("/metrics needs the metrics key: send Authorization: Bearer <key>");
                assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
                assertThat(reply.body()).doesNotContain("spool_collector_");
            }

            // what Prometheus sends with `authorization: {credentials: KEY}` (type Bearer by default)
            Reply bearer = metrics(c, "Bearer " + METRICS_KEY);
            assertThat(bearer.status()).isEqualTo(200);
            assertThat(bearer.body()).contains("spool_collector_events_accepted_total");
            // ... and with `basic_auth: {username: any, password: KEY}`
            assertThat(metrics(c, basicWithPassword("prometheus", METRICS_KEY)).status())
                    .isEqualTo(200);
            // the refusals above were counted like any other answer
            assertThat(metrics(c, "Bearer " + METRICS_KEY).body())
                    .contains("spool_collector_requests_total{route=\"/metrics\",status=\"401\"} 8.0");
        }
    }

    @Test
    void healthAndIngestAreNotBehindTheMetricsKey() {
        try (TestCollector c = new TestCollector(dir, b -> b.metricsKey(METRICS_KEY))) {
            assertThat(c.send(HttpRequest.newBuilder(c.uri("/health")).GET()).status())
                    .isEqualTo(200);
            assertThat(c.post("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}")
                            .status())
                    .isEqualTo(200);
            assertThat(c.events()).hasSize(1);
        }
    }

    @Test
    void withoutAKeyMetricsAreOpen() {
        try (TestCollector c = new TestCollector(dir)) {
            Reply reply = metrics(c, null);

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).contains("spool_collector_events_accepted_total");
        }
    }

    @Test
    void aKeyThatCannotTravelInAHeaderIsRefusedAtBuild() {
        for (String bad : new String[] {"", " padded", "two words", "tab\there", "naïve"}) {
            assertThatThrownBy(() -> Collector.builder()
                            .journalDir(dir.resolve("j"))
                            .writeKey(KEY)
                            .metricsKey(bad)
                            .build())
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("metricsKey(): must be printable ASCII");
        }
    }
}
