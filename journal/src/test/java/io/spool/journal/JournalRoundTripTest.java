package io.spool.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRoundTripTest {
    @TempDir
    Path dir;

    static EventRecord fullRecord() {
        EventRecord r = new EventRecord()
                .type(EventType.TRACK)
                .receivedAt(1_764_072_000_123L)
                .timestamp(1_764_071_999_000L)
                .originalTimestamp(1_764_071_998_000L)
                .sentAt(1_764_071_999_500L)
                .messageId("7f0c6e1a-64b4-4a40-9e0a-1c0d5f1e2a3b")
                .userId("user-42")
                .anonymousId("anon-Ω-🙂")
                .event("Order Completed")
                .name("Checkout")
                .groupId("acme")
                .previousId("old-id")
                .writeKey("wk_live")
                .ip("2001:db8::1")
                .libraryName("analytics-java")
                .libraryVersion("3.5.4")
                .userAgent("Mozilla/5.0 (Ünïcødé)");
        r.properties().set("{\"revenue\":19.99,\"currency\":\"EUR\",\"note\":\"naïve café 東京\"}");
        r.traits().set("{\"email\":\"a@example.com\"}");
        r.context().set("{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"}}");
        r.integrations().set("{\"All\":true}");
        return r;
    }

    static void assertSameFields(EventRecord actual, EventRecord expected) {
        assertThat(actual.type()).isEqualTo(expected.type());
        assertThat(actual.receivedAt()).isEqualTo(expected.receivedAt());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.originalTimestamp()).isEqualTo(expected.originalTimestamp());
        assertThat(actual.sentAt()).isEqualTo(expected.sentAt());
        assertThat(actual.messageId()).isEqualTo(expected.messageId());
        assertThat(actual.userId()).isEqualTo(expected.userId());
        assertThat(actual.anonymousId()).isEqualTo(expected.anonymousId());
        assertThat(actual.event()).isEqualTo(expected.event());
        assertThat(actual.name()).isEqualTo(expected.name());
        assertThat(actual.groupId()).isEqualTo(expected.groupId());
        assertThat(actual.previousId()).isEqualTo(expected.previousId());
        assertThat(actual.writeKey()).isEqualTo(expected.writeKey());
        assertThat(actual.ip()).isEqualTo(expected.ip());
        assertThat(actual.libraryName()).isEqualTo(expected.libraryName());
        assertThat(actual.libraryVersion()).isEqualTo(expected.libraryVersion());
        assertThat(actual.userAgent()).isEqualTo(expected.userAgent());
        assertThat(actual.properties().toString())
                .isEqualTo(expected.properties().toString());
        assertThat(actual.traits().toString()).isEqualTo(expected.traits().toString());
        assertThat(actual.context().toString()).isEqualTo(expected.context().toString());
        assertThat(actual.integrations().toString())
                .isEqualTo(expected.integrations().toString());
    }

    @Test
    void everyFieldRoundTripsThroughTheJournal() {
        EventRecord sent = fullRecord();
        EventRecord sparse = new EventRecord()
                .type(EventType.IDENTIFY)
                .receivedAt(1)
                .timestamp(2)
                .anonymousId("a");
        try (Journal journal = Journal.open(dir)) {
            long index = journal.events()
                    .newAppender()
                    .append(new BatchEncoder().add(sent).add(sparse));
            List<EventRecord> read = readAll(journal.events());
            assertThat(read).hasSize(2);
            assertSameFields(read.get(0), sent);
            assertSameFields(read.get(1), sparse);
            assertThat(read.get(1).userId()).isNull();
            assertThat(read.get(1).originalTimestamp()).isEqualTo(EventRecord.NO_TIME);
            assertThat(read.get(1).properties().isPresent()).isFalse();
            assertThat(journal.events().lastIndex()).isEqualTo(index);
        }
    }

    @Test
    void emptyStringsAndEmptyObjectsAreNotAbsent() {
        EventRecord r = new EventRecord()
                .type(EventType.PAGE)
                .receivedAt(1)
                .timestamp(1)
                .userId("")
                .name("");
        r.properties().set("{}");
        EventRecord back = roundTrip(r);
        assertThat(back.userId()).isEmpty();
        assertThat(back.name()).isEmpty();
        assertThat(back.anonymousId()).isNull();
        assertThat(back.properties().toString()).isEqualTo("{}");
    }

    @Test
    void largeJsonObjectsRoundTrip() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("\"k")
                    .append(i)
                    .append("\":\"välue ")
                    .append(i)
                    .append('"');
        }
        json.append('}');
        EventRecord r = new EventRecord()
                .type(EventType.TRACK)
                .receivedAt(1)
                .timestamp(1)
                .userId("u")
                .event("big");
        r.properties().set(json.toString());
        assertThat(roundTrip(r).properties().toString()).isEqualTo(json.toString());
    }

    @Test
    void rawJsonSlicesAreStoredWithoutTheirSurroundings() {
        byte[] body = "xx{\"a\":1}yy".getBytes(StandardCharsets.UTF_8);
        EventRecord r = new EventRecord()
                .type(EventType.TRACK)
                .receivedAt(1)
                .timestamp(1)
                .userId("u")
                .event("e");
        r.properties().set(body, 2, 7);
        assertThat(roundTrip(r).properties().toString()).isEqualTo("{\"a\":1}");
    }

    @Test
    void aRecordOfANewerFormatIsReportedAndTheNextOneStillReads() {
        BatchEncoder batch = new BatchEncoder().add(fullRecord()).add(fullRecord());
        // Bump the first record's version byte (just after its 4-byte length) to a future version.
        batch.buffer().put(4, (byte) 2);
        try (Journal journal = Journal.open(dir)) {
            journal.events().newAppender().append(batch);
            List<String> outcomes = new ArrayList<>();
            journal.events().newTailer().readBatch((index, b) -> {
                while (b.next()) {
                    try {
                        outcomes.add(b.view().text(RecordField.USER_ID));
                    } catch (JournalFormatException e) {
                        outcomes.add(e.getMessage());
                    }
                }
            });
            assertThat(outcomes).hasSize(2);
            assertThat(outcomes.get(0)).contains("format version 2");
            assertThat(outcomes.get(1)).isEqualTo("user-42");
        }
    }

    @Test
    void corruptFramingEndsTheExcerptWithOneUndecodableRecord() {
        BatchEncoder batch = new BatchEncoder().add(fullRecord());
        batch.buffer().putInt(0, 1_000_000);
        try (Journal journal = Journal.open(dir)) {
            journal.events().newAppender().append(batch);
            // readBatch is false, and the checks inside never run, when it finds no excerpt: assert it found one
            assertThat(journal.events().newTailer().readBatch((index, b) -> {
                        assertThat(b.next()).isTrue();
                        assertThatThrownBy(b::view)
                                .isInstanceOf(JournalFormatException.class)
                                .hasMessageContaining("corrupt record length");
                        assertThat(b.next()).isFalse();
                    }))
                    .as("an excerpt was read")
                    .isTrue();
        }
    }

    @Test
    void truncatedRecordIsAFormatErrorNotACrash() {
        BatchEncoder batch = new BatchEncoder().add(fullRecord());
        byte[] bytes = batch.toByteArray();
        RecordView view = new RecordView();
        for (int cut = 0; cut < bytes.length - 4; cut += 7) {
            int len = cut;
            assertThatThrownBy(() -> view.wrap(bytes, 4, len)).isInstanceOf(JournalFormatException.class);
        }
    }

    @Test
    void deadLettersRoundTrip() {
        DeadLetterRecord dl = new DeadLetterRecord()
                .receivedAt(5)
                .batchIndex(3)
                .reason("event is missing \"type\"")
                .writeKey("wk")
                .ip("127.0.0.1");
        dl.payload().set("{\"userId\":\"ü\"}");
        try (Journal journal = Journal.open(dir)) {
            journal.deadLetters().newAppender().append(new BatchEncoder().add(dl));
            DeadLetterRecord back = new DeadLetterRecord();
            assertThat(journal.deadLetters().newTailer().readBatch((i, b) -> {
                        assertThat(b.next()).isTrue();
                        b.deadLetter(back);
                        assertThat(back.receivedAt()).isEqualTo(5);
                        assertThat(back.batchIndex()).isEqualTo(3);
                        assertThat(back.reason()).isEqualTo("event is missing \"type\"");
                        assertThat(back.writeKey()).isEqualTo("wk");
                        assertThat(back.ip()).isEqualTo("127.0.0.1");
                        assertThat(back.payload().toString()).isEqualTo("{\"userId\":\"ü\"}");
                    }))
                    .isTrue();
        }
    }

    @Test
    void aTailerResumesAfterACheckpointAndAcrossHourlyCycles() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:59:00Z"));
        try (Journal journal = Journal.builder(dir).clock(clock).build()) {
            JournalAppender appender = journal.events().newAppender();
            List<Long> indexes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                if (i == 3) {
                    clock.now = Instant.parse("2026-11-25T11:00:01Z");
                }
                indexes.add(appender.append(new BatchEncoder()
                        .add(new EventRecord()
                                .type(EventType.TRACK)
                                .receivedAt(i)
                                .timestamp(i)
                                .userId("u" + i)
                                .event("e"))));
            }
            assertThat(journal.events().rollCycle().toCycle(indexes.get(3)))
                    .isEqualTo(journal.events().rollCycle().toCycle(indexes.get(2)) + 1);
            JournalTailer tailer = journal.events().newTailer().moveAfter(indexes.get(1));
            List<String> users = new ArrayList<>();
            while (tailer.readBatch((i, b) -> {
                while (b.next()) {
                    users.add(b.view().text(RecordField.USER_ID));
                }
            })) {
                // drain
            }
            assertThat(users).containsExactly("u2", "u3", "u4", "u5");
        }
    }

    @Test
    void oneAppenderSharedByManyThreadsLosesAndDoublesNothing() throws Exception {
        int threads = 8;
        int perThread = 500;
        try (Journal journal = Journal.open(dir)) {
            JournalAppender appender = journal.events().newAppender();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    BatchEncoder batch = new BatchEncoder();
                    for (int i = 0; i < perThread; i++) {
                        appender.append(batch.reset()
                                .add(new EventRecord()
                                        .type(EventType.TRACK)
                                        .receivedAt(i)
                                        .timestamp(i)
                                        .userId("t" + thread + "-" + i)
                                        .event("e")));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            List<EventRecord> all = readAll(journal.events());
            assertThat(all).hasSize(threads * perThread);
            assertThat(all.stream().map(EventRecord::userId).distinct().count()).isEqualTo(threads * perThread);
        }
    }

    private EventRecord roundTrip(EventRecord r) {
        try (Journal journal = Journal.open(dir)) {
            journal.events().newAppender().append(new BatchEncoder().add(r));
            List<EventRecord> all = readAll(journal.events());
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    static List<EventRecord> readAll(JournalQueue queue) {
        List<EventRecord> out = new ArrayList<>();
        JournalTailer tailer = queue.newTailer();
        while (tailer.readBatch((index, batch) -> {
            while (batch.next()) {
                EventRecord copy = batch.view().copyTo(new EventRecord());
                // detach JSON slices from the tailer's reused buffer
                for (RawJson j : List.of(copy.properties(), copy.traits(), copy.context(), copy.integrations())) {
                    j.set(j.toByteArray(), 0, j.isPresent() ? j.length() : 0);
                }
                out.add(copy);
            }
        })) {
            // keep reading
        }
        return out;
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
