package io.spool.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one way Spool reads a duration, in every jar: a whole number with a unit ({@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}), ISO-8601 ({@code PT30S}, {@code P7D}), or {@code 0}.
 * A bare number other than 0 is refused: {@code 30} could mean seconds or milliseconds, and the two
 * jars once read it differently.
 */
public final class Durations {
    private Durations() {}

    /**
     * @throws IllegalArgumentException saying what form was expected
     */
    public static Duration parse(String text) {
        String v = text == null ? "" : text.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("an empty duration; give one like 30s, 5m or 7d");
        }
        if (v.charAt(0) == 'P' || v.charAt(0) == 'p' || v.startsWith("-P") || v.startsWith("-p")) {
            try {
                Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw new IllegalArgumentException("'" + text + "' is negative");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration like PT30S or P7D");
            }
        }
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < lower.length() && Character.isDigit(lower.charAt(digits))) {
            digits++;
        }
        String unit = lower.substring(digits).strip();
        if (digits == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s, 5m, 2h, 7d or PT30S");
        }
        if (unit.isEmpty()) {
            throw new IllegalArgumentException(
                    "'" + text + "' has no unit; write " + v + "s (seconds) or " + v + "ms (milliseconds)");
        }
        long n;
        try {
            n = Long.parseLong(lower.substring(0, digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        try {
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                case "min":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                case "d":
                    return Duration.ofDays(n);
                default:
                    throw new IllegalArgumentException(
                            "'" + text + "' has an unknown unit '" + unit + "'; use ms, s, m, h or d");
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    /** The shortest form {@link #parse} reads back to the same duration: {@code 30s}, {@code 7d}, {@code 500ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }
}
