package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What goes over the wire: Segment's batch format, gzipped, with Basic auth. */
class WireFormatTest {
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String ISO_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    private CollectorStub collector;
    private Spool spool;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
        spool = Spool.builder("wk_123")
                .endpoint(collector.endpoint())
                .linger(Duration.ofHours(1))
                .drainOnShutdown(Duration.ZERO)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        spool.close(Duration.ofSeconds(2));
        collector.close();
    }

    @Test
    void postsAGzippedSegmentBatchWithBasicAuth() {
        spool.track(Track.builder("Order Completed")
                .userId("u1")
                .property("total", 99.5)
                .build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        CollectorStub.Received r = collector.requests.get(0);
        assertThat(r.method).isEqualTo("POST");
        assertThat(r.path).isEqualTo("/v1/batch");
        assertThat(r.headers.get("Content-Encoding")).isEqualTo("gzip");
        assertThat(spool.stats().bytesSent()).isEqualTo(Long.parseLong(r.headers.get("Content-Length")));
        assertThat(r.headers.get("Content-Type")).startsWith("application/json");
        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString("wk_123:".getBytes(StandardCharsets.UTF_8));
        assertThat(r.headers.get("Authorization")).isEqualTo(expectedAuth);
        assertThat(r.headers.get("User-Agent")).startsWith("spool-java/");
        assertThat(r.body).containsOnlyKeys("batch", "sentAt");
        assertThat((String) r.body.get("sentAt")).matches(ISO_PATTERN);
        Map<String, Object> event = r.events().get(0);
        assertThat(event)
                .containsEntry("type", "track")
                .containsEntry("event", "Order Completed")
                .containsEntry("userId", "u1");
        assertThat((String) event.get("messageId")).matches(UUID_PATTERN);
        assertThat((String) event.get("timestamp")).matches(ISO_PATTERN);
        assertThat(map(event, "properties")).containsEntry("total", new BigDecimal("99.5"));
        assertThat(map(map(event, "context"), "library"))
                .containsEntry("name", "spool-java")
                .containsKey("version");
    }

    @Test
    void gzipOffPostsThePlainJsonAndCountsItsBytes() throws Exception {
        try (Spool plain = Spool.builder("wk_123")
                .endpoint(collector.endpoint())
                .gzip(false)
                .linger(Duration.ofHours(1))
                .drainOnShutdown(Duration.ZERO)
                .build()) {
            for (int i = 0; i < 3; i++) {
                plain.track(Track.builder("Order Completed")
                        .userId("u" + i)
                        .property("total", 99.5)
                        .build());
            }
            assertThat(plain.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(collector.requests).hasSize(1);
            CollectorStub.Received r = collector.requests.get(0);
            assertThat(r.headers.get("Content-Encoding")).isNull();
            assertThat(r.headers.get("Content-Type")).startsWith("application/json");
            String body = new String(r.json, StandardCharsets.UTF_8);
            assertThat(body).startsWith("{\"batch\":[{\"type\":\"track\",\"messageId\":\"");
            assertThat(r.headers.get("Content-Length")).isEqualTo(Integer.toString(r.json.length));
            assertThat(r.events()).extracting(e -> e.get("userId")).containsExactly("u0", "u1", "u2");
            assertThat(plain.stats().bytesSent()).isEqualTo(r.json.length);
        }
    }

    @Test
    void anEndpointWithAPathKeepsIt() throws Exception {
        try (Spool prefixed = Spool.builder("k")
                .endpoint(collector.server.url("/ingest/").toString())
                .drainOnShutdown(Duration.ZERO)
                .build()) {
            prefixed.track(Track.builder("E").userId("u").build());
            assertThat(prefixed.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(collector.requests.get(0).path).isEqualTo("/ingest/v1/batch");
    }

    @Test
    void valuesOfEveryJsonAbleKindAreWrittenAsJson() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("sku", "A-1");
        nested.put("qty", 2);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("string", "héllo \"quoted\"\n");
        props.put("int", 42);
        props.put("long", 1L << 40);
        props.put("double", 0.25);
        props.put("decimal", new BigDecimal("19.99"));
        props.put("bool", true);
        props.put("nothing", null);
        props.put("instant", Instant.parse("2026-11-25T10:15:30.123456Z"));
        props.put("date", new Date(0));
        props.put("day", LocalDate.of(2026, 2, 28));
        props.put("list", List.of(1, "two", nested));
        props.put("array", new String[] {"a", "b"});
        props.put("ints", new int[] {1, 2});
        props.put("nested", nested);
        spool.track(Track.builder("Kinds").userId("u1").properties(props).build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        Map<String, Object> p = map(collector.allEvents().get(0), "properties");
        assertThat(p)
                .containsEntry("string", "héllo \"quoted\"\n")
                .containsEntry("int", 42L)
                .containsEntry("long", 1L << 40)
                .containsEntry("double", new BigDecimal("0.25"))
                .containsEntry("decimal", new BigDecimal("19.99"))
                .containsEntry("bool", true)
                .containsEntry("nothing", null)
                .containsEntry("instant", "2026-11-25T10:15:30.123Z")
                .containsEntry("date", "1970-01-01T00:00:00.000Z")
                .containsEntry("day", "2026-02-28")
                .containsEntry("list", List.of(1L, "two", Map.of("sku", "A-1", "qty", 2L)))
                .containsEntry("array", List.of("a", "b"))
                .containsEntry("ints", List.of(1L, 2L))
                .containsEntry("nested", Map.of("sku", "A-1", "qty", 2L));
    }

    @Test
    void repeatedNamesAndValuesAreWrittenRightWhateverRepeats() {
        String[] plans = {"pro", "pro", new String("pro"), "free", "pro", "ünïcode \"q\"", "ünïcode \"q\"", "free"};
        for (int i = 0; i < plans.length; i++) {
            spool.track(Track.builder(i % 2 == 0 ? "Even" : "Odd")
                    .userId("u" + (i / 3))
                    .property("plan", plans[i])
                    .property("k" + i, i)
                    .build());
        }
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        List<Map<String, Object>> events = collector.allEvents();
        for (int i = 0; i < plans.length; i++) {
            assertThat(events.get(i))
                    .containsEntry("event", i % 2 == 0 ? "Even" : "Odd")
                    .containsEntry("userId", "u" + (i / 3));
            assertThat(map(events.get(i), "properties"))
                    .containsOnlyKeys("plan", "k" + i)
                    .containsEntry("plan", plans[i])
                    .containsEntry("k" + i, (long) i);
        }
    }

    @Test
    void doublesReadBackAsTheSameDouble() {
        double[] values = {
            0.1,
            0.001,
            5.0,
            -3.25,
            129.95,
            123456.789,
            1.0E-7,
            1.0E20,
            -1.5E300,
            0.30000000000000004,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            999999999999.999,
            1e12 + 0.5
        };
        spool.track(
                Track.builder("Doubles").userId("u1").property("values", values).build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        List<?> written =
                (List<?>) map(collector.allEvents().get(0), "properties").get("values");
        for (int i = 0; i < values.length; i++) {
            assertThat(((Number) written.get(i)).doubleValue())
                    .as("value %s", values[i])
                    .isEqualTo(values[i]);
        }
        assertThat(new String(collector.requests.get(0).json, StandardCharsets.UTF_8))
                .contains("[0.1,0.001,5.0,-3.25,129.95,123456.789,");
    }

    /**
     * The body as the collector receives it: a float as the float (1.1f is 1.1), -0.0 kept, a character
     * outside the BMP as its UTF-8 bytes (so the lake's LIKE '%🚀%' finds it), a lone surrogate as U+FFFD.
     */
    @Test
    void numbersAndTextArriveExactlyAsGiven() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("float", 1.1f);
        props.put("price", 19.99f);
        props.put("negZero", -0.0);
        props.put("negZeroF", -0.0f);
        props.put("emoji", "launch 🚀");
        props.put("lone", "half \uD83D of a pair");
        spool.track(Track.builder("Exact").userId("u1").properties(props).build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        byte[] body = collector.requests.get(0).json;
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text)
                .contains(
                        "\"float\":1.1,",
                        "\"price\":19.99,",
                        "\"negZero\":-0.0,",
                        "\"negZeroF\":-0.0,",
                        "\"emoji\":\"launch 🚀\"",
                        "\"lone\":\"half \uFFFD of a pair\"");
        assertThat(text).doesNotContain("\\u");
        assertThat(new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
                .as("valid UTF-8 throughout")
                .isEqualTo(body);
        Map<String, Object> p = map(collector.allEvents().get(0), "properties");
        assertThat(p)
                .containsEntry("float", new BigDecimal("1.1"))
                .containsEntry("emoji", "launch 🚀")
                .containsEntry("lone", "half \uFFFD of a pair");
    }

    @Test
    void callerIdsTimestampContextAndIntegrationsAreKept() {
        Map<String, Object> context = new HashMap<>();
        context.put("ip", "10.0.0.1");
        context.put("library", Map.of("name", "someone-else"));
        spool.track(Track.builder("Imported")
                .userId("u1")
                .anonymousId("a1")
                .messageId("my-id-1")
                .timestamp(Instant.parse("2020-01-02T03:04:05.006Z"))
                .context(context)
                .integrations(Map.of("All", false, "Mixpanel", true))
                .build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        Map<String, Object> event = collector.allEvents().get(0);
        assertThat(event)
                .containsEntry("messageId", "my-id-1")
                .containsEntry("timestamp", "2020-01-02T03:04:05.006Z")
                .containsEntry("anonymousId", "a1");
        assertThat(map(event, "context")).containsEntry("ip", "10.0.0.1");
        assertThat(map(map(event, "context"), "library")).containsEntry("name", "spool-java");
        assertThat(map(event, "integrations")).containsEntry("All", false).containsEntry("Mixpanel", true);
    }

    @Test
    void changesToTheCallersMapAfterTrackDoNotLeak() {
        Map<String, Object> props = new HashMap<>();
        List<Object> items = new ArrayList<>(List.of("a"));
        props.put("plan", "free");
        props.put("items", items);
        spool.track(Track.builder("Changed").userId("u1").properties(props).build());
        props.put("plan", "pro");
        props.put("extra", 1);
        items.add("b");
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        Map<String, Object> p = map(collector.allEvents().get(0), "properties");
        assertThat(p)
                .containsOnlyKeys("plan", "items")
                .containsEntry("plan", "free")
                .containsEntry("items", List.of("a"));
    }

    @Test
    void clientMadeMessageIdsAreUnique() {
        for (int i = 0; i < 1000; i++) {
            spool.track(Track.builder("E").userId("u").build());
        }
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.allMessageIds()).hasSize(1000).doesNotHaveDuplicates();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }
}
