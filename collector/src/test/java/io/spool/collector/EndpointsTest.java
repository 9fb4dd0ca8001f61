package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.spool.collector.TestCollector.Reply;
import io.spool.collector.TestCollector.Stored;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every path, method and status code of the wire protocol, through real HTTP. */
class EndpointsTest {
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

    private static String track(String id) {
        return "{\"type\":\"track\",\"event\":\"Signed Up\",\"userId\":\"" + id + "\",\"messageId\":\"" + id + "\"}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/batch", "/v1/batch/", "/v1/import", "/v1/import/"})
    void batchPathsStoreEveryEvent(String path) {
        Reply reply = c.post(path, "{\"batch\":[" + track("m1") + "," + track("m2") + "]}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"success\":true}");
        assertThat(c.events()).extracting(Stored::messageId).containsExactly("m1", "m2");
    }

    @ParameterizedTest
    @CsvSource({
        "/v1/track, track, '\"event\":\"Clicked\",'",
        "/v1/t/, track, '\"event\":\"Clicked\",'",
        "/v1/identify, identify, ''",
        "/v1/i, identify, ''",
        "/v1/page, page, '\"name\":\"Home\",'",
        "/v1/p, page, ''",
        "/v1/screen/, screen, '\"name\":\"Main\",'",
        "/v1/s, screen, ''",
        "/v1/group, group, '\"groupId\":\"g1\",'",
        "/v1/g, group, '\"groupId\":\"g1\",'",
        "/v1/alias, alias, '\"previousId\":\"anon-1\",'",
        "/v1/a/, alias, '\"previousId\":\"anon-1\",'",
    })
    void singleEventPathsTakeTheirTypeFromThePath(String path, String type, String fields) {
        Reply reply = c.post(path, "{" + fields + "\"userId\":\"u1\",\"type\":\"ignored\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("success").asBoolean()).isTrue();
        List<Stored> events = c.events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).type()).isEqualTo(type);
        assertThat(events.get(0).userId()).isEqualTo("u1");
    }

    @Test
    void invalidSingleEventIs400AndKeptAsDeadLetter() {
        Reply reply = c.post("/v1/track", "{\"userId\":\"u1\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertThat(reply.json().get("error").asText()).isEqualTo("track needs an event name");
        assertThat(c.events()).isEmpty();
        assertThat(c.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.index()).isEqualTo(-1);
            assertThat(d.reason()).isEqualTo("track needs an event name");
            assertThat(d.payload()).isEqualTo("{\"userId\":\"u1\"}");
            assertThat(d.writeKey()).isEqualTo(KEY);
        });
    }

    @Test
    void writeKeyInTheBodyAuthenticates() {
        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"batch\":[" + track("m1") + "],\"writeKey\":\"" + KEY + "\"}")));
        Reply single = c.send(HttpRequest.newBuilder(c.uri("/v1/t"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"writeKey\":\"" + KEY + "\",\"event\":\"E\",\"anonymousId\":\"a\"}")));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(single.status()).isEqualTo(200);
        assertThat(c.events()).extracting(Stored::writeKey).containsExactly(KEY, KEY);
    }

    @Test
    void basicAuthKeyIsStoredWithTheEvent() {
        c.post("/v1/batch", "{\"batch\":[" + track("m1") + "]}");

        assertThat(c.events()).extracting(Stored::writeKey).containsExactly(KEY);
    }

    @Test
    void missingOrUnknownKeysAre401() {
        String body = "{\"batch\":[" + track("m1") + "]}";
        Reply none = c.send(HttpRequest.newBuilder(c.uri("/v1/batch")).POST(HttpRequest.BodyPublishers.ofString(body)));
        Reply unknownHeader = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic("nope"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        Reply malformedHeader = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", "Bearer x")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        Reply unknownBody = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"writeKey\":\"nope\",\"batch\":[" + track("m1") + "]}")));

        for (Reply r : List.of(none, unknownHeader, malformedHeader, unknownBody)) {
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.json().get("success").asBoolean()).isFalse();
            assertThat(r.json().get("error").asText()).isNotBlank();
        }
        assertThat(none.json().get("error").asText()).contains("missing write key");
        assertThat(unknownHeader.json().get("error").asText()).isEqualTo("unknown write key");
        assertThat(c.events()).isEmpty();
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() {
        Reply notFound = c.post("/v2/batch", "{}");
        Reply get = c.send(HttpRequest.newBuilder(c.uri("/v1/batch")).GET());
        Reply postHealth = c.post("/health", "{}");

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().get("error").asText()).contains("/v2/batch");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST, OPTIONS");
        assertThat(get.json().get("success").asBoolean()).isFalse();
        assertThat(postHealth.status()).isEqualTo(405);
    }

    @Test
    void unknownContentEncodingIs415() {
        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(KEY))
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[]}")));

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().get("error").asText()).contains("br");
    }

    @Test
    void gzipBodiesAreInflated() {
        byte[] body = ("{\"batch\":[" + track("m1") + "," + track("m2") + "]}").getBytes();
        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/v1/import/"))
                .header("Authorization", basic(KEY))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestCollector.gzip(body))));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(c.events()).extracting(Stored::messageId).containsExactly("m1", "m2");
    }

    @Test
    void corsPreflightAllowsTheHeadersBrowsersSend() {
        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/v1/t"))
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        Reply post = c.post("/v1/batch", "{\"batch\":[]}");

        assertThat(reply.status()).isEqualTo(204);
        assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(reply.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(reply.header("Access-Control-Allow-Headers"))
                .contains("Authorization")
                .contains("Content-Type")
                .contains("Content-Encoding");
        assertThat(post.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void healthSaysTheJournalIsWritable() {
        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/health")).GET());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("status").asText()).isEqualTo("ok");
        assertThat(reply.json().get("journal").asText()).isEqualTo("writable");
    }

    @Test
    void metricsCountRequestsEventsBytesAndAppendLatency() {
        c.post("/v1/batch", "{\"batch\":[" + track("m1") + ",{\"type\":\"track\"}]}");
        c.post("/v1/nope", "{}");

        Reply reply = c.send(HttpRequest.newBuilder(c.uri("/metrics/")).GET());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/plain");
        String text = reply.body();
        assertThat(text)
                .contains("spool_collector_requests_total{route=\"/v1/batch\",status=\"200\"} 1")
                .contains("spool_collector_requests_total{route=\"other\",status=\"404\"} 1")
                .contains("spool_collector_events_accepted_total 1")
                .contains("spool_collector_events_rejected_total 1")
                .contains("spool_collector_received_bytes_total{encoding=\"identity\"}")
                .contains("spool_collector_append_seconds_count 1");
    }

    @Test
    void everyErrorBodyIsJson() {
        List<Reply> errors = List.of(
                c.post("/v1/batch", "not json"),
                c.post("/nowhere", ""),
                c.send(HttpRequest.newBuilder(c.uri("/v1/track")).PUT(HttpRequest.BodyPublishers.ofString("{}"))),
                c.send(HttpRequest.newBuilder(c.uri("/v1/track")).POST(HttpRequest.BodyPublishers.ofString("{}"))));

        assertThat(errors.stream().map(Reply::status).collect(Collectors.toList()))
                .containsExactly(400, 404, 405, 401);
        for (Reply r : errors) {
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.json().get("success").asBoolean()).isFalse();
            assertThat(r.json().get("error").asText()).isNotBlank();
        }
    }
}
