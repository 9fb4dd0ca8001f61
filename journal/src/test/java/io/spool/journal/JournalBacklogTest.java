package io.spool.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What waits after a reader's position, as the journal tells it: excerpts and records after it, and
 * when the oldest of them was received. These are the writer's lag and pending records, so each number
 * is checked against what was appended, across hourly files, after the position moves, and while a
 * large backlog is still being counted.
 */
class JournalBacklogTest {
    @TempDir
    Path dir;

    private static EventRecord event(long receivedAt) {
        return new EventRecord()
                .type(EventType.TRACK)
                .receivedAt(receivedAt)
                .timestamp(receivedAt)
                .userId("u")
                .event("e");
    }

    /** One excerpt of {@code records} events, all received at {@code receivedAt}. */
    private static long append(JournalAppender appender, int records, long receivedAt) {
        BatchEncoder batch = new BatchEncoder();
        for (int i = 0; i < records; i++) {
            batch.add(event(receivedAt));
        }
        return appender.append(batch);
    }

    @Test
    void nothingWaitsInAnEmptyQueue() {
        try (Journal journal = Journal.open(dir);
                JournalBacklog backlog = journal.events().newBacklog()) {
            backlog.measure(-1);
            assertThat(backlog.excerpts()).isZero();
            assertThat(backlog.records()).isZero();
            assertThat(backlog.oldestReceivedAt()).isEqualTo(EventRecord.NO_TIME);
            assertThat(backlog.complete()).isTrue();
        }
    }

    @Test
    void countsWhatFollowsThePositionAndDatesItsOldestRecord() {
        try (Journal journal = Journal.open(dir);
                JournalBacklog backlog = journal.events().newBacklog()) {
            JournalAppender appender = journal.events().newAppender();
            long first = append(appender, 2, 1_000);
            long second = append(appender, 3, 2_000);
            append(appender, 1, 3_000);

            backlog.measure(-1);
            assertThat(backlog.excerpts()).isEqualTo(3);
            assertThat(backlog.records()).isEqualTo(6);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(1_000);

            backlog.measure(first);
            assertThat(backlog.excerpts()).isEqualTo(2);
            assertThat(backlog.records()).isEqualTo(4);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(2_000);

            long fourth = append(appender, 5, 4_000);
            backlog.measure(first);
            assertThat(backlog.records()).isEqualTo(9);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(2_000);

            backlog.measure(second);
            assertThat(backlog.excerpts()).isEqualTo(2);
            assertThat(backlog.records()).isEqualTo(6);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(3_000);

            backlog.measure(fourth);
            assertThat(backlog.excerpts()).isZero();
            assertThat(backlog.records()).isZero();
            assertThat(backlog.oldestReceivedAt()).isEqualTo(EventRecord.NO_TIME);

            // a position behind the last one (the tables were rolled back): counted over again
            backlog.measure(first);
            assertThat(backlog.records()).isEqualTo(9);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(2_000);
        }
    }

    @Test
    void countsAcrossHourlyFiles() {
        JournalRoundTripTest.MutableClock clock =
                new JournalRoundTripTest.MutableClock(Instant.parse("2026-11-25T10:59:00Z"));
        try (Journal journal = Journal.builder(dir).clock(clock).build();
                JournalBacklog backlog = journal.events().newBacklog()) {
            JournalAppender appender = journal.events().newAppender();
            List<Long> indexes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                if (i == 2) {
                    clock.now = Instant.parse("2026-11-25T11:00:01Z");
                }
                if (i == 4) {
                    clock.now = Instant.parse("2026-11-25T12:00:01Z");
                }
                indexes.add(append(appender, 10, 1_000 + i));
            }
            assertThat(journal.events().rollCycle().toCycle(indexes.get(5)))
                    .isEqualTo(journal.events().rollCycle().toCycle(indexes.get(0)) + 2);
            backlog.measure(indexes.get(0));
            assertThat(backlog.excerpts()).isEqualTo(5);
            assertThat(backlog.records()).isEqualTo(50);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(1_001);
            backlog.measure(indexes.get(3));
            assertThat(backlog.records()).isEqualTo(20);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(1_004);
        }
    }

    @Test
    void aLargeBacklogIsCountedOverSeveralMeasuresItsOldestTimeAtOnce() {
        try (Journal journal = Journal.open(dir);
                JournalBacklog backlog = journal.events().newBacklog(4)) {
            JournalAppender appender = journal.events().newAppender();
            for (int i = 0; i < 10; i++) {
                append(appender, 3, 5_000 + i);
            }
            backlog.measure(-1);
            assertThat(backlog.complete()).isFalse();
            assertThat(backlog.records()).as("a lower bound").isEqualTo(12);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(5_000);
            backlog.measure(-1);
            backlog.measure(-1);
            assertThat(backlog.complete()).isTrue();
            assertThat(backlog.excerpts()).isEqualTo(10);
            assertThat(backlog.records()).isEqualTo(30);
        }
    }

    @Test
    void aPositionThatCatchesUpWithTheCountedEndKeepsTheCountsRight() {
        try (Journal journal = Journal.open(dir);
                JournalBacklog backlog = journal.events().newBacklog(4)) {
            JournalAppender appender = journal.events().newAppender();
            List<Long> indexes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                indexes.add(append(appender, 3, 5_000 + i));
            }
            backlog.measure(-1); // the end has counted the first four excerpts
            backlog.measure(indexes.get(3)); // committed exactly what the end counted; it counts four more
            assertThat(backlog.complete()).isFalse();
            assertThat(backlog.excerpts()).isEqualTo(4);
            assertThat(backlog.records()).isEqualTo(12);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(5_004);

            backlog.measure(indexes.get(7)); // caught up again; the end reaches the queue's end
            assertThat(backlog.complete()).isTrue();
            assertThat(backlog.excerpts()).isEqualTo(2);
            assertThat(backlog.records()).isEqualTo(6);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(5_008);

            long last = append(appender, 5, 6_000);
            backlog.measure(indexes.get(9));
            assertThat(backlog.records()).isEqualTo(5);
            assertThat(backlog.oldestReceivedAt()).isEqualTo(6_000);
            backlog.measure(last);
            assertThat(backlog.records()).isZero();
            assertThat(backlog.oldestReceivedAt()).isEqualTo(EventRecord.NO_TIME);
        }
    }

    @Test
    void datesDeadLettersAndSkipsAnUnreadableFirstRecord() {
        try (Journal journal = Journal.open(dir);
                JournalBacklog dead = journal.deadLetters().newBacklog();
                JournalBacklog events = journal.events().newBacklog()) {
            BatchEncoder letters = new BatchEncoder()
                    .add(new DeadLetterRecord().receivedAt(7_000).reason("no type"))
                    .add(new DeadLetterRecord().receivedAt(7_001).reason("no type"));
            journal.deadLetters().newAppender().append(letters);
            dead.measure(-1);
            assertThat(dead.records()).isEqualTo(2);
            assertThat(dead.oldestReceivedAt()).isEqualTo(7_000);

            BatchEncoder batch = new BatchEncoder().add(event(8_000)).add(event(8_001));
            batch.buffer().put(4, (byte) 2); // the first record of a newer format version
            journal.events().newAppender().append(batch);
            events.measure(-1);
            assertThat(events.records()).isEqualTo(2);
            assertThat(events.oldestReceivedAt()).isEqualTo(8_001);
        }
    }
}
