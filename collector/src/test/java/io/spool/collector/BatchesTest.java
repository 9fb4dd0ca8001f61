package io.spool.collector;

import static io.spool.collector.TestCollector.JSON;
import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spool.collector.TestCollector.Dead;
import io.spool.collector.TestCollector.Reply;
import io.spool.collector.TestCollector.Stored;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large batches, mixed batches and the size limits. */
class BatchesTest {
    @TempDir
    Path dir;

    TestCollector c;

    @BeforeEach
    void start() {
        c = new TestCollector(dir);
    }

    @AfterEach
    void stop() {
        c.close();
    }

    static String event(int i) {
        return "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"m-" + i + "\",\"anonymousId\":\"anon-"
                + i % 97
                + "\",\"timestamp\":\"2026-03-01T12:00:00.000Z\",\"properties\":{\"product_id\":\"p-" + i
                + "\",\"price\":" + (i % 50) + ".99,\"currency\":\"EUR\",\"tags\":[\"a\",\"b\"]},"
                + "\"context\":{\"library\":{\"name\":\"spool-java\",\"version\":\"0.1.0\"},\"locale\":\"en-US\"}}";
    }

    static String batch(int n) {
        return IntStream.range(0, n)
                .mapToObj(BatchesTest::event)
                .collect(Collectors.joining(",", "{\"batch\":[", "]}"));
    }

    /** A small event, so that 2,500 of them fit in the 500 KB request limit. */
    static String compactEvent(int i) {
        return "{\"type\":\"track\",\"event\":\"Clicked\",\"messageId\":\"m-" + i + "\",\"userId\":\"u-" + i % 50
                + "\",\"properties\":{\"n\":" + i + ",\"label\":\"é\"},\"context\":{\"page\":{\"path\":\"/p/" + i
                + "\"}}}";
    }

    static String compactBatch(int n) {
        return IntStream.range(0, n)
                .mapToObj(BatchesTest::compactEvent)
                .collect(Collectors.joining(",", "{\"batch\":[", "]}"));
    }

