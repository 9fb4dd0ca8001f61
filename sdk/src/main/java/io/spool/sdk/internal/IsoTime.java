package io.spool.sdk.internal;

/**
 * Formats epoch millis as ISO-8601 UTC ({@code 2026-11-25T12:08:07.123Z}) into a caller's byte array,
 * without the garbage {@code Instant.toString()} or a {@code DateTimeFormatter} makes on every event.
 */
final class IsoTime {
    static final int LENGTH = 24;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0001-01-01 and 9999-12-31 in epoch millis: the years that fit four digits. */
    static final long MIN = -62_135_596_800_000L;

    static final long MAX = 253_402_300_799_999L;

    private IsoTime() {}

    /** Writes 24 ASCII bytes at {@code out[at..at+24)}; {@code millis} must be within [{@link #MIN}, {@link #MAX}]. */
    static void format(long millis, byte[] out, int at) {
        long days = Math.floorDiv(millis, MILLIS_PER_DAY);
        int msOfDay = (int) Math.floorMod(millis, MILLIS_PER_DAY);
        // civil_from_days (H. Hinnant): days since 1970-01-01 to year, month, day
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        int hour = msOfDay / 3_600_000;
        int minute = msOfDay / 60_000 % 60;
        int second = msOfDay / 1000 % 60;
        int ms = msOfDay % 1000;
        digits(year, 4, out, at);
        out[at + 4] = '-';
        digits(month, 2, out, at + 5);
        out[at + 7] = '-';
        digits(day, 2, out, at + 8);
        out[at + 10] = 'T';
        digits(hour, 2, out, at + 11);
        out[at + 13] = ':';
        digits(minute, 2, out, at + 14);
        out[at + 16] = ':';
        digits(second, 2, out, at + 17);
        out[at + 19] = '.';
        digits(ms, 3, out, at + 20);
        out[at + 23] = 'Z';
    }

    private static void digits(int value, int width, byte[] out, int at) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
