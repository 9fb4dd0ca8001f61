package io.spool.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SenderCallTimeoutTest {
    @Test
    void aCallsDeadlineCoversTheAnswerAndItsBodyAtASlowUpload() {
        // the 30 s the read timeout gave for the answer, 10 s to connect, the body at 8 KB/s
        assertThat(Sender.callTimeoutNanos(0)).isEqualTo(Duration.ofSeconds(40).toNanos());
        assertThat(Sender.callTimeoutNanos(60_000))
                .isEqualTo(Duration.ofMillis(47_500).toNanos());
        assertThat(Sender.callTimeoutNanos(500_000))
                .isEqualTo(Duration.ofMillis(102_500).toNanos());
    }
}
