package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.sdk.internal.RetryTimer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryTest {
    /** A retry clock that records each pause and jumps over it instead of waiting. */
    static final class FakeTimer implements RetryTimer {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final List<Duration> pauses = new CopyOnWriteArrayList<>();

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public void pauseUntil(long untilNanos) {
            pauses.add(Duration.ofNanos(untilNanos - now.get()));
            now.set(untilNanos);
        }
    }

    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    private final DeliveryListener recordFailures = new DeliveryListener() {
        @Override
        public void onFailed(DeliveryFailure failure) {
            failures.add(failure);
        }
    };
    private CollectorStub collector;
    private FakeTimer timer;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
        timer = new FakeTimer();
    }

    @AfterEach
    void stop() throws Exception {
        collector.close();
    }

    private Spool.Builder client() {
        return Spool.builder("k")
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .linger(Duration.ofHours(1))
                .retryTimer(timer)
                .jitter(() -> 0.5)
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(10))
                .listener(recordFailures);
    }

    @Test
    void retriesWithExponentialBackoffAndHonoursRetryAfter() {
        collector.thenAnswer(
                CollectorStub.status(503),
                CollectorStub.status(500),
                new MockResponse.Builder()
                        .code(429)
                        .setHeader("Retry-After", "3")
                        .body("{}")
                        .build(),
                CollectorStub.status(502));
        try (Spool spool = client().build()) {
            spool.track(Track.builder("E").userId("u1").build());
            spool.track(Track.builder("E").userId("u2").build());
            assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();

            // half of 100, 200 ms (jitter 0.5), then the 3 s the server asked for, then half of 800 ms
            assertThat(timer.pauses)
                    .containsExactly(
                            Duration.ofMillis(50),
                            Duration.ofMillis(100),
                            Duration.ofSeconds(3),
                            Duration.ofMillis(400));
            assertThat(collector.requests).hasSize(5);
            List<String> ids = collector.requests.get(0).messageIds();
            assertThat(collector.requests)
                    .allSatisfy(r -> assertThat(r.messageIds()).isEqualTo(ids));
            assertThat(spool.stats().retried()).isEqualTo(4);
            assertThat(spool.stats().sent()).isEqualTo(2);
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void a408IsRetried() {
        collector.thenAnswer(CollectorStub.status(408), CollectorStub.status(408));
        try (Spool spool = client().build()) {
            spool.track(Track.builder("E").userId("u1").build());
            assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
            // OkHttp itself retries one 408 at once; the client retries the second after a backoff
            assertThat(collector.requests).hasSize(3);
            assertThat(spool.stats().sent()).isEqualTo(1);
            assertThat(failures).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 413})
    void otherClientErrorsAreNotRetriedAndAreReportedWithTheEventIds(int status) {
        collector.thenAnswer(CollectorStub.status(status));
        try (Spool spool = client().build()) {
            spool.track(Track.builder("E").userId("u1").messageId("m1").build());
            spool.track(Track.builder("E").userId("u2").messageId("m2").build());
            assertThat(spool.flush(Duration.ofSeconds(10)))
                    .as("settled, and refused")
                    .isFalse();

            assertThat(collector.requests).hasSize(1);
            assertThat(timer.pauses).isEmpty();
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.REJECTED);
                assertThat(f.statusCode()).isEqualTo(status);
                assertThat(f.messageIds()).containsExactly("m1", "m2");
                assertThat(f.message()).contains("HTTP " + status).contains("status " + status);
            });
            assertThat(spool.stats().failed()).isEqualTo(2);
            assertThat(spool.stats().sent()).isZero();
        }
    }

    @Test
    void eventsTheCollectorRejectsInsideA200AreReportedAndTheRestCountAsSent() {
        collector.thenAnswer(new MockResponse.Builder()
                .code(200)
                .body("{\"success\":true,\"rejected\":[{\"index\":1,\"error\":\"event too large\"}]}")
                .build());
        try (Spool spool = client().build()) {
            spool.track(Track.builder("E").userId("u1").messageId("m0").build());
            spool.track(Track.builder("E").userId("u1").messageId("m1").build());
            spool.track(Track.builder("E").userId("u1").messageId("m2").build());
            assertThat(spool.flush(Duration.ofSeconds(10)))
                    .as("one of its events was rejected")
                    .isFalse();

            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.REJECTED);
                assertThat(f.messageIds()).containsExactly("m1");
                assertThat(f.message()).contains("event too large");
            });
            assertThat(spool.stats().sent()).isEqualTo(2);
            assertThat(spool.stats().failed()).isEqualTo(1);
            assertThat(collector.requests).hasSize(1);
        }
    }

    @Test
    void retriesEndAtTheDeliveryTimeoutAndTheBatchIsReported() {
        collector.answerAlways(r -> CollectorStub.status(503));
        try (Spool spool = client().jitter(() -> 0.999)
                .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .deliveryTimeout(Duration.ofSeconds(20))
                .build()) {
            spool.track(Track.builder("E").userId("u1").messageId("m1").build());
            assertThat(spool.flush(Duration.ofSeconds(10)))
                    .as("settled, and given up on")
                    .isFalse();

            Duration waited = timer.pauses.stream().reduce(Duration.ZERO, Duration::plus);
            assertThat(waited).isLessThanOrEqualTo(Duration.ofSeconds(20)).isGreaterThan(Duration.ofSeconds(15));
            assertThat(timer.pauses).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(Duration.ofSeconds(4)));
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.RETRIES_EXHAUSTED);
                assertThat(f.statusCode()).isEqualTo(503);
                assertThat(f.messageIds()).containsExactly("m1");
            });
        }
    }

    @Test
    void aRetryAfterLongerThanTheTimeLeftEndsTheRetriesAtOnce() {
        collector.thenAnswer(new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", "600")
                .body("{}")
                .build());
        try (Spool spool = client().deliveryTimeout(Duration.ofSeconds(30)).build()) {
            spool.track(Track.builder("E").userId("u1").build());
            assertThat(spool.flush(Duration.ofSeconds(10)))
                    .as("settled, and given up on")
                    .isFalse();
            assertThat(timer.pauses).isEmpty();
            assertThat(failures)
                    .singleElement()
                    .extracting(DeliveryFailure::statusCode)
                    .isEqualTo(429);
        }
    }

    /**
     * A collector that is down (connections refused) for a few seconds, then back: everything tracked
     * meanwhile is delivered, since it fit the buffer. Real time and real backoff, kept short.
     */
    @Test
    void anOutageOfSecondsThenRecoveryDeliversEverythingQueued() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = reserve.getLocalPort();
        }
        try (Spool spool = Spool.builder("k")
                        .endpoint("http://127.0.0.1:" + port)
                        .drainOnShutdown(Duration.ZERO)
                        .batchSize(50)
                        .linger(Duration.ofMillis(50))
                        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                        .listener(recordFailures)
                        .build();
                MockWebServer revived = new MockWebServer()) {
            long outageStart = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                spool.track(Track.builder("During Outage")
                        .userId("u")
                        .property("n", i)
                        .build());
            }
            Await.until(
                    "retries through an outage of 3 s",
                    () -> spool.stats().retried() >= 5
                            && System.nanoTime() - outageStart
                                    > Duration.ofSeconds(3).toNanos());
            for (int i = 1000; i < 2000; i++) {
                spool.track(Track.builder("During Outage")
                        .userId("u")
                        .property("n", i)
                        .build());
            }
            assertThat(spool.stats().dropped()).isZero();
            assertThat(spool.stats().sent()).isZero();

            revived.setDispatcher(new CollectorStub.Recorder());
            revived.setServerSocketFactory(new NoDelayServerSockets());
            revived.start(InetAddress.getByName("127.0.0.1"), port);
            int expected = 2000;
            assertThat(spool.flush(Duration.ofSeconds(20))).isTrue();

            CollectorStub.Recorder recorder = (CollectorStub.Recorder) revived.getDispatcher();
            HashSet<Object> numbers = new HashSet<>();
            recorder.events().forEach(e -> numbers.add(((java.util.Map<?, ?>) e.get("properties")).get("n")));
            assertThat(numbers).hasSize(expected);
            assertThat(spool.stats().sent()).isEqualTo(expected);
            assertThat(failures).isEmpty();
        }
    }
}
