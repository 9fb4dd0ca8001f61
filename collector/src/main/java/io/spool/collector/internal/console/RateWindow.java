package io.spool.collector.internal.console;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Events a second over the last minute, one series per write key and type. Owned by the feed's
 * thread. The number of series is bounded: past {@link #MAX_SERIES}, new ones count under
 * {@code (other)} of their type, so a flood of random keys cannot grow it.
 */
final class RateWindow {
    static final int SECONDS = 60;
    static final int MAX_SERIES = 64;
    static final String OTHER_KEY = "(other)";

    /** One series: counts by second, in a ring indexed by epoch second modulo {@link #SECONDS}. */
    static final class Series {
        final String writeKey;
        final String type;
        final long[] counts = new long[SECONDS];
        final long[] seconds = new long[SECONDS];

        Series(String writeKey, String type) {
            this.writeKey = writeKey;
            this.type = type;
        }

        void add(long second) {
            int slot = (int) Math.floorMod(second, (long) SECONDS);
            if (seconds[slot] != second) {
                seconds[slot] = second;
                counts[slot] = 0;
            }
            counts[slot]++;
        }

        long at(long second) {
            int slot = (int) Math.floorMod(second, (long) SECONDS);
            return seconds[slot] == second ? counts[slot] : 0;
        }
    }

    private final Map<String, Series> series = new HashMap<>();

    void count(String writeKey, String type, long epochMillis) {
        String key = writeKey + '\u0000' + type;
        Series s = series.get(key);
        if (s == null) {
            if (series.size() >= MAX_SERIES) {
                key = OTHER_KEY + '\u0000' + type;
                s = series.computeIfAbsent(key, k -> new Series(OTHER_KEY, type));
            } else {
                s = new Series(writeKey, type);
                series.put(key, s);
            }
        }
        s.add(Math.floorDiv(epochMillis, 1000L));
    }

    /**
     * Appends {@code "rates":{"end":<epoch second>,"series":[{"writeKey":…,"type":…,"counts":[…]}]}}
     * with the seconds up to and including {@code nowMillis}'s, oldest first; only the series of
     * {@code visibleKeys} (all when null).
     */
    void appendJson(StringBuilder out, long nowMillis, Set<String> visibleKeys) {
        long end = Math.floorDiv(nowMillis, 1000L);
        out.append("\"rates\":{\"end\":").append(end).append(",\"series\":[");
        boolean first = true;
        for (Series s : series.values()) {
            if (visibleKeys != null && !visibleKeys.contains(s.writeKey)) {
                continue;
            }
            long total = 0;
            for (int i = 0; i < SECONDS; i++) {
                total += s.at(end - i);
            }
            if (total == 0) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"writeKey\":");
            Json.string(out, s.writeKey);
            out.append(",\"type\":");
            Json.string(out, s.type);
            out.append(",\"counts\":[");
            for (long sec = end - SECONDS + 1; sec <= end; sec++) {
                out.append(s.at(sec));
                if (sec < end) {
                    out.append(',');
                }
            }
            out.append("]}");
        }
        out.append("]}");
    }
}
