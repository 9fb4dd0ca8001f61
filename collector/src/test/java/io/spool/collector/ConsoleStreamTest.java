package io.spool.collector;

import static io.spool.collector.TestCollector.JSON;
import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spool.collector.TestCollector.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's feed as a viewer's page reads it ({@code /console/stream}, server-sent events): who
 * may see what, filters, dead letters, the schema view, and no reading thread when nobody watches.
 */
class ConsoleStreamTest {
    private static final String OTHER_KEY = "other-key";
    private static final String ADMIN_KEY = "admin-5e1b9d2c";

    @TempDir
    Path dir;

    private TestCollector console() {
        return new TestCollector(dir, b -> b.writeKey(OTHER_KEY).console(true).consoleAdminKey(ADMIN_KEY));
    }

    private static Reply post(TestCollector c, String key, String body) {
        return c.send(HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", basic(key))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A connected viewer: the updates it has received, in order. */
    private static final class Stream2 implements AutoCloseable {
        final BlockingQueue<JsonNode> updates = new LinkedBlockingQueue<>();
        final List<JsonNode> seen = new ArrayList<>();
        final HttpResponse<Stream<String>> response;
        private final Thread reader;

        Stream2(TestCollector c, String keys, String query) {
            HttpRequest request = HttpRequest.newBuilder(c.uri("/console/stream" + (query == null ? "" : "?" + query)))
                    .header("Authorization", "Bearer " + keys)
                    .GET()
                    .build();
            try {
                response = c.http.send(request, HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            reader = new Thread(
                    () -> {
                        StringBuilder data = new StringBuilder();
                        try {
                            Iterator<String> lines = response.body().iterator();
                            while (lines.hasNext()) {
                                String line = lines.next();
                                if (line.startsWith("data:")) {
                                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5))
                                            .append('\n');
                                } else if (line.isEmpty() && data.length() > 0) {
                                    updates.add(JSON.readTree(data.toString()));
                                    data.setLength(0);
                                }
                            }
                        } catch (Exception closed) {
                            // the test closed the stream
                        }
                    },
                    "console-viewer");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until some update satisfies {@code condition}; returns it. */
        JsonNode await(Predicate<JsonNode> condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (JsonNode u : seen) {
                if (condition.test(u)) {
                    return u;
                }
            }
            while (System.nanoTime() < deadline) {
                JsonNode u = updates.poll(100, TimeUnit.MILLISECONDS);
                if (u != null) {
                    seen.add(u);
                    if (condition.test(u)) {
                        return u;
                    }
                }
            }
            throw new AssertionError("no update matched within 20 s; received " + seen.size() + ": " + seen);
        }

        /** Every event received so far, drained. */
        List<JsonNode> events() {
            List<JsonNode> drained = new ArrayList<>();
            updates.drainTo(drained);
            seen.addAll(drained);
            List<JsonNode> events = new ArrayList<>();
            for (JsonNode u : seen) {
                u.get("events").forEach(events::add);
            }
            return events;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private static Predicate<JsonNode> hasEvent(String name) {
        return u -> {
            for (JsonNode e : u.get("events")) {
                if (name.equals(e.path("event").asText(null))) {
                    return true;
                }
            }
            return false;
        };
    }

    @Test
    void offByDefault() {
        try (TestCollector c = new TestCollector(dir)) {
            Reply reply = c.send(HttpRequest.newBuilder(c.uri("/console")).GET());

            assertThat(reply.status()).isEqualTo(404);
        }
    }

    @Test
    void aViewerWithoutAKnownKeySeesNothing() {
        try (TestCollector c = console()) {
            for (String auth : new String[] {null, "Bearer ", "Bearer wrong-key", basic(KEY), "Bearer " + KEY + "x"}) {
                HttpRequest.Builder request =
                        HttpRequest.newBuilder(c.uri("/console/stream")).GET();
                if (auth != null) {
                    request.header("Authorization", auth);
                }
                Reply reply = c.send(request);

                assertThat(reply.status()).as(String.valueOf(auth)).isEqualTo(401);
                assertThat(reply.json().get("success").asBoolean()).isFalse();
                assertThat(reply.json().get("error").asText()).isNotBlank();
            }
            // the page itself is public (it holds no data) and fetches nothing from elsewhere
            Reply page = c.send(HttpRequest.newBuilder(c.uri("/console")).GET());
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
            assertThat(page.body())
                    .contains("/console/console.js")
                    .doesNotContain("http://")
                    .doesNotContain("https://");
        }
    }

    @Test
    void aWriteKeySeesItsOwnEventsAndTheAdminKeySeesAll() throws Exception {
        try (TestCollector c = console();
                Stream2 mine = new Stream2(c, KEY, null);
                Stream2 admin = new Stream2(c, ADMIN_KEY, null)) {
            assertThat(mine.response.statusCode()).isEqualTo(200);
            assertThat(mine.response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));

            assertThat(post(c, OTHER_KEY, "{\"batch\":[{\"type\":\"track\",\"event\":\"Theirs\",\"userId\":\"u9\"}]}")
                            .status())
                    .isEqualTo(200);
            assertThat(post(
                                    c,
                                    KEY,
                                    "{\"batch\":[{\"type\":\"track\",\"event\":\"Mine\",\"userId\":\"u1\","
                                            + "\"properties\":{\"plan\":\"pro\"}}]}")
                            .status())
                    .isEqualTo(200);

            JsonNode update = mine.await(hasEvent("Mine"));
            admin.await(hasEvent("Theirs"));
            admin.await(hasEvent("Mine"));

            JsonNode event = null;
            for (JsonNode e : update.get("events")) {
                event = e;
            }
            assertThat(event.get("userId").asText()).isEqualTo("u1");
            assertThat(event.get("properties").get("plan").asText()).isEqualTo("pro");
            assertThat(event.get("receivedAt").asText()).isNotEmpty();
            assertThat(event.get("messageId").asText()).isNotEmpty();
            assertThat(mine.events())
                    .extracting(e -> e.get("writeKey").asText())
                    .containsOnly(KEY);
            // rates: the viewer's series only
            assertThat(update.get("rates").get("series"))
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(s.get("writeKey").asText()).isEqualTo(KEY));
        }
    }

    @Test
    void filtersRefusedEventsAndTheSchemaView() throws Exception {
        try (TestCollector c = console();
                Stream2 signups = new Stream2(c, KEY + "," + OTHER_KEY, "event=Signup&userId=u2")) {
            assertThat(post(
                                    c,
                                    KEY,
                                    "{\"batch\":["
                                            + "{\"type\":\"track\",\"event\":\"Signup\",\"userId\":\"u1\",\"properties\":{\"revenue\":10}},"
                                            + "{\"type\":\"track\",\"event\":\"Signup\",\"userId\":\"u2\",\"properties\":{\"revenue\":\"10.00\"}},"
                                            + "{\"type\":\"track\",\"event\":\"Login\",\"userId\":\"u2\"},"
                                            + "{\"type\":\"track\",\"userId\":\"u3\",\"properties\":{\"why\":\"no event name\"}}]}")
                            .status())
                    .isEqualTo(200);

            signups.await(hasEvent("Signup"));
            JsonNode refused = signups.await(u -> u.get("deadLetters").size() > 0)
                    .get("deadLetters")
                    .get(0);
            JsonNode schema = signups.await(u -> {
                for (JsonNode s : u.path("schema")) {
                    if (s.get("name").asText().equals("Signup")
                            && s.get("count").asInt() == 2) {
                        return true;
                    }
                }
                return false;
            });

            assertThat(signups.events()).allSatisfy(e -> {
                assertThat(e.get("event").asText()).isEqualTo("Signup");
                assertThat(e.get("userId").asText()).isEqualTo("u2");
            });
            assertThat(refused.get("reason").asText()).contains("event");
            assertThat(JSON.readTree(refused.get("payload").asText())
                            .get("userId")
                            .asText())
                    .isEqualTo("u3");
            JsonNode revenue = null;
            for (JsonNode s : schema.get("schema")) {
                if (s.get("name").asText().equals("Signup")) {
                    revenue = s.get("properties").get("revenue");
                }
            }
            // revenue sent as a number by one caller and as a string by another
            assertThat(revenue.get("number").asInt()).isEqualTo(1);
            assertThat(revenue.get("string").asInt()).isEqualTo(1);
        }
    }

    @Test
    void nothingReadsTheJournalWhenNobodyWatches() throws Exception {
        try (TestCollector c = console()) {
            assertThat(feedThreads()).isZero();
            try (Stream2 viewer = new Stream2(c, KEY, null)) {
                assertThat(post(c, KEY, "{\"batch\":[{\"type\":\"track\",\"event\":\"Seen\",\"userId\":\"u\"}]}")
                                .status())
                        .isEqualTo(200);
                viewer.await(hasEvent("Seen"));
                assertThat(feedThreads()).isEqualTo(1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (feedThreads() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertThat(feedThreads())
                    .as("the feed's thread stops once the last viewer has gone")
                    .isZero();
        }
    }

    @Test
    void aViewerOutlivesTheReadTimeout() throws Exception {
        try (TestCollector c =
                        new TestCollector(dir, b -> b.console(true).readTimeout(java.time.Duration.ofSeconds(1)));
                Stream2 viewer = new Stream2(c, KEY, null)) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int round = 0;
            while (System.nanoTime() < until) {
                String name = "Round " + round++;
                assertThat(post(
                                        c,
                                        KEY,
                                        "{\"batch\":[{\"type\":\"track\",\"event\":\"" + name
                                                + "\",\"userId\":\"u\"}]}")
                                .status())
                        .isEqualTo(200);
                viewer.await(hasEvent(name));
            }
            assertThat(round).isGreaterThan(1);
        }
    }

    private static long feedThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("spool-console-feed") && t.isAlive())
                .count();
    }

    @Test
    void aBadAdminKeyIsRefusedAtBuild() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Collector.builder()
                        .journalDir(dir.resolve("j"))
                        .writeKey(KEY)
                        .console(true)
                        .consoleAdminKey("short")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("consoleAdminKey(): must be at least 8");
    }
}
