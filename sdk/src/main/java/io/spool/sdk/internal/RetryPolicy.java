package io.spool.sdk.internal;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * Which responses are worth another try, and how long to wait before it: exponential backoff with full
 * jitter (a random wait between 0 and {@code base * 2^(attempt-1)}, capped), or at least what the
 * collector's {@code Retry-After} asks for.
 */
public final class RetryPolicy {
    private final long baseNanos;
    private final long maxNanos;
    private final DoubleSupplier jitter;

    /** @param jitter numbers in [0, 1) */
    public RetryPolicy(Duration base, Duration max, DoubleSupplier jitter) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
    }

    /** I/O errors (status 0) and these statuses are retried; any other 4xx will fail the same way again. */
    public static boolean isRetriable(int status) {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /**
     * The wait before retry number {@code attempt} (1 for the first retry).
     *
     * @param retryAfterNanos what the server asked for, or -1
     */
    public long delayNanos(int attempt, long retryAfterNanos) {
        long ceiling = Math.min(baseNanos, maxNanos);
        for (int i = 1; i < attempt && ceiling < maxNanos; i++) {
            ceiling = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2; // doubling, never past the cap or overflowing
        }
        long jittered = (long) (jitter.getAsDouble() * ceiling);
        return Math.max(jittered, retryAfterNanos);
    }

    /**
     * Parses a {@code Retry-After} header: delay-seconds or an HTTP date. Returns -1 when absent or not
     * understood.
     */
    public static long parseRetryAfter(String header, long nowEpochMillis) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0
                    ? -1
                    : Duration.ofSeconds(Math.min(seconds, 86_400)).toNanos();
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()
                        .toEpochMilli();
                return Duration.ofMillis(Math.max(0, Math.min(at - nowEpochMillis, 86_400_000L)))
                        .toNanos();
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }
}
