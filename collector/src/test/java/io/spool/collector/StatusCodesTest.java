package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.spool.collector.TestCollector.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status codes that need a collector set up for them: 429, 503, anonymous mode. */
class StatusCodesTest {
    @TempDir
    Path dir;

    private static final String ONE = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}";

    @Test
    void overTheRateLimitIs429WithRetryAfter() {
        try (TestCollector c = new TestCollector(dir, b -> b.rateLimit(1))) {
            Reply first = c.post("/v1/batch", ONE);
            Reply second = c.post("/v1/batch", ONE);

            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(429);
            assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(1L, 2L);
            assertThat(second.json().get("error").asText()).contains("rate limit");
            assertThat(c.events()).hasSize(1);
        }
    }

    @Test
    void journalWithoutEnoughFreeDiskIs503AndHealthSaysWhy() {
        try (TestCollector c = new TestCollector(dir, b -> b.minFreeDiskBytes(Long.MAX_VALUE))) {
            Reply ingest = c.post("/v1/batch", ONE);
            Reply health = c.send(HttpRequest.newBuilder(c.uri("/health")).GET());

            assertThat(ingest.status()).isEqualTo(503);
            assertThat(ingest.json().get("error").asText()).contains("free");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("success").asBoolean()).isFalse();
            assertThat(c.events()).isEmpty();
        }
    }

    @Test
    void anonymousModeAcceptsRequestsWithoutAKey() {
        try (TestCollector c = new TestCollector(dir, b -> b.allowAnonymous(true))) {
            Reply reply =
                    c.send(HttpRequest.newBuilder(c.uri("/v1/batch")).POST(HttpRequest.BodyPublishers.ofString(ONE)));
            Reply wrongKey = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                    .header("Authorization", basic("other"))
                    .POST(HttpRequest.BodyPublishers.ofString(ONE)));
            Reply rightKey = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                    .header("Authorization", basic(KEY))
                    .POST(HttpRequest.BodyPublishers.ofString(ONE)));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(wrongKey.status())
                    .as("configured keys are still checked")
                    .isEqualTo(401);
            assertThat(rightKey.status()).isEqualTo(200);
            assertThat(c.events()).extracting(TestCollector.Stored::writeKey).containsExactly(null, KEY);
        }
    }
}
