package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad events and bad settings fail where they are made, with a message that names the problem. */
class ValidationTest {
    private CollectorStub collector;
    private Spool spool;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
        spool = Spool.builder("k")
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        spool.close(Duration.ofSeconds(2));
        collector.close();
    }

    @Test
    void anEventWithoutIdsIsRefusedAtTheCall() {
        assertThatThrownBy(() -> spool.track(Track.builder("E").build()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("track needs a userId or an anonymousId");
        assertThatThrownBy(() -> spool.identify(Identify.builder().userId(" ").build()))
                .hasMessage("identify needs a userId or an anonymousId");
        assertThatThrownBy(
                        () -> spool.alias(Alias.builder("a1").anonymousId("a1").build()))
                .hasMessageContaining("alias needs a userId");
        assertThatThrownBy(() -> spool.alias(Alias.builder(null).userId("u1").build()))
                .hasMessage("alias needs a previousId");
        assertThatThrownBy(() -> spool.track(Track.builder(null).userId("u1").build()))
                .hasMessage("track needs an event name");
        assertThatThrownBy(() -> spool.group(Group.builder("").userId("u1").build()))
                .hasMessage("group needs a groupId");
        assertThat(spool.stats().invalid()).isEqualTo(6);
    }

    @Test
    void anEventOverTheSizeLimitIsRefusedAtTheCall() {
        Track big = Track.builder("Big")
                .userId("u1")
                .property("blob", "x".repeat(40_000))
                .build();
        assertThatThrownBy(() -> spool.track(big))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("track is larger than the limit of 32000 bytes per event");
        // the client goes on working after a refusal
        spool.track(Track.builder("Small").userId("u1").build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.allEvents()).extracting(e -> e.get("event")).containsExactly("Small");
    }

    @Test
    void anEventThatOnlyItsEncodingTakesOverTheLimitIsReportedAsAFailure() throws Exception {
        List<DeliveryFailure> failures = new ArrayList<>();
        try (Spool reporting = Spool.builder("k")
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .listener(new DeliveryListener() {
                    @Override
                    public void onFailed(DeliveryFailure failure) {
                        synchronized (failures) {
                            failures.add(failure);
                        }
                    }
                })
                .build()) {
            // 12,000 chars that look like 12 KB at the call but take 36 KB as UTF-8
            Track big = Track.builder("Big")
                    .userId("u1")
                    .messageId("big-1")
                    .property("text", "€".repeat(12_000))
                    .build();
            reporting.track(big); // not refused at the call: its text is under the limit
            reporting.track(Track.builder("Small").userId("u1").build());
            assertThat(reporting.flush(Duration.ofSeconds(10))).isFalse(); // the scope had a failure
            assertThat(reporting.stats().failed()).isEqualTo(1);
            assertThat(reporting.stats().sent()).isEqualTo(1);
            synchronized (failures) {
                assertThat(failures).hasSize(1);
                assertThat(failures.get(0).reason()).isEqualTo(DeliveryFailure.Reason.TOO_LARGE);
                assertThat(failures.get(0).messageIds()).containsExactly("big-1");
                assertThat(failures.get(0).message())
                        .isEqualTo("track is larger than the limit of 32000 bytes per event");
            }
            assertThat(collector.allEvents()).extracting(e -> e.get("event")).containsExactly("Small");
            // the next scope starts clean
            reporting.track(Track.builder("Next").userId("u1").build());
            assertThat(reporting.flush(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aValueThatIsNotJsonAbleIsNamed() {
        Track bad =
                Track.builder("E").userId("u1").property("cart", new Object()).build();
        assertThatThrownBy(() -> spool.track(bad))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("'cart' is a java.lang.Object, which is not JSON-able");
        assertThatThrownBy(() -> spool.track(Track.builder("E")
                        .userId("u1")
                        .property("x", Double.NaN)
                        .build()))
                .hasMessageContaining("'x' is NaN");
    }

    @Test
    void aMapThatContainsItselfIsRefused() {
        Map<String, Object> loop = new HashMap<>();
        loop.put("self", loop);
        List<Object> list = new ArrayList<>();
        list.add(list);
        assertThatThrownBy(() -> spool.track(
                        Track.builder("E").userId("u1").properties(loop).build()))
                .hasMessageContaining("nested more than");
        assertThatThrownBy(() -> spool.track(
                        Track.builder("E").userId("u1").property("l", list).build()))
                .hasMessageContaining("nested more than");
    }

    @Test
    void underTheReportPolicyInvalidEventsGoToTheListenerInstead() throws Exception {
        List<String> reported = new ArrayList<>();
        try (Spool reporting = Spool.builder("k")
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .invalidEvents(InvalidEventPolicy.REPORT)
                .listener(new DeliveryListener() {
                    @Override
                    public void onInvalid(Event event, InvalidEventException error) {
                        reported.add(event.type() + ": " + error.getMessage());
                    }
                })
                .build()) {
            reporting.track(Track.builder("E").build());
            assertThat(reported).containsExactly("track: track needs a userId or an anonymousId");
            assertThat(reporting.stats().invalid()).isEqualTo(1);
        }
    }

    @Test
    void badSettingsFailAtBuildNamingTheValue() {
        assertThatThrownBy(() -> Spool.builder("k").build()).hasMessageContaining("endpoint is required");
        assertThatThrownBy(
                        () -> Spool.builder(" ").endpoint("http://localhost:1").build())
                .hasMessageContaining("writeKey is required");
        assertThatThrownBy(() -> Spool.builder("k").endpoint("localhost:8088"))
                .hasMessage("endpoint is not an http or https URL: localhost:8088");
        assertThatThrownBy(() -> Spool.builder("k")
                        .endpoint("http://localhost:1")
                        .batchSize(0)
                        .build())
                .hasMessage("batchSize must be 1 to 10000: 0");
        assertThatThrownBy(() -> Spool.builder("k")
                        .endpoint("http://localhost:1")
                        .maxBatchBytes(600_000)
                        .build())
                .hasMessageContaining("at most 500000")
                .hasMessageContaining("600000");
        assertThatThrownBy(() -> Spool.builder("k")
                        .endpoint("http://localhost:1")
                        .maxBatchBytes(10_000)
                        .build())
                .hasMessageContaining("must hold one event of maxEventBytes (32000)");
        assertThatThrownBy(() -> Spool.builder("k")
                        .endpoint("http://localhost:1")
                        .linger(Duration.ofSeconds(-1))
                        .build())
                .hasMessageContaining("linger must not be negative");
        assertThatThrownBy(() -> Spool.builder("k")
                        .endpoint("http://localhost:1")
                        .maxRequestsInFlight(0)
                        .build())
                .hasMessage("maxRequestsInFlight must be 1 to 64: 0");
        assertThatThrownBy(() -> Spool.builder("k")
                        .endpoint("http://localhost:1")
                        .maxRequestsInFlight(65)
                        .build())
                .hasMessage("maxRequestsInFlight must be 1 to 64: 65");
    }
}
