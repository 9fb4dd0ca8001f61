package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import io.spool.testsupport.Deadline;
import io.spool.testsupport.DuckDb;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's own Java library, unchanged but for its endpoint, delivers all six event types through the
 * collector into Parquet. (It posts to /v1/import/ with a trailing slash and Basic auth.)
 */
class SegmentClientEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void segmentsJavaClientDeliversAllSixTypesIntact() throws Exception {
        Instant before = Instant.now();
        try (Pipeline pipeline = new Pipeline(dir)) {
            Set<String> succeeded = ConcurrentHashMap.newKeySet();
            Set<String> failed = ConcurrentHashMap.newKeySet();
            Analytics analytics = Analytics.builder(Pipeline.WRITE_KEY)
                    .endpoint(pipeline.endpoint())
                    .flushInterval(1, TimeUnit.SECONDS)
                    .callback(new Callback() {
                        @Override
                        public void success(Message message) {
                            succeeded.add(message.messageId());
                        }

                        @Override
                        public void failure(Message message, Throwable cause) {
                            failed.add(message.messageId() + ": " + cause);
                        }
                    })
                    .build();
            analytics.enqueue(TrackMessage.builder("Order Completed")
                    .userId("u-1")
                    .messageId("s-1")
                    .properties(Map.of("revenue", 42.5, "currency", "EUR")));
            analytics.enqueue(IdentifyMessage.builder()
                    .userId("u-1")
                    .messageId("s-2")
                    .traits(Map.of("email", "grace@example.com")));
            analytics.enqueue(PageMessage.builder("Pricing")
                    .anonymousId("a-9")
                    .messageId("s-3")
                    .properties(Map.of("path", "/pricing")));
            analytics.enqueue(ScreenMessage.builder("Settings").userId("u-1").messageId("s-4"));
            analytics.enqueue(GroupMessage.builder("initech")
                    .userId("u-1")
                    .messageId("s-5")
                    .traits(Map.of("industry", "software")));
            analytics.enqueue(AliasMessage.builder("a-9").userId("u-1").messageId("s-6"));
            analytics.flush();

            Deadline.of(Duration.ofSeconds(30))
                    .every(Duration.ofMillis(5))
                    .await("the client's callbacks for all 6 messages", () -> succeeded.size() + failed.size() >= 6);
            analytics.shutdown();
            assertThat(failed).isEmpty();
            assertThat(succeeded).hasSize(6);
            pipeline.drain();

            Map<String, Map<String, Object>> rows =
                    DuckDb.query("SELECT *, epoch_ms(\"timestamp\") AS ts_ms FROM " + pipeline.events()).stream()
                            .collect(Collectors.toMap(r -> (String) r.get("message_id"), r -> r));
            assertThat(rows.keySet()).containsExactlyInAnyOrder("s-1", "s-2", "s-3", "s-4", "s-5", "s-6");
            for (Map<String, Object> row : rows.values()) {
                assertThat(row.get("context_library_name")).isEqualTo("analytics-java");
                assertThat((Long) row.get("ts_ms"))
                        .isBetween(before.toEpochMilli() - 1000, Instant.now().toEpochMilli());
                assertThat(row.get("write_key")).isEqualTo(Pipeline.WRITE_KEY);
            }
            assertThat(rows.get("s-1"))
                    .containsEntry("type", "track")
                    .containsEntry("event", "Order Completed")
                    .containsEntry("user_id", "u-1");
            JsonNode props = JSON.readTree(rows.get("s-1").get("properties").toString());
            assertThat(props.get("revenue").asDouble()).isEqualTo(42.5);
            assertThat(props.get("currency").asText()).isEqualTo("EUR");
            assertThat(rows.get("s-2")).containsEntry("type", "identify");
            assertThat(JSON.readTree(rows.get("s-2").get("traits").toString())
                            .get("email")
                            .asText())
                    .isEqualTo("grace@example.com");
            assertThat(rows.get("s-3"))
                    .containsEntry("type", "page")
                    .containsEntry("name", "Pricing")
                    .containsEntry("anonymous_id", "a-9");
            assertThat(rows.get("s-4")).containsEntry("type", "screen").containsEntry("name", "Settings");
            assertThat(rows.get("s-5")).containsEntry("type", "group").containsEntry("group_id", "initech");
            assertThat(JSON.readTree(rows.get("s-5").get("traits").toString())
                            .get("industry")
                            .asText())
                    .isEqualTo("software");
            assertThat(rows.get("s-6"))
                    .containsEntry("type", "alias")
                    .containsEntry("previous_id", "a-9")
                    .containsEntry("user_id", "u-1");
            assertThat(List.copyOf(rows.values()))
                    .allSatisfy(r -> assertThat(r.get("received_at")).isNotNull());
        }
    }
}
