package io.spool.collector.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RawJson;
import java.io.IOException;

/**
 * Reads a request body once, with Jackson's streaming parser, into the workspace's
 * {@link ParsedEvent}s: typed fields as values, JSON objects ({@code properties}, {@code context}, …)
 * as slices of the body located by the parser's byte offsets, never re-serialized.
 *
 * <p>A body that is not a JSON object (or, for a batch, has no {@code batch} array) fails as a whole
 * with {@link BadRequestException}. An event with a wrong field type only marks that event as refused
 * and parsing goes on, so its neighbours are kept. Thread safe (the factory is); state lives in the
 * workspace.
 */
public final class RequestParser {
    /** The body as a whole cannot be accepted: the client gets a 400 and nothing is stored. */
    public static final class BadRequestException extends Exception {
        BadRequestException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_QUOTED = 64;

    private final JsonFactory factory = JsonFactory.builder().build();

    /**
     * Parses a batch body ({@code /v1/batch}, {@code /v1/import}). The body must be in
     * {@code ws.body} from offset 0, so that token offsets are array indexes.
     */
    void parseBatch(Workspace ws) throws BadRequestException {
        try (JsonParser p = utf8Parser(ws)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("body is not a JSON object");
            }
            boolean sawBatch = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "batch":
                        if (t != JsonToken.START_ARRAY) {
                            throw new BadRequestException("batch is not an array");
                        }
                        sawBatch = true;
                        batch(p, ws);
                        break;
                    case "sentAt":
                        ws.batchSentAt = topLevelTime(p, t, field);
                        break;
                    case "context":
                        topLevelObject(p, t, ws, ws.batchContext, true, field);
                        break;
                    case "integrations":
                        topLevelObject(p, t, ws, ws.batchIntegrations, false, field);
                        break;
                    case "writeKey":
                        ws.bodyWriteKey = topLevelString(p, t, field);
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadRequestException("unexpected content after the JSON object");
            }
            if (!sawBatch) {
                throw new BadRequestException("body has no batch array");
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new BadRequestException("body could not be read: " + e.getMessage());
        }
    }

