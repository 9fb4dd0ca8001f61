package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several requests in flight: they overlap on the wire, retries keep their ids, flush and close wait for all. */
class InFlightTest {
    private CollectorStub collector;
    /** Requests inside the collector's handler right now, and the most there ever were at once. */
    private final AtomicInteger inside = new AtomicInteger();

    private final AtomicInteger mostInside = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
        Dispatcher recorder = collector.recorder;
        collector.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                    return recorder.dispatch(request);
                } finally {
                    inside.decrementAndGet();
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        collector.close();
    }

    private Spool.Builder client(int inFlight) {
        return Spool.builder("k")
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .batchSize(10)
                .linger(Duration.ofHours(1))
                .maxRequestsInFlight(inFlight);
    }

    private static void track(Spool spool, int from, int to) {
        for (int i = from; i < to; i++) {
            spool.track(Track.builder("E").userId("u").messageId("m" + i).build());
        }
    }

    @Test
    void upToTheSettingAreOnTheWireAtOnceAndNoMore() throws Exception {
        CountDownLatch stall = collector.stall();
        try (Spool spool = client(3).build()) {
            track(spool, 0, 60); // six full batches
            Await.until("three requests held at the collector at once", () -> inside.get() == 3);
            // three batches left the buffer, one per sender; the other three wait for a free sender
            assertThat(spool.stats().queued()).isEqualTo(30);
            stall.countDown();
            assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(mostInside.get()).isEqualTo(3);
            assertThat(collector.allMessageIds()).hasSize(60).doesNotHaveDuplicates();
            assertThat(spool.stats().sent()).isEqualTo(60);
        }
    }

    @Test
    void oneInFlightSendsOneAtATime() throws Exception {
        try (Spool spool = client(1).build()) {
            track(spool, 0, 100);
            assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(mostInside.get()).isEqualTo(1);
            // and in order
            assertThat(collector.allMessageIds())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100)
                            .mapToObj(i -> "m" + i)
                            .toList());
        }
    }

    /** Every batch first gets a 503, then a 200: each is sent exactly twice, the same ids both times. */
    @Test
    void aRetryAfterA503ResendsTheSameMessageIds() throws Exception {
        Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
        collector.answerAlways(
                r -> failedOnce.add(r.messageIds().get(0)) ? CollectorStub.status(503) : CollectorStub.ok());
        try (Spool spool = client(4)
                .retryTimer(new RetryTest.FakeTimer())
                .jitter(() -> 0.5)
                .build()) {
            track(spool, 0, 80);
            assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

            Map<String, List<List<String>>> byFirstId = new HashMap<>();
            for (CollectorStub.Received r : collector.requests) {
                byFirstId
                        .computeIfAbsent(r.messageIds().get(0), k -> new java.util.ArrayList<>())
                        .add(r.messageIds());
            }
            assertThat(byFirstId).hasSize(8);
            assertThat(byFirstId.values()).allSatisfy(sends -> {
                assertThat(sends).hasSize(2);
                assertThat(sends.get(1)).isEqualTo(sends.get(0));
            });
            assertThat(new HashSet<>(collector.allMessageIds())).hasSize(80);
            assertThat(spool.stats().retried()).isEqualTo(8);
            assertThat(spool.stats().sent()).isEqualTo(80);
            assertThat(spool.stats().failed()).isZero();
        }
    }

    @Test
    void closeWaitsForEveryRequestInFlight() throws Exception {
        CountDownLatch stall = collector.stall();
        Spool spool = client(4).build();
        track(spool, 0, 40);
        Await.until("four requests held at the collector", () -> inside.get() == 4);
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> spool.close(Duration.ofSeconds(20)));
        CompletableFuture<Stats> statsAtClose = closed.thenApply(ok -> spool.stats());
        stall.countDown();

        assertThat(closed.get()).isTrue();
        // close returned only after all four answers were in
        assertThat(statsAtClose.get().sent()).isEqualTo(40);
        assertThat(collector.allMessageIds()).hasSize(40).doesNotHaveDuplicates();
    }

    @Test
    void flushWaitsForAnEarlierBatchThatIsStillInFlight() throws Exception {
        // The first batch's request is held while later batches are delivered: flush must not count the
        // later ones as settling the first.
        CountDownLatch holdFirst = new CountDownLatch(1);
        Dispatcher outer = collector.server.getDispatcher();
        AtomicInteger arrived = new AtomicInteger();
        collector.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (arrived.getAndIncrement() == 0) {
                    holdFirst.await();
                }
                return outer.dispatch(request);
            }
        });
        try (Spool spool = client(2).build()) {
            track(spool, 0, 10);
            Await.until("the first batch at the collector", () -> collector.server.getRequestCount() == 1);
            track(spool, 10, 40);
            Await.until("later batches delivered around it", () -> spool.stats().sent() == 30);
            assertThat(spool.flush(Duration.ofMillis(300))).isFalse();
            holdFirst.countDown();
            assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(spool.stats().sent()).isEqualTo(40);
        }
    }
}
