package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code track} keeps the event as it is at the call, though a sender thread serializes it later: what
 * the app does to its maps, lists, arrays and dates afterwards is not sent.
 */
class SnapshotAtTheCallTest {
    private CollectorStub collector;
    private Spool spool;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
        spool = Spool.builder("k")
                .endpoint(collector.endpoint())
                .linger(Duration.ofSeconds(30)) // nothing leaves before the changes below
                .drainOnShutdown(Duration.ZERO)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        spool.close(Duration.ofSeconds(2));
        collector.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void changesToTheAppsValuesAfterTheCallAreNotSent() throws Exception {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "A-1");
        List<Object> items = new ArrayList<>(List.of(item));
        int[] counts = {1, 2};
        StringBuilder note = new StringBuilder("gift");
        Date when = Date.from(Instant.parse("2026-01-02T03:04:05.006Z"));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("total", 10.5);
        properties.put("items", items);
        properties.put("counts", counts);
        properties.put("note", note);
        properties.put("when", when);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("locale", "en-US");

        spool.track(Track.builder("Order")
                .userId("u1")
                .properties(properties)
                .context(context)
                .build());
        properties.put("total", 99.0);
        properties.put("added", true);
        item.put("sku", "B-2");
        items.add("more");
        counts[0] = 7;
        note.append(" wrap");
        when.setTime(0);
        context.put("locale", "fr-FR");

        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        Map<String, Object> sent = collector.allEvents().get(0);
        Map<String, Object> props = (Map<String, Object>) sent.get("properties");
        assertThat(props)
                .containsOnlyKeys("total", "items", "counts", "note", "when")
                .containsEntry("items", List.of(Map.of("sku", "A-1")))
                .containsEntry("note", "gift")
                .containsEntry("when", "2026-01-02T03:04:05.006Z");
        assertThat(String.valueOf(props.get("total"))).isEqualTo("10.5"); // the test reader's number types vary
        assertThat(String.valueOf(props.get("counts"))).isEqualTo("[1, 2]");
        assertThat((Map<String, Object>) sent.get("context")).containsEntry("locale", "en-US");
    }
}
