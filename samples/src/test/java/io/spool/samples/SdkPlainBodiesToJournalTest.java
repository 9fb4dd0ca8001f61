package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK with {@code gzip(false)}: the real collector takes its plain JSON bodies, and every event lands once. */
class SdkPlainBodiesToJournalTest {
    @TempDir
    Path dir;

    @Test
    void plainBodiesFromSeveralSendersAreJournaledOnceEach() throws Exception {
        int events = 5_000;
        try (Pipeline pipeline = new Pipeline(dir)) {
            Spool spool = Spool.builder(Pipeline.WRITE_KEY)
                    .endpoint(pipeline.endpoint())
                    .gzip(false)
                    .maxRequestsInFlight(4)
                    .maxQueuedEvents(events)
                    .drainOnShutdown(Duration.ZERO)
                    .build();
            for (int i = 0; i < events; i++) {
                spool.track(Track.builder("Product Viewed")
                        .userId("user-" + (i % 7))
                        .messageId("plain-" + i)
                        .property("i", i)
                        .property("name", "Trail Runner ü 🚀")
                        .build());
            }
            assertThat(spool.close(Duration.ofSeconds(60))).isTrue();
            assertThat(spool.stats().sent()).isEqualTo(events);
            // plain JSON: at least one byte an event's text, where gzip would send a fraction of it
            assertThat(spool.stats().bytesSent()).isGreaterThan(events * 100L);

            Map<String, Integer> seen = new HashMap<>();
            pipeline.forEachJournalEvent(record -> {
                int i = Integer.parseInt(record.messageId().substring("plain-".length()));
                assertThat(record.event()).isEqualTo("Product Viewed");
                assertThat(record.userId()).isEqualTo("user-" + (i % 7));
                assertThat(record.properties().toString())
                        .isEqualTo("{\"i\":" + i + ",\"name\":\"Trail Runner ü 🚀\"}");
                seen.merge(record.messageId(), 1, Integer::sum);
            });
            assertThat(seen).hasSize(events);
            assertThat(seen.values()).containsOnly(1);
        }
    }
}
