package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import io.spool.collector.TestCollector.Stored;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment's own Java client (analytics-java), pointed at the collector by changing its endpoint only. */
class SegmentClientCompatibilityTest {
    @TempDir
    Path dir;

    @Test
    void analyticsJavaEventsArriveWithEveryField() throws Exception {
        try (TestCollector c = new TestCollector(dir)) {
            Analytics analytics = Analytics.builder(TestCollector.KEY)
                    .endpoint("http://127.0.0.1:" + c.collector.port())
                    .flushQueueSize(100)
                    .build();
            Instant before = Instant.now();
            analytics.enqueue(TrackMessage.builder("Order Completed")
                    .userId("u-1")
                    .properties(Map.of("total", 12.5, "currency", "EUR", "label", "naïve 日本")));
            analytics.enqueue(IdentifyMessage.builder().userId("u-1").traits(Map.of("email", "a@example.com")));
            analytics.enqueue(
                    PageMessage.builder("Home").anonymousId(UUID.randomUUID().toString()));
            analytics.enqueue(ScreenMessage.builder("Main").userId("u-1"));
            analytics.enqueue(GroupMessage.builder("g-1").userId("u-1").traits(Map.of("plan", "pro")));
            analytics.enqueue(AliasMessage.builder("anon-1").userId("u-1"));
            analytics.flush();
            analytics.shutdown(); // waits for the queue to drain

            List<Stored> events = c.events();
            assertThat(events)
                    .extracting(Stored::type)
                    .containsExactly("track", "identify", "page", "screen", "group", "alias");
            assertThat(c.deadLetters()).isEmpty();
            Stored track = events.get(0);
            assertThat(track.event()).isEqualTo("Order Completed");
            assertThat(track.properties().get("label").asText()).isEqualTo("naïve 日本");
            assertThat(track.properties().get("total").asDouble()).isEqualTo(12.5);
            assertThat(track.libraryName()).isEqualTo("analytics-java");
            assertThat(track.libraryVersion()).isNotBlank();
            assertThat(track.writeKey()).isEqualTo(TestCollector.KEY);
            assertThat(UUID.fromString(track.messageId())).isNotNull();
            assertThat(track.timestamp())
                    .isBetween(before.toEpochMilli() - 1000, Instant.now().toEpochMilli() + 1000);
            assertThat(events.get(1).traits().get("email").asText()).isEqualTo("a@example.com");
            assertThat(events.get(2).name()).isEqualTo("Home");
            assertThat(events.get(4).groupId()).isEqualTo("g-1");
            assertThat(events.get(5).previousId()).isEqualTo("anon-1");
        }
    }
}
