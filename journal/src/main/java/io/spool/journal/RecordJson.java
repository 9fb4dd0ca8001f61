package io.spool.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Journal records as JSON text, in the shape a Segment client sends (camelCase names, ISO-8601 times,
 * the JSON objects as stored), for people and scripts reading the journal: the {@code tail} command
 * and the collector's console. Not a hot path: it allocates a String per field.
 */
public final class RecordJson {
    private RecordJson() {}

    /** Appends the event in {@code view} as one JSON object; {@code index} is its excerpt's journal index. */
    public static StringBuilder appendEvent(RecordView view, long index, StringBuilder out) {
        out.append("{\"type\":\"").append(view.type().wireName()).append('"');
        text(out, "event", view, RecordField.EVENT);
        text(out, "name", view, RecordField.NAME);
        text(out, "messageId", view, RecordField.MESSAGE_ID);
        text(out, "userId", view, RecordField.USER_ID);
        text(out, "anonymousId", view, RecordField.ANONYMOUS_ID);
        text(out, "groupId", view, RecordField.GROUP_ID);
        text(out, "previousId", view, RecordField.PREVIOUS_ID);
        time(out, "timestamp", view.timestamp());
        time(out, "originalTimestamp", view.originalTimestamp());
        time(out, "sentAt", view.sentAt());
        time(out, "receivedAt", view.receivedAt());
        raw(out, "properties", view, RecordField.PROPERTIES);
        raw(out, "traits", view, RecordField.TRAITS);
        raw(out, "context", view, RecordField.CONTEXT);
        raw(out, "integrations", view, RecordField.INTEGRATIONS);
        text(out, "writeKey", view, RecordField.WRITE_KEY);
        text(out, "ip", view, RecordField.IP);
        out.append(",\"journalIndex\":").append(index);
        return out.append('}');
    }

    /** Appends a dead letter (its reason, where it came from and the payload as received) as one JSON object. */
    public static StringBuilder appendDeadLetter(DeadLetterRecord letter, long index, StringBuilder out) {
        out.append("{\"deadLetter\":true");
        out.append(",\"reason\":");
        string(out, letter.reason() != null ? letter.reason() : "");
        time(out, "receivedAt", letter.receivedAt());
        out.append(",\"batchIndex\":").append(letter.batchIndex());
        if (letter.writeKey() != null) {
            out.append(",\"writeKey\":");
            string(out, letter.writeKey());
        }
        if (letter.ip() != null) {
            out.append(",\"ip\":");
            string(out, letter.ip());
        }
        RawJson payload = letter.payload();
        if (payload.isPresent()) {
            // The payload is what the client sent, which may not be JSON at all (that can be why it was
            // refused): it is given as a string, for the reader to parse if it can.
            out.append(",\"payload\":");
            string(out, new String(payload.array(), payload.offset(), payload.length(), StandardCharsets.UTF_8));
        }
        out.append(",\"journalIndex\":").append(index);
        return out.append('}');
    }

    private static void text(StringBuilder out, String name, RecordView view, RecordField field) {
        String value = view.text(field);
        if (value != null) {
            out.append(",\"").append(name).append("\":");
            string(out, value);
        }
    }

    private static void raw(StringBuilder out, String name, RecordView view, RecordField field) {
        int len = view.length(field);
        if (len > 0) {
            // Stored JSON was validated by the collector before it was appended: it goes out as it is.
            out.append(",\"")
                    .append(name)
                    .append("\":")
                    .append(new String(view.array(), view.offset(field), len, StandardCharsets.UTF_8));
        }
    }

    private static void time(StringBuilder out, String name, long millis) {
        if (millis != EventRecord.NO_TIME) {
            out.append(",\"")
                    .append(name)
                    .append("\":\"")
                    .append(Instant.ofEpochMilli(millis))
                    .append('"');
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
