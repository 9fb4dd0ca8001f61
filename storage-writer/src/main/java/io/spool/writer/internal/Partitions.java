package io.spool.writer.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Hive partition folders by UTC hour: {@code dt=YYYY-MM-DD/hour=HH}. */
final class Partitions {
    private static final long HOUR_MILLIS = 3_600_000L;

    private Partitions() {
    }

    static long hourOf(long epochMillis) {
        return Math.floorDiv(epochMillis, HOUR_MILLIS);
    }

    static String folder(long hour) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(hour * 3600, 0, ZoneOffset.UTC);
        return String.format("dt=%04d-%02d-%02d/hour=%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour());
    }
}
