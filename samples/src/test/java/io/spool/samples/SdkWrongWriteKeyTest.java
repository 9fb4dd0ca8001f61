package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.sdk.DeliveryFailure;
import io.spool.sdk.DeliveryListener;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK with a write key the real collector does not know: every batch is refused, and close() says so. */
class SdkWrongWriteKeyTest {
    @TempDir
    Path dir;

    @Test
    void aWrongWriteKeyMakesCloseAnswerFalseWithEveryEventReportedAs401() throws Exception {
        List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
        try (Pipeline pipeline = new Pipeline(dir)) {
            Spool spool = Spool.builder("not-" + Pipeline.WRITE_KEY)
                    .endpoint(pipeline.endpoint())
                    .drainOnShutdown(Duration.ZERO)
                    .batchSize(10)
                    .listener(new DeliveryListener() {
                        @Override
                        public void onFailed(DeliveryFailure failure) {
                            failures.add(failure);
                        }
                    })
                    .build();
            for (int i = 0; i < 25; i++) {
                spool.track(Track.builder("Signed Up").userId("u" + i).build());
            }
            // every batch refused before close() is called: close() still answers for them
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (spool.stats().failed() < 25) {
                assertThat(System.nanoTime() - deadline)
                        .as("every batch refused within 20 s")
                        .isNegative();
                Thread.sleep(10);
            }

            assertThat(spool.close(Duration.ofSeconds(10))).isFalse();
            assertThat(spool.stats().failed()).isEqualTo(25);
            assertThat(spool.stats().sent()).isZero();
            assertThat(failures).isNotEmpty().allSatisfy(f -> {
                assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.REJECTED);
                assertThat(f.statusCode()).isEqualTo(401);
            });
            assertThat(failures.stream().mapToInt(f -> f.messageIds().size()).sum())
                    .isEqualTo(25);
        }
    }
}
