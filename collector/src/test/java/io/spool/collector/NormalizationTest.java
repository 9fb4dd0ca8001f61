package io.spool.collector;

import static io.spool.collector.TestCollector.JSON;
import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spool.collector.TestCollector.Reply;
import io.spool.collector.TestCollector.Stored;
import io.spool.journal.EventRecord;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the collector adds and corrects: receivedAt, ip, messageId, timestamp, merged context. */
class NormalizationTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    TestCollector c;

    @BeforeEach
    void start() {
        c = new TestCollector(dir, b -> b.clock(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @AfterEach
    void stop() {
        c.close();
    }

    private Stored only(String body) {
        Reply reply = c.post("/v1/batch", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<Stored> events = c.events();
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void whatWasAcknowledgedIsWhatTheJournalHolds() throws Exception {
        String event = "{\"type\":\"track\",\"messageId\":\"m-1\",\"event\":\"Order Completed\",\"userId\":\"u-1\","
                + "\"anonymousId\":\"a-1\",\"timestamp\":\"2026-03-01T11:59:00.250Z\","
                + "\"properties\":{\"total\":12.5,\"items\":[{\"sku\":\"é-1\",\"qty\":2}],\"note\":\"naïve \\\"quoted\\\" 日本\"},"
                + "\"context\":{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},\"userAgent\":\"curl/8\",\"locale\":\"fr-FR\"},"
                + "\"integrations\":{\"All\":true},\"unknownField\":[1,2,3]}";
        Stored s = only("{\"batch\":[" + event + "]}");
        JsonNode sent = JSON.readTree(event);

        assertThat(s.type()).isEqualTo("track");
        assertThat(s.messageId()).isEqualTo("m-1");
        assertThat(s.event()).isEqualTo("Order Completed");
        assertThat(s.userId()).isEqualTo("u-1");
        assertThat(s.anonymousId()).isEqualTo("a-1");
        assertThat(s.timestamp()).isEqualTo(millis("2026-03-01T11:59:00.250Z"));
        assertThat(s.receivedAt()).isEqualTo(NOW.toEpochMilli());
        assertThat(s.properties()).isEqualTo(sent.get("properties"));
        assertThat(s.context()).isEqualTo(sent.get("context"));
        assertThat(s.integrations()).isEqualTo(sent.get("integrations"));
        assertThat(s.traits()).isNull();
        assertThat(s.libraryName()).isEqualTo("analytics-java");
        assertThat(s.libraryVersion()).isEqualTo("3.5.4");
        assertThat(s.userAgent()).isEqualTo("curl/8");
        assertThat(s.writeKey()).isEqualTo(KEY);
        assertThat(s.ip()).isEqualTo("127.0.0.1");
    }

    @Test
    void everyTypeKeepsItsOwnFields() {
        String body = "{\"batch\":["
                + "{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"email\":\"a@b.c\"}},"
                + "{\"type\":\"page\",\"anonymousId\":\"a\",\"name\":\"Home\",\"properties\":{\"path\":\"/\"}},"
                + "{\"type\":\"screen\",\"userId\":\"u\",\"name\":\"Main\"},"
                + "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g\",\"traits\":{\"plan\":\"pro\"}},"
                + "{\"type\":\"alias\",\"userId\":\"u\",\"previousId\":\"a\"}]}";
        assertThat(c.post("/v1/batch", body).status()).isEqualTo(200);

        List<Stored> events = c.events();
        assertThat(events).extracting(Stored::type).containsExactly("identify", "page", "screen", "group", "alias");
        assertThat(events.get(0).traits().get("email").asText()).isEqualTo("a@b.c");
        assertThat(events.get(1).name()).isEqualTo("Home");
        assertThat(events.get(1).properties().get("path").asText()).isEqualTo("/");
        assertThat(events.get(2).name()).isEqualTo("Main");
        assertThat(events.get(3).groupId()).isEqualTo("g");
        assertThat(events.get(4).previousId()).isEqualTo("a");
    }

    @Test
    void missingMessageIdGetsAUuid() {
        Stored s = only("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}");

        assertThat(UUID.fromString(s.messageId()).version()).isEqualTo(4);
    }

    @Test
    void numericIdsAreKeptAsText() {
        Stored s = only("{\"batch\":[{\"type\":\"identify\",\"userId\":12345}]}");

        assertThat(s.userId()).isEqualTo("12345");
    }

    @Test
    void ownTimestampIsKeptAsGiven() {
        Stored s = only("{\"sentAt\":\"2026-03-01T11:00:00Z\",\"batch\":[{\"type\":\"identify\",\"userId\":\"u\","
                + "\"timestamp\":\"2026-02-01T00:00:00+01:00\",\"originalTimestamp\":\"2026-01-01T00:00:00Z\"}]}");

        assertThat(s.timestamp()).isEqualTo(millis("2026-01-31T23:00:00Z"));
        assertThat(s.originalTimestamp()).isEqualTo(millis("2026-01-01T00:00:00Z"));
    }

    @Test
    void originalTimestampIsCorrectedWithTheEventsSentAt() {
        // The client's clock is 1 h behind: it sent at 11:00:00 by its clock, the event happened 5 s earlier.
        Stored s = only("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\","
                + "\"originalTimestamp\":\"2026-03-01T10:59:55Z\",\"sentAt\":\"2026-03-01T11:00:00Z\"}]}");

        assertThat(s.timestamp()).isEqualTo(millis("2026-03-01T11:59:55Z"));
        assertThat(s.sentAt()).isEqualTo(millis("2026-03-01T11:00:00Z"));
    }

    @Test
    void originalTimestampIsCorrectedWithTheBatchSentAtWhenTheEventHasNone() {
        Stored s = only("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\","
                + "\"originalTimestamp\":\"2026-03-01T13:59:58.500+02:00\"}],\"sentAt\":\"2026-03-01T12:00:00.000Z\"}");

        // the client is 2 h ahead (in UTC terms 11:59:58.5 vs sent 12:00:00): 1.5 s before receivedAt
        assertThat(s.timestamp()).isEqualTo(NOW.toEpochMilli() - 1500);
        assertThat(s.sentAt()).isEqualTo(millis("2026-03-01T12:00:00Z"));
    }

    @Test
    void originalTimestampWithoutAnySentAtIsTakenAsIs() {
        Stored s = only("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\","
                + "\"originalTimestamp\":\"2026-03-01T11:00:00.123456+00:00\"}]}");

        assertThat(s.timestamp()).isEqualTo(millis("2026-03-01T11:00:00.123Z"));
        assertThat(s.sentAt()).isEqualTo(EventRecord.NO_TIME);
    }

    @Test
    void noTimeAtAllMeansReceivedAt() {
        Stored s = only("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}");

        assertThat(s.timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(s.originalTimestamp()).isEqualTo(EventRecord.NO_TIME);
    }

    @Test
    void batchContextAndIntegrationsAreMergedUnderTheEventsOwn() throws Exception {
        String body = "{\"context\":{\"library\":{\"name\":\"batch-lib\",\"version\":\"9\"},\"ip\":\"1.2.3.4\","
                + " \"app\" : {\"name\":\"shop\"} },"
                + "\"integrations\":{\"All\":false,\"Mixpanel\":true},"
                + "\"batch\":["
                + "{\"type\":\"identify\",\"userId\":\"u1\",\"context\":{ \"app\":{\"name\":\"mine\"}, \"locale\":\"de\" },"
                + "\"integrations\":{\"All\":true}},"
                + "{\"type\":\"identify\",\"userId\":\"u2\"},"
                + "{\"type\":\"identify\",\"userId\":\"u3\",\"context\":{}},"
                + "{\"type\":\"identify\",\"userId\":\"u4\",\"context\":{\"library\":{\"name\":\"own\"},\"userAgent\":\"ua\"}}]}";
        assertThat(c.post("/v1/batch", body).status()).isEqualTo(200);

        List<Stored> events = c.events();
        assertThat(events.get(0).context())
                .isEqualTo(
                        JSON.readTree(
                                "{\"app\":{\"name\":\"mine\"},\"locale\":\"de\",\"library\":{\"name\":\"batch-lib\",\"version\":\"9\"},\"ip\":\"1.2.3.4\"}"));
        assertThat(events.get(0).integrations()).isEqualTo(JSON.readTree("{\"All\":true,\"Mixpanel\":true}"));
        assertThat(events.get(0).libraryName()).isEqualTo("batch-lib");
        assertThat(events.get(1).context())
                .isEqualTo(
                        JSON.readTree(
                                "{\"library\":{\"name\":\"batch-lib\",\"version\":\"9\"},\"ip\":\"1.2.3.4\",\"app\":{\"name\":\"shop\"}}"));
        assertThat(events.get(1).integrations()).isEqualTo(JSON.readTree("{\"All\":false,\"Mixpanel\":true}"));
        assertThat(events.get(1).libraryVersion()).isEqualTo("9");
        assertThat(events.get(2).context()).isEqualTo(events.get(1).context());
        assertThat(events.get(3).libraryName()).isEqualTo("own");
        assertThat(events.get(3).libraryVersion())
                .as("the event's library wins as a whole")
                .isNull();
        assertThat(events.get(3).userAgent()).isEqualTo("ua");
        assertThat(events.get(3).context().get("ip").asText()).isEqualTo("1.2.3.4");
        assertThat(events)
                .extracting(Stored::ip)
                .as("the batch context's ip is the client's")
                .containsOnly("1.2.3.4");
    }

    @Test
    void theClientsOwnContextIpWinsOverTheConnectionsAddress() throws Exception {
        // A server library relaying its users' events sends their addresses in context.ip (Segment's rule).
        String body = "{\"context\":{\"ip\":\"198.51.100.9\"},\"batch\":["
                + "{\"type\":\"track\",\"event\":\"a\",\"userId\":\"u\",\"context\":{\"ip\":\"203.0.113.7\"}},"
                + "{\"type\":\"track\",\"event\":\"b\",\"userId\":\"u\"},"
                + "{\"type\":\"track\",\"event\":\"c\",\"userId\":\"u\",\"context\":{\"ip\":\"  \"}}]}";
        assertThat(c.post("/v1/batch", body).status()).isEqualTo(200);
        assertThat(c.post("/v1/track", "{\"event\":\"d\",\"userId\":\"u\",\"context\":{\"ip\":42}}")
                        .status())
                .isEqualTo(200);
        assertThat(c.post("/v1/track", "{\"event\":\"e\",\"userId\":\"u\",\"context\":{\"ip\":\"2001:db8::1\"}}")
                        .status())
                .isEqualTo(200);
        // not an address (text, half a surrogate pair): the connection's
        assertThat(c.post("/v1/track", "{\"event\":\"f\",\"userId\":\"u\",\"context\":{\"ip\":\"localhost\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(c.post("/v1/track", "{\"event\":\"g\",\"userId\":\"u\",\"context\":{\"ip\":\"1.2.\\ud83d3.4\"}}")
                        .status())
                .isEqualTo(200);

        assertThat(c.events())
                .extracting(Stored::event, Stored::ip)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", "203.0.113.7"),
                        org.assertj.core.groups.Tuple.tuple("b", "198.51.100.9"),
                        // its own blank ip hides the batch's (the stored context says "  "): the socket's address
                        org.assertj.core.groups.Tuple.tuple("c", "127.0.0.1"),
                        org.assertj.core.groups.Tuple.tuple("d", "127.0.0.1"),
                        org.assertj.core.groups.Tuple.tuple("e", "2001:db8::1"),
                        org.assertj.core.groups.Tuple.tuple("f", "127.0.0.1"),
                        org.assertj.core.groups.Tuple.tuple("g", "127.0.0.1"));
        // the context itself is stored as sent
        assertThat(c.events().get(0).context().get("ip").asText()).isEqualTo("203.0.113.7");
    }

    @Test
    void ipComesFromTheSocketUnlessAProxyIsTrusted() {
        c.send(forwarded(c));
        assertThat(c.events()).extracting(Stored::ip).containsExactly("127.0.0.1");
        c.close();

        c = new TestCollector(dir.resolve("trusting"), b -> b.trustProxy(true));
        c.send(forwarded(c));
        assertThat(c.events()).extracting(Stored::ip).containsExactly("203.0.113.7");
    }

    private static HttpRequest.Builder forwarded(TestCollector c) {
        return HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(KEY))
                .header("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}"));
    }
}