    @Test
    void aBatchOf2500EventsIsStoredInOrderAndInFull() throws Exception {
        String body = compactBatch(2500);
        assertThat(body.length()).isLessThan(500 * 1024);
        Reply reply = c.post("/v1/batch", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<Stored> events = c.events();
        assertThat(events).hasSize(2500);
        JsonNode sent = JSON.readTree(body).get("batch");
        for (int i = 0; i < 2500; i++) {
            Stored s = events.get(i);
            assertThat(s.messageId()).isEqualTo("m-" + i);
            assertThat(s.properties()).isEqualTo(sent.get(i).get("properties"));
            assertThat(s.context()).isEqualTo(sent.get(i).get("context"));
        }
    }

    @Test
    void aGzippedBatchOf2500EventsIsStored() {
        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(KEY))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        TestCollector.gzip(compactBatch(2500).getBytes()))));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(c.events()).hasSize(2500);
    }

    @Test
    void badEventsInABatchAreDeadLetteredAndListedWhileGoodOnesAreStored() {
        String big =
                "{\"type\":\"identify\",\"userId\":\"big\",\"traits\":{\"blob\":\"" + "x".repeat(33 * 1024) + "\"}}";
        String body = "{\"batch\":["
                + event(0) + ","
                + "{\"event\":\"no type\",\"userId\":\"u\"},"
                + "{\"type\":\"track\",\"event\":\"no id\"},"
                + "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"properties\":\"not an object\"},"
                + "{\"type\":\"dance\",\"userId\":\"u\"},"
                + big + ","
                + "\"a string\","
                + "{\"type\":\"group\",\"userId\":\"u\"},"
                + "{\"type\":\"alias\",\"userId\":\"u\"},"
                + "{\"type\":\"identify\",\"userId\":\"u\",\"timestamp\":\"yesterday\"},"
                + "{\"type\":\"identify\",\"userId\":{\"nested\":true}},"
                + event(11) + "]}";

        Reply reply = c.post("/v1/batch", body);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode json = reply.json();
        assertThat(json.get("success").asBoolean()).isTrue();
        List<String> rejected = json.get("rejected").findValues("index").stream()
                .map(JsonNode::asText)
                .collect(Collectors.toList());
        assertThat(rejected).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        assertThat(json.get("rejected").get(0).get("error").asText()).isEqualTo("type is missing");
        assertThat(json.get("rejected").get(1).get("error").asText()).isEqualTo("userId or anonymousId is required");
        assertThat(json.get("rejected").get(2).get("error").asText()).isEqualTo("properties must be a JSON object");
        assertThat(json.get("rejected").get(3).get("error").asText()).isEqualTo("unknown type \"dance\"");
        assertThat(json.get("rejected").get(4).get("error").asText()).contains("over the limit of 32768 bytes");
        assertThat(json.get("rejected").get(5).get("error").asText()).isEqualTo("event is not a JSON object");
        assertThat(json.get("rejected").get(6).get("error").asText()).isEqualTo("group needs a groupId");
        assertThat(json.get("rejected").get(7).get("error").asText()).isEqualTo("alias needs userId and previousId");
        assertThat(json.get("rejected").get(8).get("error").asText()).contains("timestamp is not an ISO-8601 time");
        assertThat(json.get("rejected").get(9).get("error").asText()).isEqualTo("userId must be a string");

        assertThat(c.events()).extracting(Stored::messageId).containsExactly("m-0", "m-11");
        List<Dead> dead = c.deadLetters();
        assertThat(dead).extracting(Dead::index).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(dead.get(0).payload()).isEqualTo("{\"event\":\"no type\",\"userId\":\"u\"}");
        assertThat(dead.get(4).payload()).isEqualTo(big);
        assertThat(dead.get(5).payload()).isEqualTo("\"a string\"");
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.writeKey()).isEqualTo(KEY);
            assertThat(d.ip()).isEqualTo("127.0.0.1");
        });
        assertThat(dead.get(3).reason()).isEqualTo("unknown type \"dance\"");
    }

    @Test
    void aRequestOverTheLimitIs413AndNothingIsStored() {
        String body = batch(2000); // the default limit is 500 KB
        assertThat(body.length()).isGreaterThan(500 * 1024);

        Reply plain = c.post("/v1/batch", body);
        Reply gzipped = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(KEY))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestCollector.gzip(body.getBytes()))));

        assertThat(plain.status()).isEqualTo(413);
        assertThat(plain.json().get("error").asText()).contains("512000");
        assertThat(gzipped.status()).isEqualTo(413);
        assertThat(gzipped.json().get("error").asText()).contains("inflated");
        assertThat(c.events()).isEmpty();
    }

    @Test
    void chunkedBodiesWithoutContentLengthAreReadAndBounded() {
        byte[] ok = compactBatch(2500).getBytes();
        byte[] tooBig = batch(2000).getBytes();

        Reply accepted = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(KEY))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(ok))));
        Reply refused = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(KEY))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooBig))));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.json().get("success").asBoolean()).isFalse();
        assertThat(c.events()).hasSize(2500);
    }

    @Test
    void limitsAreConfigurable() {
        c.close();
        c = new TestCollector(dir.resolve("small"), b -> b.maxEventBytes(200).maxRequestBytes(4096));

        Reply mixed = c.post(
                "/v1/batch",
                "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"},"
                        + "{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"t\":\"" + "y".repeat(300) + "\"}}]}");
        Reply tooBig = c.post("/v1/batch", batch(20));

        assertThat(mixed.status()).isEqualTo(200);
        assertThat(mixed.json().get("rejected").get(0).get("error").asText()).contains("over the limit of 200 bytes");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(c.events()).hasSize(1);
    }
}
