package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventType;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK from many threads through the real collector: every event is in the journal exactly once. */
class SdkToJournalIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void manyThreadsTrackThroughTheCollectorAndEveryEventIsJournaledOnce() throws Exception {
        int threads = 8;
        int perThread = 2_500;
        try (Pipeline pipeline = new Pipeline(dir)) {
            // Room for every event: this test is about delivery, not about the drop policy of a full buffer.
            Spool spool = Spool.builder(Pipeline.WRITE_KEY)
                    .endpoint(pipeline.endpoint())
                    .maxQueuedEvents(threads * perThread)
                    .build();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        spool.track(Track.builder("Button Clicked")
                                .userId("user-" + thread)
                                .messageId("m-" + thread + "-" + i)
                                .property("i", i)
                                .build());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertThat(spool.close(Duration.ofSeconds(60))).isTrue();
            assertThat(spool.stats().sent()).isEqualTo((long) threads * perThread);
            assertThat(spool.stats().dropped()).isZero();

            Map<String, Integer> seen = new HashMap<>();
            pipeline.forEachJournalEvent(record -> {
                assertThat(record.type()).isEqualTo(EventType.TRACK);
                assertThat(record.event()).isEqualTo("Button Clicked");
                assertThat(record.writeKey()).isEqualTo(Pipeline.WRITE_KEY);
                assertThat(record.userId())
                        .isEqualTo("user-" + record.messageId().split("-")[1]);
                assertThat(record.properties().toString())
                        .isEqualTo("{\"i\":" + record.messageId().split("-")[2] + "}");
                seen.merge(record.messageId(), 1, Integer::sum);
            });
            assertThat(seen).hasSize(threads * perThread);
            assertThat(seen.values()).containsOnly(1);
        }
    }
}