    /** Parses the body of a single-event path: the body is the event, its type comes from the path. */
    void parseSingle(Workspace ws, EventType type) throws BadRequestException {
        try (JsonParser p = utf8Parser(ws)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("body is not a JSON object");
            }
            ParsedEvent e = ws.addEvent();
            e.index = -1;
            event(p, e, type, ws);
            if (p.nextToken() != null) {
                throw new BadRequestException("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new BadRequestException("body could not be read: " + e.getMessage());
        }
    }

    /**
     * A parser over the body as UTF-8. Given bytes, Jackson guesses the encoding: a NUL among the first
     * two bytes makes it read UTF-16 or UTF-32 (JSON without a byte order mark), and such a parser
     * reports no byte offsets (−1), which the slices of the body are cut by. JSON text never holds a
     * NUL byte (not even inside strings), so a body that starts with one is refused before Jackson sees it.
     */
    private JsonParser utf8Parser(Workspace ws) throws IOException, BadRequestException {
        byte[] b = ws.body;
        if (ws.bodyLength >= 2 && (b[0] == 0 || b[1] == 0)) {
            throw new BadRequestException("body is not JSON in UTF-8 (it starts with a NUL byte, as UTF-16 or UTF-32 text does)");
        }
        return factory.createParser(b, 0, ws.bodyLength);
    }

    /** Collects the top-level keys of the JSON object in a slice (to merge a batch object under it). */
    void keysOf(RawJson object, java.util.Set<String> into) {
        into.clear();
        try (JsonParser p = factory.createParser(object.array(), object.offset(), object.length())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                into.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            // Cannot happen: the slice was parsed already. Keep what was read.
        }
    }

    private void batch(JsonParser p, Workspace ws) throws IOException, BadRequestException {
        ParsedEvent openEnded = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new BadRequestException("body ends inside the batch array");
            }
            if (openEnded != null) {
                openEnded.end = endBefore(ws.body, offset(p));
                openEnded = null;
            }
            ParsedEvent e = ws.addEvent();
            if (t == JsonToken.START_OBJECT) {
                event(p, e, null, ws);
            } else {
                // Keep even a non-object as the dead letter's payload: it ends where the next token starts.
                e.start = offset(p);
                e.fail("event is not a JSON object");
                p.skipChildren();
                openEnded = e;
            }
        }
        if (openEnded != null) {
            openEnded.end = endBefore(ws.body, offset(p));
        }
    }

    /** Reads one event object; the parser is on its START_OBJECT and is left on its END_OBJECT. */
    private void event(JsonParser p, ParsedEvent e, EventType impliedType, Workspace ws) throws IOException {
        EventRecord r = e.record;
        r.type(impliedType);
        e.start = offset(p);
        boolean single = impliedType != null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "type":
                    if (single) {
                        p.skipChildren(); // the path decides
                    } else if (t == JsonToken.VALUE_STRING) {
                        String name = p.getText();
                        EventType type = EventType.fromWireName(name);
                        if (type == null) {
                            e.fail("unknown type " + quote(name));
                        }
                        r.type(type);
                    } else if (t != JsonToken.VALUE_NULL) {
                        e.fail("type must be a string");
                        p.skipChildren();
                    }
                    break;
                case "messageId":
                    r.messageId(id(p, t, e, field));
                    break;
                case "userId":
                    r.userId(id(p, t, e, field));
                    break;
                case "anonymousId":
                    r.anonymousId(id(p, t, e, field));
                    break;
                case "groupId":
                    r.groupId(id(p, t, e, field));
                    break;
                case "previousId":
                    r.previousId(id(p, t, e, field));
                    break;
                case "event":
                    r.event(text(p, t, e, field));
                    break;
                case "name":
                    r.name(text(p, t, e, field));
                    break;
                case "timestamp":
                    r.timestamp(time(p, t, e, field));
                    break;
                case "originalTimestamp":
                    r.originalTimestamp(time(p, t, e, field));
                    break;
                case "sentAt":
                    r.sentAt(time(p, t, e, field));
                    break;
                case "properties":
                    object(p, t, e, field, r.properties(), ws);
                    break;
                case "traits":
                    object(p, t, e, field, r.traits(), ws);
                    break;
                case "integrations":
                    object(p, t, e, field, r.integrations(), ws);
                    break;
                case "context":
                    context(p, t, e, ws);
                    break;
                case "writeKey":
                    if (single && t == JsonToken.VALUE_STRING) {
                        ws.bodyWriteKey = p.getText();
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        e.end = offset(p) + 1;
    }

    private static String id(JsonParser p, JsonToken t, ParsedEvent e, String field) throws IOException {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
            // Segment clients send numeric ids now and then; they are ids all the same.
            String s = p.getText();
            return s.isEmpty() ? null : s;
        }
        if (t != JsonToken.VALUE_NULL) {
            e.fail(field + " must be a string");
            p.skipChildren();
        }
        return null;
    }

    private static String text(JsonParser p, JsonToken t, ParsedEvent e, String field) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t != JsonToken.VALUE_NULL) {
            e.fail(field + " must be a string");
            p.skipChildren();
        }
        return null;
    }

    private static long time(JsonParser p, JsonToken t, ParsedEvent e, String field) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            long millis = Timestamps.parse(s);
            if (millis == Timestamps.INVALID) {
                e.fail(field + " is not an ISO-8601 time: " + quote(s));
                return EventRecord.NO_TIME;
            }
            return millis;
        }
        if (t != JsonToken.VALUE_NULL) {
            e.fail(field + " must be an ISO-8601 time string");
            p.skipChildren();
        }
        return EventRecord.NO_TIME;
    }

    private static void object(JsonParser p, JsonToken t, ParsedEvent e, String field, RawJson into, Workspace ws)
            throws IOException {
        if (t == JsonToken.START_OBJECT) {
            int start = offset(p);
            p.skipChildren();
            into.set(ws.body, start, offset(p) + 1 - start);
        } else {
            into.clear();
            if (t != JsonToken.VALUE_NULL) {
                e.fail(field + " must be a JSON object");
                p.skipChildren();
            }
        }
    }

    private static void context(JsonParser p, JsonToken t, ParsedEvent e, Workspace ws) throws IOException {
        EventRecord r = e.record;
        if (t != JsonToken.START_OBJECT) {
            r.context().clear();
            if (t != JsonToken.VALUE_NULL) {
                e.fail("context must be a JSON object");
                p.skipChildren();
            }
            return;
        }
        ObjectSlice s = ws.scratch;
        s.reset();
        scanObject(p, ws.body, s, true, false);
        r.context().set(ws.body, s.start, s.end - s.start);
        e.contextHasLibrary = s.hasLibrary;
        e.contextHasUserAgent = s.hasUserAgent;
        r.libraryName(s.libraryName).libraryVersion(s.libraryVersion).userAgent(s.userAgent);
    }

    private void topLevelObject(JsonParser p, JsonToken t, Workspace ws, ObjectSlice into, boolean promote, String field)
            throws IOException, BadRequestException {
        into.reset();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new BadRequestException(field + " must be a JSON object");
        }
        scanObject(p, ws.body, into, promote, true);
    }

    /**
     * Walks an object from its START_OBJECT to its END_OBJECT, noting where it and (optionally) each
     * member sit, and the promoted context fields ({@code library.name}, {@code library.version},
     * {@code userAgent}).
     */
    private static void scanObject(JsonParser p, byte[] body, ObjectSlice s, boolean promote, boolean members)
            throws IOException {
        s.present = true;
        s.start = offset(p);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (members) {
                // only batch-level objects need their members' offsets (to merge them by copying bytes)
                int at = offset(p);
                if (s.count > 0) {
                    s.memberEnd[s.count - 1] = endBefore(body, at);
                }
                s.addMember(key, at);
            }
            JsonToken t = p.nextToken();
            if (promote && key.equals("library")) {
                s.hasLibrary = true;
                if (t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v == JsonToken.VALUE_STRING && name.equals("name")) {
                            s.libraryName = p.getText();
                        } else if (v == JsonToken.VALUE_STRING && name.equals("version")) {
                            s.libraryVersion = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            } else if (promote && key.equals("userAgent")) {
                s.hasUserAgent = true;
                if (t == JsonToken.VALUE_STRING) {
                    s.userAgent = p.getText();
                } else {
                    p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
        int close = offset(p);
        if (members && s.count > 0) {
            s.memberEnd[s.count - 1] = endBefore(body, close);
        }
        s.end = close + 1;
    }

    private static long topLevelTime(JsonParser p, JsonToken t, String field) throws IOException, BadRequestException {
        if (t == JsonToken.VALUE_NULL) {
            return EventRecord.NO_TIME;
        }
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw new BadRequestException(field + " must be an ISO-8601 time string");
        }
        String s = p.getText();
        long millis = Timestamps.parse(s);
        if (millis == Timestamps.INVALID) {
            throw new BadRequestException(field + " is not an ISO-8601 time: " + quote(s));
        }
        return millis;
    }

    private static String topLevelString(JsonParser p, JsonToken t, String field)
            throws IOException, BadRequestException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new BadRequestException(field + " must be a string");
    }

    /** Where the current token starts, as an index into the body (the parser reads from offset 0). */
    private static int offset(JsonParser p) {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    /**
     * The end of the value that precedes the token at {@code next}: back over white space, at most
     * one comma, and white space again. That is all JSON allows between a value and what follows it.
     */
    static int endBefore(byte[] body, int next) {
        int i = next;
        while (i > 0 && isSpace(body[i - 1])) {
            i--;
        }
        if (i > 0 && body[i - 1] == ',') {
            i--;
            while (i > 0 && isSpace(body[i - 1])) {
                i--;
            }
        }
        return i;
    }

    static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static BadRequestException malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String what = e.getOriginalMessage();
        int newline = what == null ? -1 : what.indexOf('\n');
        if (newline >= 0) {
            what = what.substring(0, newline);
        }
        return new BadRequestException("malformed JSON" + where + ": " + what);
    }

    /** A client's value quoted for an error message, cut short so an error never echoes a whole payload. */
    static String quote(String s) {
        String cut = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "…" : s;
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + "\"";
    }
}
