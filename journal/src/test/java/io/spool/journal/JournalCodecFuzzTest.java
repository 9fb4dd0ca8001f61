package io.spool.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the journal codec (Jazzer). The storage writer reads every excerpt of a
 * journal it did not write itself, so arbitrary bytes there must decode or fail with
 * {@link JournalFormatException} (the writer then keeps the bytes in the rejected table): never an
 * index error, a negative array size, a hang or an out-of-memory. And whatever the encoder accepts
 * must come back field for field.
 *
 * <p>Without {@code JAZZER_FUZZ} these run as regression tests over the inputs kept in
 * {@code src/test/resources/io/spool/journal/JournalCodecFuzzTestInputs/<method>/}; the build's
 * {@code fuzz-*} surefire executions fuzz each target for a short while (see journal/pom.xml).
 */
class JournalCodecFuzzTest {
    /**
     * An excerpt as the writer's tailer hands it over ({@link JournalBatch}), read the way the writer
     * reads it: every record as an event (events queue) and as a dead letter (dead-letter queue), and
     * every accessor the Parquet writer touches.
     */
    @FuzzTest(maxDuration = "15s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void decodeArbitraryExcerpt(byte[] excerpt) {
        JournalBatch batch = new JournalBatch();
        for (int pass = 0; pass < 2; pass++) {
            // Twice through one batch: its buffer and view are reused from excerpt to excerpt, as the tailer's are.
            System.arraycopy(excerpt, 0, batch.prepare(excerpt.length), 0, excerpt.length);
            int records = 0;
            while (batch.next()) {
                records++;
                // Each record takes its 4-byte length prefix, or the rest of the excerpt as one bad record.
                assertThat(records).isLessThanOrEqualTo(excerpt.length / 4 + 1);
                assertThat(batch.recordNumber()).isEqualTo(records - 1);
                assertThat(batch.offset()).isBetween(0, excerpt.length);
                assertThat(batch.length()).isBetween(0, excerpt.length - batch.offset());
                readAsEvent(batch);
                readAsDeadLetter(batch);
            }
            assertThat(batch.size()).isEqualTo(excerpt.length);
        }
    }

    private static void readAsEvent(JournalBatch batch) {
        RecordView view;
        try {
            view = batch.view();
        } catch (JournalFormatException expected) {
            return;
        }
        assertThat(view.type()).isNotNull();
        view.receivedAt();
        view.timestamp();
        view.originalTimestamp();
        view.sentAt();
        int from = batch.offset();
        int to = batch.offset() + batch.length();
        for (RecordField field : RecordField.values()) {
            int length = view.length(field);
            assertThat(view.isPresent(field)).isEqualTo(length >= 0);
            if (length >= 0) {
                // The Parquet writer copies exactly this slice: it must lie inside the record.
                assertThat(view.offset(field)).isBetween(from, to);
                assertThat(view.offset(field) + length).isBetween(from, to);
                view.text(field);
            }
        }
        EventRecord copy = view.copyTo(new EventRecord());
        assertThat(copy.type()).isEqualTo(view.type());
        assertThat(copy.messageId()).isEqualTo(view.text(RecordField.MESSAGE_ID));
    }

    private static void readAsDeadLetter(JournalBatch batch) {
        DeadLetterRecord dead = new DeadLetterRecord();
        try {
            batch.deadLetter(dead);
        } catch (JournalFormatException expected) {
            return;
        }
        RawJson payload = dead.payload();
        if (payload.isPresent()) {
            assertThat(payload.offset()).isBetween(batch.offset(), batch.offset() + batch.length());
            assertThat(payload.offset() + payload.length()).isBetween(batch.offset(), batch.offset() + batch.length());
        }
    }

    /**
     * Records and dead letters built from fuzzed values, encoded together as the collector encodes a
     * request ({@link BatchEncoder}), then read back through {@link JournalBatch}: every field the same.
     */
    @FuzzTest(maxDuration = "15s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void encodeThenDecodeGivesTheSameRecords(FuzzedDataProvider data) {
        BatchEncoder encoder = new BatchEncoder(64);
        List<Object> written = new ArrayList<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            if (data.consumeBoolean()) {
                DeadLetterRecord d = deadLetter(data);
                encoder.add(d);
                written.add(d);
            } else {
                EventRecord r = record(data);
                encoder.add(r);
                written.add(r);
            }
        }
        assertThat(encoder.count()).isEqualTo(n);
        byte[] excerpt = encoder.toByteArray();
        assertThat(excerpt).hasSize((int) encoder.size());

