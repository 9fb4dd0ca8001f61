package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each alert README.md recommends for the collector ("Collector alerts"), with its condition created:
 * the series its expression reads must move as the expression needs (a rate over a window is the
 * difference of two scrapes), and stay still when all is well.
 */
class CollectorAlertsTest {
    private static final String REQUESTS = "spool_collector_requests_total";
    private static final String EVENTS = "spool_collector_events_total";

    @TempDir
    Path dir;

    private static String track(String id) {
        return "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"messageId\":\"" + id + "\"}";
    }

    /** {@code sum(rate(requests{route=~"/v1/.*",status=~"<pattern>"}))}, as the difference of two scrapes. */
    private static double ingest(Scrape before, Scrape after, String statusPattern) {
        return ingest(after, statusPattern) - ingest(before, statusPattern);
    }

    private static double ingest(Scrape m, String statusPattern) {
        double sum = 0;
        for (String route : m.values(REQUESTS, "route")) {
            if (!route.startsWith("/v1/")) {
                continue;
            }
            for (String status : m.values(REQUESTS, "status")) {
                if (status.matches(statusPattern)) {
                    sum += m.sum(REQUESTS, "route", route, "status", status);
                }
            }
        }
        return sum;
    }

    @Test
    void spoolCollectorNotStoringFiresWhileTheJournalsDiskIsUnderTheMinimum() {
        // The condition: less free disk than --min-free-disk (here: more than any disk has).
        try (TestCollector c = new TestCollector(dir, b -> b.minFreeDiskBytes(Long.MAX_VALUE))) {
            Scrape before = Scrape.of(c);
            for (int i = 0; i < 3; i++) {
                assertThat(c.post("/v1/batch", "{\"batch\":[" + track("d" + i) + "]}")
                                .status())
                        .isEqualTo(503);
            }
            c.send(HttpRequest.newBuilder(c.uri("/health")).GET()); // a load balancer's probe: 503, not ingest
            Scrape after = Scrape.of(c);
            assertThat(ingest(before, after, "5..")).isEqualTo(3);
        }
        try (TestCollector healthy = new TestCollector(dir.resolve("healthy"))) {
            Scrape before = Scrape.of(healthy);
            healthy.post("/v1/batch", "{\"batch\":[" + track("ok") + "]}");
            assertThat(ingest(before, Scrape.of(healthy), "5.."))
                    .as("quiet when events are stored")
                    .isZero();
        }
    }

    @Test
    void spoolCollectorUnknownWriteKeyFiresForAClientWithAWrongKey() {
        try (TestCollector c = new TestCollector(dir)) {
            Scrape before = Scrape.of(c);
            assertThat(c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                                    .header("Authorization", TestCollector.basic("stale-key"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[" + track("w") + "]}")))
                            .status())
                    .isEqualTo(401);
            assertThat(c.post("/v1/batch", "{\"writeKey\":\"typo\",\"batch\":[" + track("x") + "]}")
                            .status())
                    .as("the header's key is accepted; the body's is not looked at")
                    .isEqualTo(200);
            assertThat(c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"writeKey\":\"typo\",\"batch\":[" + track("y") + "]}")))
                            .status())
                    .isEqualTo(401);
            Scrape after = Scrape.of(c);
            assertThat(ingest(before, after, "401")).isEqualTo(2);
            assertThat(after.sum(REQUESTS, "route", "/v1/batch", "status", "200"))
                    .isEqualTo(1);
        }
    }

    @Test
    void spoolCollectorRejectingEventsFiresWhenMoreThanOnePercentAreDeadLettered() {
        try (TestCollector c = new TestCollector(dir)) {
            Scrape before = Scrape.of(c);
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int i = 0; i < 95; i++) {
                batch.append(track("ok" + i)).append(',');
            }
            for (int i = 0; i < 5; i++) {
                batch.append("{\"type\":\"track\",\"userId\":\"u\"}").append(i < 4 ? "," : ""); // no event name
            }
            assertThat(c.post("/v1/batch", batch.append("]}").toString()).status())
                    .isEqualTo(200);
            Scrape after = Scrape.of(c);
            double rejected = after.sum(EVENTS, "outcome", "rejected") - before.sum(EVENTS, "outcome", "rejected");
            double all = after.sum(EVENTS) - before.sum(EVENTS);
            assertThat(rejected / all).isEqualTo(0.05).isGreaterThan(0.01);
            // by (write_key, type) says whose events and which kind
            assertThat(after.sum(
                            EVENTS, "write_key", KEY.substring(0, 4) + "…", "type", "track", "outcome", "rejected"))
                    .isEqualTo(5);
        }
    }

    @Test
    void spoolCollectorRateLimitedFiresWhenAKeyGoesOverTheLimit() {
        try (TestCollector c = new TestCollector(dir, b -> b.rateLimit(5))) {
            Scrape before = Scrape.of(c);
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int i = 0; i < 20; i++) {
                batch.append(i > 0 ? "," : "").append(track("r" + i));
            }
            String body = batch.append("]}").toString();
            // a batch over the bucket goes through once (the bucket owes it), the next waits
            assertThat(c.post("/v1/batch", body).status()).isEqualTo(200);
            assertThat(c.post("/v1/batch", body).status()).isEqualTo(429);
            assertThat(ingest(before, Scrape.of(c), "429")).isEqualTo(1);
        }
    }
}
