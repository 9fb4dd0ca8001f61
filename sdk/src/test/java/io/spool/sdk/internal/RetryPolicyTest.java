package io.spool.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void backoffDoublesUpToItsCapWithFullJitter() {
        RetryPolicy top = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.999_999);
        assertThat(top.delayNanos(1, -1)).isBetween(ms(99), ms(100));
        assertThat(top.delayNanos(2, -1)).isBetween(ms(199), ms(200));
        assertThat(top.delayNanos(4, -1)).isBetween(ms(799), ms(800));
        assertThat(top.delayNanos(5, -1)).isBetween(ms(999), ms(1000));
        assertThat(top.delayNanos(60, -1)).isBetween(ms(999), ms(1000)); // no overflow on long outages

        RetryPolicy bottom = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0);
        assertThat(bottom.delayNanos(3, -1)).isZero();
        assertThat(bottom.delayNanos(3, ms(2500))).isEqualTo(ms(2500)); // Retry-After is a floor
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        long now = ZonedDateTime.of(2026, 11, 25, 12, 0, 0, 0, ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        assertThat(RetryPolicy.parseRetryAfter("7", now))
                .isEqualTo(Duration.ofSeconds(7).toNanos());
        String inThirtySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.of(2026, 11, 25, 12, 0, 30, 0, ZoneOffset.UTC));
        assertThat(RetryPolicy.parseRetryAfter(inThirtySeconds, now))
                .isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(RetryPolicy.parseRetryAfter(null, now)).isEqualTo(-1);
        assertThat(RetryPolicy.parseRetryAfter("soon", now)).isEqualTo(-1);
        assertThat(RetryPolicy.parseRetryAfter("-3", now)).isEqualTo(-1);
    }

    @Test
    void onlyIoErrorsServerErrors408And429AreRetriable() {
        assertThat(RetryPolicy.isRetriable(0)).isTrue();
        assertThat(RetryPolicy.isRetriable(408)).isTrue();
        assertThat(RetryPolicy.isRetriable(429)).isTrue();
        assertThat(RetryPolicy.isRetriable(500)).isTrue();
        assertThat(RetryPolicy.isRetriable(503)).isTrue();
        assertThat(RetryPolicy.isRetriable(400)).isFalse();
        assertThat(RetryPolicy.isRetriable(401)).isFalse();
        assertThat(RetryPolicy.isRetriable(413)).isFalse();
    }
}
