package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dedup window's table as the writer uses it: ids in receivedAt order, {@code expire()} after every
 * commit. Checked against a plain map of id to first-seen time, so a bug in the in-place expiry (an id
 * lost from the middle of a probe run, or one kept past its window) shows as a wrong answer.
 */
class DedupIndexTest {
    private static final long WINDOW = 60_000;

    @Test
    void answersAsAMapOfTheWindowWouldThroughManyInPlaceExpiries() {
        Random random = new Random(7);
        // the smallest table, kept crowded, so probe runs are long and wrap past the array's end
        DedupIndex index = new DedupIndex(WINDOW, 64L << 20);
        Map<String, Long> model = new HashMap<>();
        String[] recent = new String[512];
        long time = 1_000_000;
        int duplicates = 0;
        for (int i = 0; i < 400_000; i++) {
            time += random.nextInt(3); // ~0.67 ms apart: ~90,000 ids a window
            String id = i > 1000 && random.nextInt(10) == 0
                    ? recent[random.nextInt(recent.length)]
                    : new UUID(random.nextLong(), random.nextLong()).toString();
            if (random.nextInt(50) == 0) {
                // an old id, from well outside the window: must be taken as new
                id = "old-" + random.nextInt(1000);
            }
            recent[i % recent.length] = id;
            Long first = model.get(id);
            boolean expected = first == null || first < time - WINDOW;
            if (expected) {
                model.put(id, time);
            } else {
                duplicates++;
            }
            byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            assertThat(index.firstSeen(bytes, 0, bytes.length, time))
                    .as("id %s at %d (#%d)", id, time, i)
                    .isEqualTo(expected);
            if (i % 5000 == 0) {
                index.expire(); // as after a commit
                index.pending().clear();
            }
        }
        assertThat(duplicates).as("the run had duplicates to find").isGreaterThan(30_000);
        assertThat(index.shortenedWindowMillis())
                .as("the bound was never reached")
                .isEqualTo(-1);
        long live = model.values().stream().filter(t -> t >= index.horizon()).count();
        assertThat((long) index.size())
                .as("ids held: the window's and at most an eighth of a window more")
                .isBetween(live, live + live / 4 + 5000);
    }

    @Test
    void aSteadyRateSettlesOnOneTableSize() {
        DedupIndex index = new DedupIndex(WINDOW, 256L << 20);
        long time = 0;
        long afterTwoWindows = 0;
        int n = 0;
        for (int window = 0; window < 10; window++) {
            for (int i = 0; i < 50_000; i++) { // 50,000 ids a window
                byte[] id = ("id-" + n++).getBytes(StandardCharsets.UTF_8);
                index.firstSeen(id, 0, id.length, time += 1);
                if (n % 2000 == 0) {
                    index.expire();
                    index.pending().clear();
                }
            }
            time += WINDOW - 50_000;
            if (window == 1) {
                afterTwoWindows = index.tableBytes();
            }
        }
        assertThat(index.tableBytes()).as("no growth after the window filled").isEqualTo(afterTwoWindows);
        assertThat(index.tableBytes())
                .as("24 B a slot at a load of at least 0.15: %d ids", index.size())
                .isLessThanOrEqualTo(24L * (long) Math.ceil(index.size() / 0.15) + 24L * 4096);
    }

    @Test
    void theMemoryBoundHoldsAtAnyRateAndShortensTheWindowInsteadOfGrowing() {
        long maxBytes = 24L * 16_384; // 16,384 slots: ~9,800 ids
        DedupIndex index = new DedupIndex(WINDOW, maxBytes);
        long time = 0;
        for (int i = 0; i < 200_000; i++) { // 200,000 ids within one window: twenty times what fits
            byte[] id = ("id-" + i).getBytes(StandardCharsets.UTF_8);
            assertThat(index.firstSeen(id, 0, id.length, time)).isTrue();
            if (i % 50 == 0) {
                time++;
            }
            assertThat(index.tableBytes()).isLessThanOrEqualTo(maxBytes);
        }
        assertThat(index.evictions()).isPositive();
        assertThat(index.shortenedWindowMillis())
                .as("the window it still covers")
                .isBetween(1L, WINDOW - 1);
        // the newest ids are still caught as duplicates
        for (int i = 199_000; i < 200_000; i++) {
            byte[] id = ("id-" + i).getBytes(StandardCharsets.UTF_8);
            assertThat(index.firstSeen(id, 0, id.length, time)).as("id-%d", i).isFalse();
        }
    }

    @Test
    void clearForgetsEveryIdAndKeepsTheTable() {
        DedupIndex index = new DedupIndex(WINDOW, 64L << 20);
        for (int i = 0; i < 20_000; i++) {
            byte[] id = ("id-" + i).getBytes(StandardCharsets.UTF_8);
            index.firstSeen(id, 0, id.length, i);
        }
        long bytes = index.tableBytes();
        index.clear();
        assertThat(index.size()).isZero();
        assertThat(index.pending().size()).isZero();
        assertThat(index.tableBytes()).isEqualTo(bytes);
        byte[] id = "id-5".getBytes(StandardCharsets.UTF_8);
        assertThat(index.firstSeen(id, 0, id.length, 30_000)).isTrue();
    }
}