        JournalBatch batch = new JournalBatch();
        System.arraycopy(excerpt, 0, batch.prepare(excerpt.length), 0, excerpt.length);
        for (Object w : written) {
            assertThat(batch.next()).isTrue();
            if (w instanceof EventRecord) {
                assertSameEvent(batch.view().copyTo(new EventRecord()), (EventRecord) w);
            } else {
                assertSameDeadLetter(batch.deadLetter(new DeadLetterRecord()), (DeadLetterRecord) w);
            }
        }
        assertThat(batch.next()).isFalse();
    }

    private static EventRecord record(FuzzedDataProvider data) {
        EventRecord r = new EventRecord()
                .type(EventType.values()[data.consumeInt(0, EventType.values().length - 1)])
                .receivedAt(data.consumeLong())
                .timestamp(data.consumeLong())
                .originalTimestamp(time(data))
                .sentAt(time(data))
                .messageId(text(data))
                .userId(text(data))
                .anonymousId(text(data))
                .event(text(data))
                .name(text(data))
                .groupId(text(data))
                .previousId(text(data))
                .writeKey(text(data))
                .ip(text(data))
                .libraryName(text(data))
                .libraryVersion(text(data))
                .userAgent(text(data));
        raw(data, r.properties());
        raw(data, r.traits());
        raw(data, r.context());
        raw(data, r.integrations());
        return r;
    }

    private static DeadLetterRecord deadLetter(FuzzedDataProvider data) {
        DeadLetterRecord d = new DeadLetterRecord()
                .receivedAt(data.consumeLong())
                .batchIndex(data.consumeInt())
                .reason(text(data))
                .writeKey(text(data))
                .ip(text(data));
        raw(data, d.payload());
        return d;
    }

    private static long time(FuzzedDataProvider data) {
        return data.consumeBoolean() ? EventRecord.NO_TIME : data.consumeLong();
    }

    private static String text(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : data.consumeString(64);
    }

    /** A slice at a fuzzed offset inside a larger array, as the collector's slices of a request body are. */
    private static void raw(FuzzedDataProvider data, RawJson into) {
        if (data.consumeBoolean()) {
            into.clear();
            return;
        }
        int before = data.consumeInt(0, 8);
        byte[] bytes = data.consumeBytes(128);
        byte[] array = new byte[before + bytes.length + data.consumeInt(0, 8)];
        System.arraycopy(bytes, 0, array, before, bytes.length);
        into.set(array, before, bytes.length);
    }

    private static void assertSameEvent(EventRecord actual, EventRecord expected) {
        assertThat(actual.type()).isEqualTo(expected.type());
        assertThat(actual.receivedAt()).isEqualTo(expected.receivedAt());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.originalTimestamp()).isEqualTo(expected.originalTimestamp());
        assertThat(actual.sentAt()).isEqualTo(expected.sentAt());
        assertThat(actual.messageId()).isEqualTo(utf8(expected.messageId()));
        assertThat(actual.userId()).isEqualTo(utf8(expected.userId()));
        assertThat(actual.anonymousId()).isEqualTo(utf8(expected.anonymousId()));
        assertThat(actual.event()).isEqualTo(utf8(expected.event()));
        assertThat(actual.name()).isEqualTo(utf8(expected.name()));
        assertThat(actual.groupId()).isEqualTo(utf8(expected.groupId()));
        assertThat(actual.previousId()).isEqualTo(utf8(expected.previousId()));
        assertThat(actual.writeKey()).isEqualTo(utf8(expected.writeKey()));
        assertThat(actual.ip()).isEqualTo(utf8(expected.ip()));
        assertThat(actual.libraryName()).isEqualTo(utf8(expected.libraryName()));
        assertThat(actual.libraryVersion()).isEqualTo(utf8(expected.libraryVersion()));
        assertThat(actual.userAgent()).isEqualTo(utf8(expected.userAgent()));
        assertSameBytes(actual.properties(), expected.properties());
        assertSameBytes(actual.traits(), expected.traits());
        assertSameBytes(actual.context(), expected.context());
        assertSameBytes(actual.integrations(), expected.integrations());
    }

    private static void assertSameDeadLetter(DeadLetterRecord actual, DeadLetterRecord expected) {
        assertThat(actual.receivedAt()).isEqualTo(expected.receivedAt());
        assertThat(actual.batchIndex()).isEqualTo(expected.batchIndex());
        assertThat(actual.reason()).isEqualTo(utf8(expected.reason()));
        assertThat(actual.writeKey()).isEqualTo(utf8(expected.writeKey()));
        assertThat(actual.ip()).isEqualTo(utf8(expected.ip()));
        assertSameBytes(actual.payload(), expected.payload());
    }

    private static void assertSameBytes(RawJson actual, RawJson expected) {
        assertThat(actual.isPresent()).isEqualTo(expected.isPresent());
        if (expected.isPresent()) {
            assertThat(Arrays.equals(actual.toByteArray(), expected.toByteArray()))
                    .isTrue();
        }
    }

    /**
     * What a string is once stored as UTF-8: itself, except that a lone surrogate (which Jackson hands
     * over for a JSON {@code "\ud800"} escape, and which UTF-8 cannot hold) becomes {@code ?}.
     */
    private static String utf8(String s) {
        return s == null ? null : new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
