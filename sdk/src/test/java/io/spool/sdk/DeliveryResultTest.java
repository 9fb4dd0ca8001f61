package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code flush(Duration)} and {@code close()} answer: false when an event of their scope (tracked
 * since the previous such call) was refused, given up on or dropped, true once the failures are behind.
 */
class DeliveryResultTest {
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
                .linger(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20));
    }

    private static Track event(String id) {
        return Track.builder("E").userId("u").messageId(id).build();
    }

    @Test
    void closeAnswersFalseWhenEveryBatchWasRefusedWith401BeforeItWasCalled() {
        collector.answerAlways(r -> CollectorStub.status(401));
        Spool spool = client().batchSize(2).build();
        for (int i = 0; i < 6; i++) {
            spool.track(event("m" + i));
        }
        Await.until("every batch to be refused", () -> spool.stats().failed() == 6);

        assertThat(spool.close(Duration.ofSeconds(5))).isFalse();
        assertThat(spool.close(Duration.ofSeconds(5)))
                .as("a second close answers the same")
                .isFalse();
    }

    @Test
    void flushAnswersFalseForARefusedBatchAndTrueForTheNextScope() {
        collector.thenAnswer(CollectorStub.status(400));
        Spool spool = client().build();
        spool.track(event("bad"));

        assertThat(spool.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(spool.stats().failed()).isEqualTo(1);

        spool.track(event("good"));
        assertThat(spool.flush(Duration.ofSeconds(10)))
                .as("the 400 was answered for already")
                .isTrue();
        assertThat(spool.close(Duration.ofSeconds(5)))
                .as("close answers for what came after the flush")
                .isTrue();
    }

    @Test
    void flushAnswersFalseWhenTheCollectorRejectsOneEventOfAStoredBatch() {
        collector.thenAnswer(new MockResponse.Builder()
                .code(200)
                .body("{\"success\":true,\"rejected\":[{\"index\":1,\"error\":\"too large\"}]}")
                .build());
        Spool spool = client().linger(Duration.ofHours(1)).build();
        spool.track(event("a"));
        spool.track(event("b"));
        spool.track(event("c"));

        assertThat(spool.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(spool.stats().sent()).isEqualTo(2);
        assertThat(spool.stats().failed()).isEqualTo(1);
    }

    @Test
    void flushAnswersFalseWhenABatchIsGivenUpAfterTheDeliveryTimeout() {
        collector.answerAlways(r -> CollectorStub.status(503));
        Spool spool = client().deliveryTimeout(Duration.ofMillis(200)).build();
        spool.track(event("late"));

        assertThat(spool.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(spool.stats().failed()).isEqualTo(1);
        assertThat(collector.requests.size())
                .as("it was retried before it was given up")
                .isGreaterThan(1);
    }

    @Test
    void flushAndCloseAnswerFalseForAnEventDroppedAsTheBufferWasFull() {
        Spool spool = client().linger(Duration.ofHours(1)).maxQueuedEvents(2).build();
        spool.track(event("a"));
        spool.track(event("b"));
        spool.track(event("dropped"));
        assertThat(spool.stats().dropped()).isEqualTo(1);

        assertThat(spool.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(collector.allMessageIds()).containsExactly("a", "b");

        spool.track(event("c"));
        spool.track(event("d"));
        spool.track(event("dropped-too"));
        assertThat(spool.close(Duration.ofSeconds(5))).isFalse();
        assertThat(collector.allMessageIds()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aFailureBeforeAFlushIsInItsScopeEvenWhenItHappenedBeforeTheCall() {
        collector.thenAnswer(CollectorStub.status(413));
        Spool spool = client().build();
        spool.track(event("too-big"));
        Await.until("the batch to be refused", () -> spool.stats().failed() == 1);
        spool.track(event("fine"));

        assertThat(spool.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(spool.flush(Duration.ofSeconds(10))).as("nothing new since").isTrue();
    }

    @Test
    void closeAnswersTrueWhenEverythingSinceTheLastFlushWasDelivered() {
        Spool spool = client().build();
        for (int i = 0; i < 50; i++) {
            spool.track(event("m" + i));
        }
        assertThat(spool.close(Duration.ofSeconds(10))).isTrue();
        assertThat(collector.allMessageIds()).hasSize(50);
    }
}
