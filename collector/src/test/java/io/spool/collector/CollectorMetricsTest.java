package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What /metrics says, checked against what the test sent. */
class CollectorMetricsTest {
    @TempDir
    Path dir;

    private static String track(String id) {
        return "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"messageId\":\"" + id + "\"}";
    }

    @Test
    void requestsAreCountedByRouteAndStatusWithHealthAndMetricsApartFromIngest() {
        try (TestCollector c = new TestCollector(dir)) {
            c.post("/v1/batch", "{\"batch\":[" + track("a") + "]}");
            c.post("/v1/batch/", "{\"batch\":[" + track("b") + "]}"); // the trailing slash is the same route
            c.post("/v1/t", track("c"));
            c.post("/v1/track", "{\"type\":\"track\"}"); // refused: 400
            for (int i = 0; i < 20; i++) {
                c.post("/probe-" + i, "{}"); // unknown paths: one label, however many
            }
            c.send(HttpRequest.newBuilder(c.uri("/health")).GET());
            c.send(HttpRequest.newBuilder(c.uri("/health")).GET());
            Scrape.of(c);

            Scrape m = Scrape.of(c);
            String requests = "spool_collector_requests_total";
            assertThat(m.sum(requests, "route", "/v1/batch", "status", "200")).isEqualTo(2);
            assertThat(m.sum(requests, "route", "/v1/t", "status", "200")).isEqualTo(1);
            assertThat(m.sum(requests, "route", "/v1/track", "status", "400")).isEqualTo(1);
            assertThat(m.sum(requests, "route", "other", "status", "404")).isEqualTo(20);
            assertThat(m.sum(requests, "route", "/health", "status", "200")).isEqualTo(2);
            assertThat(m.sum(requests, "route", "/metrics", "status", "200")).isEqualTo(1); // not this scrape
            assertThat(m.values(requests, "route"))
                    .containsExactlyInAnyOrder("/v1/batch", "/v1/t", "/v1/track", "other", "/health", "/metrics");
            // what an ingest alert sums: the /v1 routes only
            double ingest = m.values(requests, "route").stream()
                    .filter(r -> r.startsWith("/v1/"))
                    .mapToDouble(r -> m.sum(requests, "route", r))
                    .sum();
            assertThat(ingest).isEqualTo(4);
        }
    }

    @Test
    void eventsAreCountedByWriteKeyPrefixTypeAndOutcome() {
        String other = "second-key-0123456789";
        try (TestCollector c = new TestCollector(dir, b -> b.writeKey(other))) {
            c.post(
                    "/v1/batch",
                    "{\"batch\":[" + track("1") + "," + track("2")
                            + ",{\"type\":\"identify\",\"userId\":\"u\"},{\"type\":\"track\",\"userId\":\"u\"},{\"type\":\"bogus\"}]}");
            c.send(HttpRequest.newBuilder(c.uri("/v1/page"))
                    .header("Authorization", TestCollector.basic(other))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"page\",\"anonymousId\":\"a\"}")));

            Scrape m = Scrape.of(c);
            String events = "spool_collector_events_total";
            assertThat(m.sum(events, "write_key", "test…", "type", "track", "outcome", "accepted"))
                    .isEqualTo(2);
            assertThat(m.sum(events, "write_key", "test…", "type", "identify", "outcome", "accepted"))
                    .isEqualTo(1);
            assertThat(m.sum(events, "write_key", "test…", "type", "track", "outcome", "rejected"))
                    .isEqualTo(1);
            assertThat(m.sum(events, "write_key", "test…", "type", "invalid", "outcome", "rejected"))
                    .isEqualTo(1);
            assertThat(m.sum(events, "write_key", "seco…", "type", "page", "outcome", "accepted"))
                    .isEqualTo(1);
            // the labelled counts add up to the totals
            assertThat(m.sum(events, "outcome", "accepted"))
                    .isEqualTo(m.sum("spool_collector_events_accepted_total"))
                    .isEqualTo(4);
            assertThat(m.sum(events, "outcome", "rejected"))
                    .isEqualTo(m.sum("spool_collector_events_rejected_total"))
                    .isEqualTo(2);
            assertThat(m.text).doesNotContain(KEY).doesNotContain(other); // never the key itself
        }
    }

    @Test
    void anOpenCollectorLabelsTheFirst64KeysAndCountsTheRestAsOther() {
        try (io.spool.journal.Journal journal = io.spool.journal.Journal.open(dir.resolve("open"));
                Collector open = Collector.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .journal(journal)
                        .allowAnonymous(true)
                        .ioThreads(1)
                        .build()
                        .start()) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (int i = 0; i < 80; i++) {
                send(http, open, (1000 + i) + "-secret");
            }
            send(http, open, null);
            String text = send(http, open, "metrics");
            Scrape m = Scrape.parse(text);
            java.util.Set<String> labels = m.values("spool_collector_events_total", "write_key");
            assertThat(labels)
                    .contains("1000…", "1063…", "other", "anonymous")
                    .doesNotContain("1064…")
                    .hasSize(64 + 2);
            assertThat(m.sum("spool_collector_events_total", "write_key", "other"))
                    .isEqualTo(80 - 64);
            assertThat(m.sum("spool_collector_events_total")).isEqualTo(81);
            assertThat(m.sum("spool_collector_events_total", "write_key", "anonymous"))
                    .isEqualTo(1);
        }
    }

    private static String send(java.net.http.HttpClient http, Collector c, String key) {
        try {
            String base = "http://127.0.0.1:" + c.port();
            if ("metrics".equals(key)) {
                return http.send(
                                HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                                        .GET()
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
            }
            HttpRequest.Builder r = HttpRequest.newBuilder(java.net.URI.create(base + "/v1/track"))
                    .POST(HttpRequest.BodyPublishers.ofString(track("m")));
            if (key != null) {
                r.header("Authorization", TestCollector.basic(key));
            }
            int status = http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            assertThat(status).isEqualTo(200);
            return null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void jvmAndProcessMetricsAreServed() {
        try (TestCollector c = new TestCollector(dir)) {
            Scrape m = Scrape.of(c);
            assertThat(m.sum("jvm_memory_used_bytes", "area", "heap")).isPositive();
            assertThat(m.sum("jvm_threads_current")).isPositive();
            assertThat(m.sum("process_cpu_seconds_total")).isPositive();
            assertThat(m.sum("process_open_fds")).isPositive();
        }
    }
}
