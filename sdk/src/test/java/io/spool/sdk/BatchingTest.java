package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchingTest {
    private CollectorStub collector;
    private Spool spool;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
    }

    @AfterEach
    void stop() throws Exception {
        if (spool != null) {
            spool.close(Duration.ofSeconds(2));
        }
        collector.close();
    }

    private Spool.Builder client() {
        return Spool.builder("key").endpoint(collector.endpoint()).drainOnShutdown(Duration.ZERO);
    }

    private static Track event(int i) {
        return Track.builder("Viewed").userId("u" + i).property("i", i).build();
    }

    @Test
    void aFullBatchByCountIsSentWithoutWaitingForTheLinger() {
        spool = client().batchSize(10).linger(Duration.ofHours(1)).build();
        for (int i = 0; i < 25; i++) {
            spool.track(event(i));
        }

        Await.until("two full batches", () -> collector.requests.size() == 2);
        assertThat(collector.requests).allSatisfy(r -> assertThat(r.events()).hasSize(10));
        assertThat(spool.stats().queued()).isEqualTo(5);

        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.requests).extracting(r -> r.events().size()).containsExactly(10, 10, 5);
        // With several requests in flight (the default) the two full batches may arrive in either order;
        // InFlightTest checks the order with one in flight.
        assertThat(collector.allEvents())
                .extracting(e -> e.get("userId"))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 25)
                        .mapToObj(i -> "u" + i)
                        .toList());
    }

    @Test
    void aBatchIsCutByBytesBeforeItPassesMaxBatchBytes() {
        String padding = "x".repeat(900);
        spool = client().maxEventBytes(2_000)
                .maxBatchBytes(4_000)
                .linger(Duration.ofHours(1))
                .build();
        for (int i = 0; i < 10; i++) {
            spool.track(Track.builder("Viewed")
                    .userId("u" + i)
                    .property("padding", padding)
                    .build());
        }

        Await.until("batches cut by bytes", () -> collector.requests.size() >= 3);
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.eventCount()).isEqualTo(10);
        assertThat(collector.requests).allSatisfy(r -> assertThat(r.json.length).isLessThanOrEqualTo(4_000));
        List<CollectorStub.Received> full = collector.requests.subList(0, collector.requests.size() - 1);
        assertThat(full).allSatisfy(r -> assertThat(r.events()).hasSize(3));
    }

    @Test
    void aPartBatchIsSentOnceItsFirstEventHasLingered() {
        long start = System.nanoTime();
        spool = client().linger(Duration.ofMillis(300)).build();
        spool.track(event(1));
        spool.track(event(2));
        spool.track(event(3));

        Await.until("the lingered batch", () -> collector.requests.size() == 1);
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(waitedMillis).isGreaterThanOrEqualTo(300);
        assertThat(collector.requests.get(0).events()).hasSize(3);
    }

    @Test
    void flushSendsAtOnceAndReturnsWhenDelivered() {
        spool = client().linger(Duration.ofHours(1)).build();
        spool.track(event(1));

        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.eventCount()).isEqualTo(1);
        assertThat(spool.stats().sent()).isEqualTo(1);
        assertThat(spool.stats().queued()).isZero();
        assertThat(spool.stats().bytesSent()).isPositive();
    }

    @Test
    void aListenerMayCallBackIntoTheClientWithoutDeadlock() {
        Spool[] self = new Spool[1];
        boolean[] flushedFromListener = {true};
        boolean[] otherThreadFinished = {false};
        spool = client().linger(Duration.ofHours(1))
                .listener(new DeliveryListener() {
                    @Override
                    public void onDelivered(int events) {
                        if (self[0].stats().sent() == 1) {
                            flushedFromListener[0] = self[0].flush(Duration.ofSeconds(5)); // cannot wait for itself
                            // Another thread takes the client's locks while the listener runs: it only finishes if the
                            // sender holds none of them (a reentrant lock would hide that from this thread's own
                            // calls).
                            Thread other = new Thread(() -> {
                                self[0].track(event(98));
                                self[0].stats();
                            });
                            other.start();
                            try {
                                other.join(5_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            otherThreadFinished[0] = !other.isAlive();
                            self[0].track(event(99));
                            self[0].flush();
                        }
                    }
                })
                .build();
        self[0] = spool;
        spool.track(event(1));
        spool.flush();

        Await.until("the events tracked from the listener", () -> collector.eventCount() == 3);
        assertThat(flushedFromListener[0]).isFalse();
        assertThat(otherThreadFinished[0]).isTrue();
        assertThat(collector.allEvents()).extracting(e -> e.get("userId")).containsExactly("u1", "u98", "u99");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachEventTypeCarriesItsOwnFields() {
        spool = client().linger(Duration.ofHours(1)).build();
        spool.track(Track.builder("Signed Up").userId("u1").build());
        spool.identify(Identify.builder().userId("u1").trait("plan", "pro").build());
        spool.page(Page.builder("Pricing")
                .anonymousId("a1")
                .property("path", "/pricing")
                .build());
        spool.screen(Screen.builder("Home").anonymousId("a1").build());
        spool.group(Group.builder("acme").userId("u1").trait("seats", 12).build());
        spool.alias(Alias.builder("a1").userId("u1").build());
        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

        List<Map<String, Object>> events = collector.allEvents();
        assertThat(events)
                .extracting(e -> e.get("type"))
                .containsExactly("track", "identify", "page", "screen", "group", "alias");
        assertThat(events.get(0)).containsEntry("event", "Signed Up");
        assertThat((Map<String, Object>) events.get(1).get("traits")).containsEntry("plan", "pro");
        assertThat(events.get(2)).containsEntry("name", "Pricing").containsEntry("anonymousId", "a1");
        assertThat((Map<String, Object>) events.get(2).get("properties")).containsEntry("path", "/pricing");
        assertThat(events.get(3)).containsEntry("name", "Home");
        assertThat(events.get(4)).containsEntry("groupId", "acme");
        assertThat((Map<String, Object>) events.get(4).get("traits")).containsEntry("seats", 12L);
        assertThat(events.get(5)).containsEntry("previousId", "a1").containsEntry("userId", "u1");
    }
}
