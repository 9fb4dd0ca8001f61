package io.spool.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RawJson;
import io.spool.journal.RecordField;
import io.spool.journal.RecordView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of the collector's request path without HTTP and without the
 * append: inflate (bounded), UTF-8 check, parse, validate, normalize, encode, the same steps in the
 * same order as {@link Ingest#process} up to {@code sink.append}. Whatever the bytes, the answer is a
 * 200 or a documented 4xx with a JSON error body, never an exception, a hang or an out-of-memory; every
 * accepted event decodes from the encoded excerpt with the journal's own reader ({@link RecordView}),
 * its JSON fields are valid JSON objects, and accepted + dead-lettered = the events sent.
 *
 * <p>The first input byte picks the route and the encoding (so a kept input is one readable file:
 * {@code @{"batch":[…]}}); the rest is the body:
 * <ul>
 *   <li>{@code b & 7}: 0 and 7 a batch path ({@code /v1/batch}, {@code /v1/import}), 1–6 the
 *       single-event path of that {@link EventType} code ({@code A} track … {@code F} alias);
 *   <li>{@code (b >> 3) & 3}: 0–1 a plain body, 2 the body gzipped here (a valid gzip body),
 *       3 the body sent as is with {@code Content-Encoding: gzip} (fuzzes the inflater itself).
 * </ul>
 * So {@code @}–{@code G} are plain, {@code P}–{@code W} gzipped, {@code X}–{@code _} raw "gzip".
 *
 * <p>Without {@code JAZZER_FUZZ} this runs as a regression test over the inputs kept in
 * {@code src/test/resources/io/spool/collector/internal/RequestPathFuzzTestInputs/<method>/}; the
 * build's {@code fuzz-request-path} surefire execution fuzzes it for a short while (collector/pom.xml).
 */
class RequestPathFuzzTest {
    /** Small limits, so that inputs of a few kB reach the 413 paths and the per-event refusal. */
    private static final int MAX_EVENT_BYTES = 512;

    private static final int MAX_REQUEST_BYTES = 2048;
    private static final long RECEIVED_AT = 1_764_072_000_123L;
    private static final String IP = "203.0.113.7";
    private static final String WRITE_KEY = "fuzz-key";

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RequestParser parser = new RequestParser();
    private final EventFinisher finisher = new EventFinisher(parser, MAX_EVENT_BYTES);
    private final RequestDecoder decoder = new RequestDecoder(parser, MAX_REQUEST_BYTES, new CollectorMetrics());

    @FuzzTest(maxDuration = "25s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    // The wire protocol's words, so that mutations build events and not only broken JSON.
    @DictionaryEntries({
        "{\"batch\":[",
        "{\"type\":\"",
        "\"batch\"",
        "\"type\"",
        "\"track\"",
        "\"identify\"",
        "\"page\"",
        "\"screen\"",
        "\"group\"",
        "\"alias\"",
        "\"messageId\"",
        "\"userId\"",
        "\"anonymousId\"",
        "\"event\"",
        "\"name\"",
        "\"groupId\"",
        "\"previousId\"",
        "\"timestamp\"",
        "\"originalTimestamp\"",
        "\"sentAt\"",
        "\"properties\"",
        "\"traits\"",
        "\"context\"",
        "\"integrations\"",
        "\"library\"",
        "\"version\"",
        "\"userAgent\"",
        "\"writeKey\"",
        "\"2026-03-01T12:00:00.123Z\"",
        "+01:00",
        "\\u",
        "\\ud83d",
        "null",
        "true",
        "[]",
        "{}",
        "\":",
        "\",\"",
        "},{"
    })
    void anyBodyGetsADocumentedAnswerAndAcceptedEventsDecode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        int route = selector & 7;
        EventType single = route == 0 || route == 7 ? null : EventType.fromCode(route);
        int encoding = (selector >> 3) & 3;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        byte[] wire = encoding == 2 ? gzip(body) : body;
        boolean gzip = encoding >= 2;

        // A workspace is reused from request to request: the same input twice through one must give
        // the same answer (a fresh one per input, so that a kept input reproduces on its own).
        Workspace ws = new Workspace();
        Outcome first = processAndCheck(ws, single, wire, gzip);
        Outcome second = processAndCheck(ws, single, wire, gzip);
        assertThat(second.status).isEqualTo(first.status);
        assertThat(new String(second.body, StandardCharsets.UTF_8))
                .isEqualTo(new String(first.body, StandardCharsets.UTF_8));
    }

    private Outcome processAndCheck(Workspace ws, EventType single, byte[] wire, boolean gzip) {
        ws.ensureWireCapacity(wire.length);
        System.arraycopy(wire, 0, ws.wire, 0, wire.length);
        boolean[] finished = new boolean[1];
        Outcome outcome = process(ws, single, wire.length, gzip, finished);
        JsonNode answer = checkAnswer(outcome);
        if (finished[0]) {
            checkEncoded(ws, single, outcome, answer);
        } else {
            assertThat(outcome.status).as("refused before validation").isIn(400, 413);
        }
        ws.release();
        return outcome;
    }

    /**
     * {@link Ingest#process} from the body to the encoded batch, through the same pieces, minus auth, the
     * rate limit and the append (the request carries an accepted header key).
     */
    private Outcome process(Workspace ws, EventType single, int wireLength, boolean gzip, boolean[] finished) {
        Outcome refused = decoder.decode(ws, single, wireLength, gzip);
        if (refused != null) {
            return refused;
        }
        assertThat(ws.bodyLength).isLessThanOrEqualTo(MAX_REQUEST_BYTES);
        finisher.finish(ws, RECEIVED_AT, IP, WRITE_KEY);
        finished[0] = true;
        return Outcome.forFinished(ws, single);
    }

    /** Every answer is {"success":true…} with a 200, or {"success":false,"error":"…"} with a 400 or 413. */
    private static JsonNode checkAnswer(Outcome outcome) {
        assertThat(outcome.status).isIn(200, 400, 413);
        assertThat(Utf8.firstInvalid(outcome.body, 0, outcome.body.length)).isEqualTo(-1);
        JsonNode answer;
        try {
            answer = MAPPER.readTree(outcome.body);
        } catch (IOException e) {
            throw new AssertionError("answer is not JSON: " + new String(outcome.body, StandardCharsets.UTF_8), e);
        }
        assertThat(answer.isObject()).isTrue();
        assertThat(answer.path("success").isBoolean()).isTrue();
        assertThat(answer.path("success").booleanValue()).isEqualTo(outcome.status == 200);
        if (outcome.status != 200) {
            assertThat(answer.path("error").isTextual()).isTrue();
            assertThat(answer.path("error").textValue()).isNotBlank();
        }
        return answer;
    }

    private static void checkEncoded(Workspace ws, EventType single, Outcome outcome, JsonNode answer) {
        int sent = ws.eventCount();
        if (single != null) {
            assertThat(sent).isEqualTo(1);
            assertThat(outcome.status).isEqualTo(ws.rejected == 0 ? 200 : 400);
        } else {
            assertThat(outcome.status).isEqualTo(200);
            JsonNode rejected = answer.path("rejected");
            assertThat(rejected.size()).isEqualTo(ws.rejected);
        }
        // accepted + dead-lettered = the events in the request, each in exactly one place
        assertThat(ws.events.count() + ws.rejected).isEqualTo(sent);
        assertThat(ws.deadLetters.count()).isEqualTo(ws.rejected);

        List<ParsedEvent> accepted = new ArrayList<>();
        List<ParsedEvent> refused = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            (ws.event(i).error == null ? accepted : refused).add(ws.event(i));
        }
        if (single == null) {
            JsonNode rejected = answer.path("rejected");
            for (int i = 0; i < refused.size(); i++) {
                assertThat(rejected.get(i).path("index").intValue()).isEqualTo(refused.get(i).index);
                assertThat(rejected.get(i).path("error").textValue()).isEqualTo(utf8(refused.get(i).error));
            }
        }

        List<int[]> events = records(ws.events.toByteArray());
        assertThat(events).hasSize(accepted.size());
        byte[] excerpt = ws.events.toByteArray();
        RecordView view = new RecordView();
        for (int i = 0; i < events.size(); i++) {
            view.wrap(excerpt, events.get(i)[0], events.get(i)[1]);
            checkEvent(view, accepted.get(i).record, single, ws);
        }

        byte[] deadExcerpt = ws.deadLetters.toByteArray();
        List<int[]> dead = records(deadExcerpt);
        assertThat(dead).hasSize(refused.size());
        for (int i = 0; i < dead.size(); i++) {
            DeadLetterRecord d = new DeadLetterRecord().decode(deadExcerpt, dead.get(i)[0], dead.get(i)[1]);
            ParsedEvent e = refused.get(i);
            assertThat(d.batchIndex()).isEqualTo(e.index);
            assertThat(d.reason()).isEqualTo(utf8(e.error));
            assertThat(d.receivedAt()).isEqualTo(RECEIVED_AT);
            assertThat(d.writeKey()).isEqualTo(WRITE_KEY);
            assertThat(d.ip()).isEqualTo(IP);
            // The dead letter keeps the event exactly as sent: one JSON value, the bytes of the body.
            assertThat(d.payload().toByteArray()).isEqualTo(Arrays.copyOfRange(ws.body, e.start, e.end));
            checkJsonValue(d.payload(), false);
        }
    }

    /** The framing of an excerpt ({@code int32 length, record}…), as the journal's reader walks it. */
    private static List<int[]> records(byte[] excerpt) {
        List<int[]> records = new ArrayList<>();
        int pos = 0;
        while (pos < excerpt.length) {
            assertThat(excerpt.length - pos).isGreaterThanOrEqualTo(4);
            int len = ByteBuffer.wrap(excerpt, pos, 4)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            assertThat(len).isBetween(0, excerpt.length - pos - 4);
            records.add(new int[] {pos + 4, len});
            pos += 4 + len;
        }
        return records;
    }

    private static void checkEvent(RecordView view, EventRecord parsed, EventType single, Workspace ws) {
        EventRecord r = view.copyTo(new EventRecord());
        assertThat(r.type()).isEqualTo(single != null ? single : parsed.type());
        assertThat(r.receivedAt()).isEqualTo(RECEIVED_AT);
        assertThat(r.timestamp()).isNotEqualTo(EventRecord.NO_TIME);
        assertThat(r.writeKey()).isEqualTo(WRITE_KEY);
        // the stored context's own ip when it is a non-blank string (Segment's rule), else the socket's
        String contextIp = null;
        if (r.context().isPresent()) {
            try {
                com.fasterxml.jackson.databind.JsonNode ipNode = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(r.context().toByteArray())
                        .get("ip");
                if (ipNode != null
                        && ipNode.isTextual()
                        && ipNode.asText().strip().matches("[0-9A-Fa-f.:]+(%[\\x21-\\x7e]+)?")
                        && ipNode.asText().strip().length() >= 2
                        && ipNode.asText().strip().length() <= 64) {
                    contextIp = ipNode.asText().strip();
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("stored context is not JSON", e);
            }
        }
        assertThat(r.ip()).isEqualTo(contextIp != null ? contextIp : IP);
        assertThat(r.messageId()).isNotEmpty();
        if (parsed.messageId() != null) {
            assertThat(r.messageId()).isEqualTo(utf8(parsed.messageId()));
        }
        // What validation promises about every accepted event
        if (r.type() == EventType.ALIAS) {
            assertThat(r.userId()).isNotNull();
            assertThat(r.previousId()).isNotNull();
        } else {
            assertThat(r.userId() != null || r.anonymousId() != null).isTrue();
        }
        if (r.type() == EventType.TRACK) {
            assertThat(r.event()).isNotEmpty();
        }
        if (r.type() == EventType.GROUP) {
            assertThat(r.groupId()).isNotNull();
        }
        assertThat(r.userId()).isEqualTo(utf8(parsed.userId()));
        assertThat(r.anonymousId()).isEqualTo(utf8(parsed.anonymousId()));
        assertThat(r.event()).isEqualTo(utf8(parsed.event()));
        assertThat(r.name()).isEqualTo(utf8(parsed.name()));
        assertThat(r.groupId()).isEqualTo(utf8(parsed.groupId()));
        assertThat(r.previousId()).isEqualTo(utf8(parsed.previousId()));
        assertThat(r.originalTimestamp()).isEqualTo(parsed.originalTimestamp());
        for (RecordField f : RecordField.values()) {
            if (view.isPresent(f)) {
                assertThat(Utf8.firstInvalid(view.array(), view.offset(f), view.length(f)))
                        .as("%s is valid UTF-8", f)
                        .isEqualTo(-1);
            }
        }
        checkJsonValue(r.properties(), true);
        checkJsonValue(r.traits(), true);
        checkJsonValue(r.context(), true);
        checkJsonValue(r.integrations(), true);
        // The batch's context and integrations are merged under the event's own: every top-level key is there.
        if (ws.batchContext.present) {
            assertThat(keys(r.context())).containsAll(keys(ws.batchContext, ws.body));
        }
        if (ws.batchIntegrations.present) {
            assertThat(keys(r.integrations())).containsAll(keys(ws.batchIntegrations, ws.body));
        }
    }

    /** Exactly one JSON value (an object when {@code object}), valid UTF-8, nothing before or after it. */
    private static void checkJsonValue(RawJson json, boolean object) {
        if (!json.isPresent()) {
            return;
        }
        String text = json.toString();
        assertThat(Utf8.firstInvalid(json.array(), json.offset(), json.length()))
                .as(text)
                .isEqualTo(-1);
        try (JsonParser p = JSON.createParser(json.array(), json.offset(), json.length())) {
            JsonToken t = p.nextToken();
            assertThat(t).as(text).isNotNull();
            if (object) {
                assertThat(t).as(text).isEqualTo(JsonToken.START_OBJECT);
            }
            p.skipChildren();
            assertThat(p.nextToken()).as("nothing after the value: %s", text).isNull();
        } catch (IOException e) {
            throw new AssertionError("not valid JSON: " + text, e);
        }
    }

    private static Set<String> keys(RawJson json) {
        return keys(json.array(), json.offset(), json.length());
    }

    private static Set<String> keys(ObjectSlice slice, byte[] body) {
        return keys(body, slice.start, slice.end - slice.start);
    }

    private static Set<String> keys(byte[] array, int offset, int length) {
        Set<String> keys = new HashSet<>();
        try (JsonParser p = JSON.createParser(array, offset, length)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new AssertionError("not valid JSON: " + new String(array, offset, length, StandardCharsets.UTF_8), e);
        }
        return keys;
    }

    /**
     * A string as it comes back from UTF-8: itself, but a lone surrogate (Jackson hands one over for
     * a JSON {@code "\ud800"} escape, and UTF-8 cannot hold it) becomes {@code ?}.
     */
    private static String utf8(String s) {
        return s == null ? null : new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
