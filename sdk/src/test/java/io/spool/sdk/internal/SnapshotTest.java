package io.spool.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.sdk.Alias;
import io.spool.sdk.Event;
import io.spool.sdk.Group;
import io.spool.sdk.Identify;
import io.spool.sdk.Page;
import io.spool.sdk.Track;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The size a snapshot counts at the call is never more than the event's encoded size: the buffer's byte
 * bound and the refusal of an oversize event at the call rest on it.
 */
class SnapshotTest {
    private final EventEncoder encoder = new EventEncoder(32_000, "0.1.0", 7);

    @Test
    void theSizeCountedAtTheCallIsALowerBoundOfTheEncodedSize() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("empty", Map.of());
        nested.put("none", List.of());
        nested.put("one", Map.of("a", 1));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("i", 0);
        props.put("d", 0.0);
        props.put("neg", -0.0f);
        props.put("t", true);
        props.put("n", null);
        props.put("s", "");
        props.put("esc", "q\" \\ \n\u0001");
        props.put("euro", "€🚀");
        props.put("ints", new int[] {0, 1});
        props.put("doubles", new double[] {0.5});
        props.put("bools", new boolean[] {false});
        props.put("set", Set.of("x"));
        props.put("arr", new Object[] {1, "a", null});
        props.put("date", new Date(0));
        props.put("instant", Instant.EPOCH);
        props.put("nested", nested);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("library", Map.of("name", "someone else's, a long name that is not sent"));
        context.put("ip", "1.2.3.4");
        List<Event> events = List.of(
                Track.builder("E").userId("u").build(),
                Track.builder("E")
                        .anonymousId("a")
                        .messageId("m")
                        .properties(props)
                        .context(context)
                        .build(),
                Track.builder("E").userId("u").context(Map.of("library", "x")).build(),
                Identify.builder().userId("u").traits(Map.of("plan", "pro")).build(),
                Page.builder("Home").userId("u").build(),
                Group.builder("g").userId("u").build(),
                Alias.builder("old").userId("u").build());
        for (Event event : events) {
            Snapshot snapshot = Snapshot.of(event, 0, 32_000);
            encoder.encode(snapshot);
            assertThat(snapshot.minBytes).as(event.toString()).isPositive().isLessThanOrEqualTo(encoder.size());
        }
    }
}
