package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spool.sdk.Alias;
import io.spool.sdk.Group;
import io.spool.sdk.Identify;
import io.spool.sdk.Page;
import io.spool.sdk.Screen;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import io.spool.testsupport.DuckDb;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK tracks every event type through a real collector and writer; DuckDB reads every field back. */
class SdkPipelineEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyEventTypeArrivesInParquetWithEveryField() throws Exception {
        Instant t = Instant.parse("2026-11-25T10:15:30.123Z");
        Instant before = Instant.now();
        try (Pipeline pipeline = new Pipeline(dir)) {
            Spool spool = Spool.builder(Pipeline.WRITE_KEY)
                    .endpoint(pipeline.endpoint())
                    .build();
            spool.track(Track.builder("Order Completed")
                    .userId("u-1")
                    .anonymousId("a-1")
                    .messageId("m-1-track")
                    .timestamp(t)
                    .property("revenue", new BigDecimal("19.99"))
                    .property("items", List.of(Map.of("sku", "sku-1", "qty", 2)))
                    .property("note", "naïve café 東京 🙂")
                    .context(Map.of("locale", "de-DE", "userAgent", "ShopApp/4.2 (iOS)"))
                    .integrations(Map.of("All", false, "Warehouse", true))
                    .build());
            spool.identify(Identify.builder()
                    .userId("u-1")
                    .anonymousId("a-1")
                    .messageId("m-2-identify")
                    .timestamp(t)
                    .trait("email", "ada@example.com")
                    .trait("plan", "pro")
                    .trait("created_at", t)
                    .build());
            spool.page(Page.builder("Home")
                    .anonymousId("a-1")
                    .messageId("m-3-page")
                    .timestamp(t)
                    .property("path", "/")
                    .build());
            spool.screen(Screen.builder("Cart")
                    .userId("u-1")
                    .messageId("m-4-screen")
                    .timestamp(t)
                    .property("items", 3)
                    .build());
            spool.group(Group.builder("acme")
                    .userId("u-1")
                    .messageId("m-5-group")
                    .timestamp(t)
                    .trait("employees", 120)
                    .build());
            spool.alias(Alias.builder("a-1")
                    .userId("u-1")
                    .messageId("m-6-alias")
                    .timestamp(t)
                    .build());
            assertThat(spool.close(Duration.ofSeconds(20))).isTrue();
            assertThat(spool.stats().sent()).isEqualTo(6);
            pipeline.drain();
            Instant after = Instant.now();

            Map<String, Map<String, Object>> rows = DuckDb.query("SELECT *, epoch_ms(\"timestamp\") AS ts_ms,"
                            + " epoch_ms(received_at) AS received_ms, epoch_ms(sent_at) AS sent_ms FROM "
                            + pipeline.events())
                    .stream()
                    .collect(Collectors.toMap(r -> (String) r.get("message_id"), r -> r));
            assertThat(rows.keySet())
                    .containsExactlyInAnyOrder(
                            "m-1-track", "m-2-identify", "m-3-page", "m-4-screen", "m-5-group", "m-6-alias");

            for (Map<String, Object> row : rows.values()) {
                assertThat(row.get("ts_ms")).as("timestamp").isEqualTo(t.toEpochMilli());
                long received = (Long) row.get("received_ms");
                assertThat(received).isBetween(before.toEpochMilli(), after.toEpochMilli());
                assertThat((Long) row.get("sent_ms")).isBetween(before.toEpochMilli(), after.toEpochMilli());
                assertThat(row.get("write_key")).isEqualTo(Pipeline.WRITE_KEY);
                assertThat(row.get("ip")).isEqualTo("127.0.0.1");
                assertThat(row.get("context_library_name")).isEqualTo("spool-java");
                assertThat((String) row.get("context_library_version")).isNotBlank();
                JsonNode context = JSON.readTree(row.get("context").toString());
                assertThat(context.at("/library/name").asText()).isEqualTo("spool-java");
                // the Iceberg partition (the folder DuckDB reads as a column) is the event's own day, in UTC
                Instant day = Instant.ofEpochMilli((Long) row.get("ts_ms"));
                assertThat(row.get("timestamp_day").toString())
                        .isEqualTo(day.atOffset(ZoneOffset.UTC).toLocalDate().toString());
            }

            Map<String, Object> track = rows.get("m-1-track");
            assertThat(track)
                    .containsEntry("type", "track")
                    .containsEntry("event", "Order Completed")
                    .containsEntry("user_id", "u-1")
                    .containsEntry("anonymous_id", "a-1")
                    .containsEntry("context_user_agent", "ShopApp/4.2 (iOS)");
            assertThat(track.get("name")).isNull();
            assertThat(track.get("traits")).isNull();
            JsonNode properties = JSON.readTree(track.get("properties").toString());
            assertThat(properties.get("revenue").decimalValue()).isEqualByComparingTo("19.99");
            assertThat(properties.at("/items/0/sku").asText()).isEqualTo("sku-1");
            assertThat(properties.at("/items/0/qty").asInt()).isEqualTo(2);
            assertThat(properties.get("note").asText()).isEqualTo("naïve café 東京 🙂");
            JsonNode context = JSON.readTree(track.get("context").toString());
            assertThat(context.get("locale").asText()).isEqualTo("de-DE");
            assertThat(JSON.readTree(track.get("integrations").toString()))
                    .isEqualTo(JSON.readTree("{\"All\":false,\"Warehouse\":true}"));

            Map<String, Object> identify = rows.get("m-2-identify");
            assertThat(identify)
                    .containsEntry("type", "identify")
                    .containsEntry("user_id", "u-1")
                    .containsEntry("anonymous_id", "a-1");
            JsonNode traits = JSON.readTree(identify.get("traits").toString());
            assertThat(traits.get("email").asText()).isEqualTo("ada@example.com");
            assertThat(traits.get("plan").asText()).isEqualTo("pro");
            assertThat(Instant.parse(traits.get("created_at").asText())).isEqualTo(t);
            assertThat(identify.get("event")).isNull();

            Map<String, Object> page = rows.get("m-3-page");
            assertThat(page)
                    .containsEntry("type", "page")
                    .containsEntry("name", "Home")
                    .containsEntry("anonymous_id", "a-1");
            assertThat(page.get("user_id")).isNull();
            assertThat(JSON.readTree(page.get("properties").toString())
                            .get("path")
                            .asText())
                    .isEqualTo("/");

            Map<String, Object> screen = rows.get("m-4-screen");
            assertThat(screen).containsEntry("type", "screen").containsEntry("name", "Cart");
            assertThat(JSON.readTree(screen.get("properties").toString())
                            .get("items")
                            .asInt())
                    .isEqualTo(3);

            Map<String, Object> group = rows.get("m-5-group");
            assertThat(group)
                    .containsEntry("type", "group")
                    .containsEntry("group_id", "acme")
                    .containsEntry("user_id", "u-1");
            assertThat(JSON.readTree(group.get("traits").toString())
                            .get("employees")
                            .asInt())
                    .isEqualTo(120);

            Map<String, Object> alias = rows.get("m-6-alias");
            assertThat(alias)
                    .containsEntry("type", "alias")
                    .containsEntry("previous_id", "a-1")
                    .containsEntry("user_id", "u-1");

            // JSON columns are queryable as JSON
            assertThat(DuckDb.query("SELECT CAST(json_extract(properties, '$.revenue') AS DECIMAL(10,2)) AS r FROM "
                                    + pipeline.events() + " WHERE event = 'Order Completed'")
                            .get(0)
                            .get("r"))
                    .isEqualTo(new BigDecimal("19.99"));
        }
    }
}
