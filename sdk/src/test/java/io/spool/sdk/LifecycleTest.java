package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing, a full buffer, and many threads at once. */
class LifecycleTest {
    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    private final List<String> drops = new CopyOnWriteArrayList<>();
    private final DeliveryListener recorder = new DeliveryListener() {
        @Override
        public void onFailed(DeliveryFailure failure) {
            failures.add(failure);
        }

        @Override
        public void onDropped(Event event, DropReason reason) {
            drops.add(event.messageId() + ":" + reason);
        }
    };
    private CollectorStub collector;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
    }

    @AfterEach
    void stop() throws Exception {
        collector.close();
    }

    private Spool.Builder client() {
        return Spool.builder("k")
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .listener(recorder);
    }

    @Test
    void closeDeliversWhatIsQueued() {
        Spool spool = client().linger(Duration.ofHours(1)).build();
        for (int i = 0; i < 250; i++) {
            spool.track(Track.builder("E").userId("u").messageId("m" + i).build());
        }

        assertThat(spool.close(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.allMessageIds()).hasSize(250).doesNotHaveDuplicates();
        assertThat(spool.stats().sent()).isEqualTo(250);
        assertThat(spool.stats().queued()).isZero();
    }

    @Test
    void aSecondCloseWaitsForTheFirstAndReportsTheSameOutcome() throws Exception {
        CountDownLatch stall = collector.stall();
        Spool spool = client().build();
        spool.track(Track.builder("E").userId("u").messageId("m-1").build());
        spool.flush();
        Await.until("the request to reach the collector", () -> collector.server.getRequestCount() == 1);
        java.util.concurrent.CompletableFuture<Boolean> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> spool.close(Duration.ofSeconds(10)));
        Await.until("the first close to begin", () -> spool.stats().queued() == 0 && !first.isDone());

        java.util.concurrent.CompletableFuture<Boolean> second =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> spool.close(Duration.ofSeconds(10)));
        stall.countDown(); // the collector answers: the first close completes delivery
        assertThat(second.get()).isTrue();
        assertThat(first.get()).isTrue();
        assertThat(collector.allMessageIds()).containsExactly("m-1");
    }

    @Test
    void eventsAfterCloseAreDroppedAndReported() {
        Spool spool = client().build();
        spool.close();
        spool.track(Track.builder("Late").userId("u").messageId("late-1").build());

        assertThat(drops).containsExactly("late-1:CLOSED");
        assertThat(spool.stats().dropped()).isEqualTo(1);
    }

    @Test
    void closeGivesUpAtItsDeadlineAndReportsWhatItCouldNotDeliver() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = reserve.getLocalPort(); // nothing listens there: every attempt is refused
        }
        Spool spool = Spool.builder("k")
                .endpoint("http://127.0.0.1:" + port)
                .drainOnShutdown(Duration.ZERO)
                .listener(recorder)
                .batchSize(10)
                .linger(Duration.ofHours(1))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        for (int i = 0; i < 25; i++) {
            spool.track(Track.builder("E").userId("u").messageId("m" + i).build());
        }

        long start = System.nanoTime();
        assertThat(spool.close(Duration.ofSeconds(1))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));

        List<String> reported = new ArrayList<>();
        failures.forEach(f -> reported.addAll(f.messageIds()));
        assertThat(reported).hasSize(25).doesNotHaveDuplicates();
        assertThat(failures).extracting(DeliveryFailure::reason).containsOnly(DeliveryFailure.Reason.CLOSED);
        assertThat(spool.stats().failed()).isEqualTo(25);
    }

    @Test
    void closeCutsARequestStuckPastTheDeadline() throws Exception {
        CountDownLatch stall = collector.stall();
        Spool spool = client().build();
        spool.track(Track.builder("E").userId("u").messageId("stuck").build());
        spool.flush();
        Await.until("the request to reach the collector", () -> collector.server.getRequestCount() == 1);

        long start = System.nanoTime();
        assertThat(spool.close(Duration.ofMillis(500))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.CLOSED);
            assertThat(f.messageIds()).containsExactly("stuck");
        });
        stall.countDown();
    }

    @Test
    void aFullBufferDropsNewEventsCountsAndReportsThemWithoutBlocking() {
        CountDownLatch stall = collector.stall();
        Spool spool =
                client().batchSize(1).maxQueuedEvents(5).maxRequestsInFlight(1).build();
        spool.track(Track.builder("E").userId("u").messageId("in-flight").build());
        Await.until(
                "the first request to be stuck at the collector",
                () -> collector.server.getRequestCount() == 1 && spool.stats().queued() == 0);

        for (int i = 0; i < 12; i++) {
            spool.track(
                    Track.builder("E").userId("u").messageId("m" + i).build()); // returns though the sender is stuck
        }
        assertThat(spool.stats().queued()).isEqualTo(5);
        assertThat(spool.stats().dropped()).isEqualTo(7);
        assertThat(drops)
                .containsExactly(
                        "m5:BUFFER_FULL",
                        "m6:BUFFER_FULL",
                        "m7:BUFFER_FULL",
                        "m8:BUFFER_FULL",
                        "m9:BUFFER_FULL",
                        "m10:BUFFER_FULL",
                        "m11:BUFFER_FULL");

        stall.countDown();
        assertThat(spool.close(Duration.ofSeconds(10)))
                .as("the queue was delivered; the 7 dropped were not")
                .isFalse();
        assertThat(collector.allMessageIds()).containsExactly("in-flight", "m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void theBufferIsBoundedInBytesToo() {
        CountDownLatch stall = collector.stall();
        Spool spool = client().maxEventBytes(2_000)
                .maxQueuedBytes(4_000)
                .linger(Duration.ofHours(1))
                .build();
        String padding = "x".repeat(900);
        for (int i = 0; i < 10; i++) {
            spool.track(Track.builder("E")
                    .userId("u")
                    .messageId("m" + i)
                    .property("p", padding)
                    .build());
        }
        // each event is ~1,040 bytes serialized: three fit in 4,000
        assertThat(spool.stats().queued()).isEqualTo(3);
        assertThat(spool.stats().dropped()).isEqualTo(7);
        stall.countDown();
        spool.close(Duration.ofSeconds(10));
    }

    @Test
    void manyThreadsTrackingAtOnceLoseAndDuplicateNothing() throws Exception {
        int threads = 8;
        int perThread = 5_000;
        Spool spool = client().batchSize(500)
                .maxQueuedEvents(threads * perThread)
                .maxQueuedBytes(64 << 20)
                .linger(Duration.ofMillis(20))
                .build();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = "t" + t;
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    spool.track(
                            Track.builder("E").userId(name).property("seq", i).build());
                }
            });
            worker.start();
            workers.add(worker);
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(spool.close(Duration.ofSeconds(30))).isTrue();
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> e : collector.allEvents()) {
            Map<?, ?> props = (Map<?, ?>) e.get("properties");
            assertThat(seen.add(e.get("userId") + "/" + props.get("seq")))
                    .as("duplicate %s", e)
                    .isTrue();
        }
        assertThat(seen).hasSize(threads * perThread);
        assertThat(collector.allMessageIds()).doesNotHaveDuplicates();
        assertThat(spool.stats().dropped()).isZero();
        assertThat(spool.stats().sent()).isEqualTo(threads * perThread);
    }
}
