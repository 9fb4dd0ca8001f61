package io.spool.collector.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RawJson;
import java.io.IOException;

/**
 * Reads a request body once, byte by byte ({@link JsonCursor}), into the workspace's
 * {@link ParsedEvent}s: typed fields as values, JSON objects ({@code properties}, {@code context}, …)
 * checked and kept as slices of the body, never re-serialized. Field names are compared as bytes,
 * by length first; only the values kept as text become Strings.
 *
 * <p>A body that is not a JSON object (or, for a batch, has no {@code batch} array) fails as a whole
 * with {@link BadRequestException}. An event with a wrong field type only marks that event as refused
 * and parsing goes on, so its neighbours are kept. Thread safe (the factory is); state lives in the
 * workspace. Jackson reads only the rare batch-level merge ({@link #keysOf}).
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

    private static final byte[] BATCH = ascii("batch");
    private static final byte[] SENT_AT = ascii("sentAt");
    private static final byte[] CONTEXT = ascii("context");
    private static final byte[] INTEGRATIONS = ascii("integrations");
    private static final byte[] WRITE_KEY = ascii("writeKey");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] MESSAGE_ID = ascii("messageId");
    private static final byte[] USER_ID = ascii("userId");
    private static final byte[] ANONYMOUS_ID = ascii("anonymousId");
    private static final byte[] GROUP_ID = ascii("groupId");
    private static final byte[] PREVIOUS_ID = ascii("previousId");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] NAME = ascii("name");
    private static final byte[] TIMESTAMP = ascii("timestamp");
    private static final byte[] ORIGINAL_TIMESTAMP = ascii("originalTimestamp");
    private static final byte[] PROPERTIES = ascii("properties");
    private static final byte[] TRAITS = ascii("traits");
    private static final byte[] LIBRARY = ascii("library");
    private static final byte[] VERSION = ascii("version");
    private static final byte[] USER_AGENT = ascii("userAgent");
    private static final byte[] IP = ascii("ip");
    private static final EventType[] TYPES = EventType.values();
    private static final byte[][] TYPE_NAMES = new byte[TYPES.length][];

    static {
        for (int i = 0; i < TYPES.length; i++) {
            TYPE_NAMES[i] = ascii(TYPES[i].wireName());
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Parses a batch body ({@code /v1/batch}, {@code /v1/import}). The body must be in
     * {@code ws.body} from offset 0, so that token offsets are array indexes.
     */
    void parseBatch(Workspace ws) throws BadRequestException {
        JsonCursor c = cursor(ws);
        try {
            if (c.peek() != '{') {
                throw notAnObject(c);
            }
            c.pos++;
            boolean sawBatch = false;
            if (c.peek() == '}') {
                c.pos++;
            } else {
                do {
                    c.string();
                    c.expect(':', "':'");
                    if (c.textIs(BATCH)) {
                        if (c.peek() != '[') {
                            if (c.valueStart() == 0) {
                                throw c.unexpected("a value");
                            }
                            throw new BadRequestException("batch is not an array");
                        }
                        c.pos++;
                        sawBatch = true;
                        batch(c, ws);
                    } else if (c.textIs(SENT_AT)) {
                        ws.batchSentAt = topLevelTime(c, "sentAt");
                    } else if (c.textIs(CONTEXT)) {
                        topLevelObject(c, ws, ws.batchContext, true, "context");
                    } else if (c.textIs(INTEGRATIONS)) {
                        topLevelObject(c, ws, ws.batchIntegrations, false, "integrations");
                    } else if (c.textIs(WRITE_KEY)) {
                        ws.bodyWriteKey = topLevelString(c, "writeKey");
                    } else {
                        c.skipValue();
                    }
                } while (c.more('}'));
            }
            afterRoot(c);
            if (!sawBatch) {
                throw new BadRequestException("body has no batch array");
            }
        } catch (JsonCursor.MalformedException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    /** Parses the body of a single-event path: the body is the event, its type comes from the path. */
    void parseSingle(Workspace ws, EventType type) throws BadRequestException {
        JsonCursor c = cursor(ws);
        try {
            if (c.peek() != '{') {
                throw notAnObject(c);
            }
            ParsedEvent e = ws.addEvent();
            e.index = -1;
            event(c, e, type, ws);
            afterRoot(c);
        } catch (JsonCursor.MalformedException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    /**
     * A cursor over the body as UTF-8 (a byte order mark skipped, as Jackson does). A body that starts
     * with a NUL byte is refused with its own message: it is UTF-16 or UTF-32 text (JSON without a byte
     * order mark), which JSON over HTTP must not be.
     */
    private static JsonCursor cursor(Workspace ws) throws BadRequestException {
        byte[] b = ws.body;
        int n = ws.bodyLength;
        if (n >= 2 && (b[0] == 0 || b[1] == 0)) {
            throw new BadRequestException(
                    "body is not JSON in UTF-8 (it starts with a NUL byte, as UTF-16 or UTF-32 text does)");
        }
        int from = n >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
        return ws.json.reset(b, from, n);
    }

    /** The first value is not an object: a 400 that says so, unless it is not JSON at all. */
    private static BadRequestException notAnObject(JsonCursor c) throws JsonCursor.MalformedException {
        int start = c.valueStart();
        if (start == 0 && c.peek() != -1) {
            throw c.unexpected("a JSON object");
        }
        if (start == 't' || start == 'f' || start == 'n') {
            c.skipValue(); // "nonsense" is malformed, "null" is merely not an object
        }
        return new BadRequestException("body is not a JSON object");
    }

    /** After the root object: only white space; another value is "unexpected content", anything else malformed. */
    private static void afterRoot(JsonCursor c) throws JsonCursor.MalformedException, BadRequestException {
        if (c.peek() == -1) {
            return;
        }
        int start = c.valueStart();
        if (start == 0) {
            throw c.unexpected("the end of the body");
        }
        if (start == 't' || start == 'f' || start == 'n') {
            int at = c.pos;
            c.skipValue();
            c.pos = at;
        }
        throw new BadRequestException("unexpected content after the JSON object");
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

    /** The batch array's elements; the cursor is past its '['. */
    private void batch(JsonCursor c, Workspace ws) throws JsonCursor.MalformedException {
        if (c.peek() == ']') {
            c.pos++;
            return;
        }
        do {
            ParsedEvent e = ws.addEvent();
            if (c.peek() == '{') {
                event(c, e, null, ws);
            } else {
                // Keep even a non-object as the dead letter's payload.
                e.start = c.pos;
                e.fail("event is not a JSON object");
                c.skipValue();
                e.end = c.pos;
            }
        } while (c.more(']'));
    }

    /** Reads one event object; the cursor is on its '{' and is left after its '}'. */
    private void event(JsonCursor c, ParsedEvent e, EventType impliedType, Workspace ws)
            throws JsonCursor.MalformedException {
        EventRecord r = e.record;
        r.type(impliedType);
        e.start = c.pos;
        c.pos++;
        boolean single = impliedType != null;
        if (c.peek() == '}') {
            c.pos++;
            e.end = c.pos;
            return;
        }
        do {
            c.string();
            c.expect(':', "':'");
            // The names a Segment event has, by length first: one compare each for the usual ones.
            switch (c.escaped ? -1 : c.textEnd - c.textStart) {
                case 4:
                    if (c.textIs(TYPE)) {
                        type(c, e, single);
                    } else if (c.textIs(NAME)) {
                        r.name(text(c, e, "name"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case 5:
                    if (c.textIs(EVENT)) {
                        r.event(text(c, e, "event"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case 6:
                    if (c.textIs(USER_ID)) {
                        r.userId(id(c, e, "userId"));
                    } else if (c.textIs(SENT_AT)) {
                        r.sentAt(time(c, e, "sentAt"));
                    } else if (c.textIs(TRAITS)) {
                        object(c, e, "traits", r.traits(), ws);
                    } else {
                        c.skipValue();
                    }
                    break;
                case 7:
                    if (c.textIs(CONTEXT)) {
                        context(c, e, ws);
                    } else if (c.textIs(GROUP_ID)) {
                        r.groupId(id(c, e, "groupId"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case 8:
                    if (c.textIs(WRITE_KEY) && single && c.peek() == '"') {
                        c.string();
                        ws.bodyWriteKey = c.text();
                    } else {
                        c.skipValue();
                    }
                    break;
                case 9:
                    if (c.textIs(MESSAGE_ID)) {
                        r.messageId(id(c, e, "messageId"));
                    } else if (c.textIs(TIMESTAMP)) {
                        r.timestamp(time(c, e, "timestamp"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case 10:
                    if (c.textIs(PROPERTIES)) {
                        object(c, e, "properties", r.properties(), ws);
                    } else if (c.textIs(PREVIOUS_ID)) {
                        r.previousId(id(c, e, "previousId"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case 11:
                    if (c.textIs(ANONYMOUS_ID)) {
                        r.anonymousId(id(c, e, "anonymousId"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case 12:
                    if (c.textIs(INTEGRATIONS)) {
                        object(c, e, "integrations", r.integrations(), ws);
                    } else {
                        c.skipValue();
                    }
                    break;
                case 17:
                    if (c.textIs(ORIGINAL_TIMESTAMP)) {
                        r.originalTimestamp(time(c, e, "originalTimestamp"));
                    } else {
                        c.skipValue();
                    }
                    break;
                case -1:
                    // A name with escapes ("\u0074ype"): what it spells counts, as Jackson decoded it.
                    escapedField(c, e, c.text(), single, ws);
                    break;
                default:
                    c.skipValue();
            }
        } while (c.more('}'));
        e.end = c.pos;
    }

    /** A member whose name was written with escapes: matched by its decoded text. */
    private void escapedField(JsonCursor c, ParsedEvent e, String field, boolean single, Workspace ws)
            throws JsonCursor.MalformedException {
        EventRecord r = e.record;
        switch (field) {
            case "type" -> type(c, e, single);
            case "messageId" -> r.messageId(id(c, e, field));
            case "userId" -> r.userId(id(c, e, field));
            case "anonymousId" -> r.anonymousId(id(c, e, field));
            case "groupId" -> r.groupId(id(c, e, field));
            case "previousId" -> r.previousId(id(c, e, field));
            case "event" -> r.event(text(c, e, field));
            case "name" -> r.name(text(c, e, field));
            case "timestamp" -> r.timestamp(time(c, e, field));
            case "originalTimestamp" -> r.originalTimestamp(time(c, e, field));
            case "sentAt" -> r.sentAt(time(c, e, field));
            case "properties" -> object(c, e, field, r.properties(), ws);
            case "traits" -> object(c, e, field, r.traits(), ws);
            case "integrations" -> object(c, e, field, r.integrations(), ws);
            case "context" -> context(c, e, ws);
            case "writeKey" -> {
                if (single && c.peek() == '"') {
                    c.string();
                    ws.bodyWriteKey = c.text();
                } else {
                    c.skipValue();
                }
            }
            default -> c.skipValue();
        }
    }

    private static void type(JsonCursor c, ParsedEvent e, boolean single) throws JsonCursor.MalformedException {
        if (single) {
            c.skipValue(); // the path decides
            return;
        }
        int start = c.peek();
        if (start == '"') {
            c.string();
            EventType type = null;
            for (int i = 0; i < TYPES.length && type == null; i++) {
                if (c.textIs(TYPE_NAMES[i])) {
                    type = TYPES[i];
                }
            }
            if (type == null) {
                e.fail("unknown type " + quote(c.text()));
            }
            e.record.type(type);
        } else if (!c.nullLiteral()) {
            e.fail("type must be a string");
            c.skipValue();
        }
    }

    private static String id(JsonCursor c, ParsedEvent e, String field) throws JsonCursor.MalformedException {
        int start = c.peek();
        if (start == '"') {
            c.string();
            return c.textEnd == c.textStart ? null : c.text();
        }
        if (start == '-' || (start >= '0' && start <= '9')) {
            // Segment clients send numeric ids now and then; they are ids all the same.
            if (c.number()) {
                return new String(
                        c.b, c.textStart, c.textEnd - c.textStart, java.nio.charset.StandardCharsets.US_ASCII);
            }
            e.fail(field + " must be a string");
            return null;
        }
        if (!c.nullLiteral()) {
            e.fail(field + " must be a string");
            c.skipValue();
        }
        return null;
    }

    private static String text(JsonCursor c, ParsedEvent e, String field) throws JsonCursor.MalformedException {
        if (c.peek() == '"') {
            c.string();
            return c.text();
        }
        if (!c.nullLiteral()) {
            e.fail(field + " must be a string");
            c.skipValue();
        }
        return null;
    }

    private static long time(JsonCursor c, ParsedEvent e, String field) throws JsonCursor.MalformedException {
        if (c.peek() == '"') {
            c.string();
            String s = c.text();
            long millis = Timestamps.parse(s);
            if (millis == Timestamps.INVALID) {
                e.fail(field + " is not an ISO-8601 time: " + quote(s));
                return EventRecord.NO_TIME;
            }
            return millis;
        }
        if (!c.nullLiteral()) {
            e.fail(field + " must be an ISO-8601 time string");
            c.skipValue();
        }
        return EventRecord.NO_TIME;
    }

    private static void object(JsonCursor c, ParsedEvent e, String field, RawJson into, Workspace ws)
            throws JsonCursor.MalformedException {
        if (c.peek() == '{') {
            int start = c.pos;
            c.skipValue();
            into.set(ws.body, start, c.pos - start);
        } else {
            into.clear();
            if (!c.nullLiteral()) {
                e.fail(field + " must be a JSON object");
                c.skipValue();
            }
        }
    }

    private static void context(JsonCursor c, ParsedEvent e, Workspace ws) throws JsonCursor.MalformedException {
        EventRecord r = e.record;
        if (c.peek() != '{') {
            r.context().clear();
            if (!c.nullLiteral()) {
                e.fail("context must be a JSON object");
                c.skipValue();
            }
            return;
        }
        ObjectSlice s = ws.scratch;
        s.reset();
        scanObject(c, ws.body, s, true, false);
        r.context().set(ws.body, s.start, s.end - s.start);
        e.contextHasLibrary = s.hasLibrary;
        e.contextHasUserAgent = s.hasUserAgent;
        e.contextIp = s.ip;
        e.contextHasIp = s.hasIp;
        r.libraryName(s.libraryName).libraryVersion(s.libraryVersion).userAgent(s.userAgent);
    }

    private static void topLevelObject(JsonCursor c, Workspace ws, ObjectSlice into, boolean promote, String field)
            throws JsonCursor.MalformedException, BadRequestException {
        into.reset();
        if (c.nullLiteral()) {
            return;
        }
        if (c.peek() != '{') {
            if (c.valueStart() == 0) {
                throw c.unexpected("a value");
            }
            throw new BadRequestException(field + " must be a JSON object");
        }
        scanObject(c, ws.body, into, promote, true);
    }

    /**
     * Walks an object from its '{' to after its '}', noting where it and (optionally) each member sit,
     * and the promoted context fields ({@code library.name}, {@code library.version},
     * {@code userAgent}).
     */
    private static void scanObject(JsonCursor c, byte[] body, ObjectSlice s, boolean promote, boolean members)
            throws JsonCursor.MalformedException {
        s.present = true;
        s.start = c.pos;
        c.pos++;
        if (c.peek() == '}') {
            c.pos++;
            s.end = c.pos;
            return;
        }
        do {
            c.peek();
            int at = c.pos;
            c.string();
            if (members) {
                // only batch-level objects need their members' offsets (to merge them by copying bytes)
                if (s.count > 0) {
                    s.memberEnd[s.count - 1] = endBefore(body, at);
                }
                s.addMember(c.text(), at);
            }
            c.expect(':', "':'");
            if (promote && c.textIs(LIBRARY)) {
                s.hasLibrary = true;
                if (c.peek() == '{') {
                    c.pos++;
                    if (c.peek() == '}') {
                        c.pos++;
                    } else {
                        do {
                            c.string();
                            c.expect(':', "':'");
                            if (c.textIs(NAME) && c.peek() == '"') {
                                c.string();
                                s.libraryName = c.text();
                            } else if (c.textIs(VERSION) && c.peek() == '"') {
                                c.string();
                                s.libraryVersion = c.text();
                            } else {
                                c.skipValue();
                            }
                        } while (c.more('}'));
                    }
                } else {
                    c.skipValue();
                }
            } else if (promote && c.textIs(IP)) {
                s.hasIp = true;
                if (c.peek() == '"') {
                    c.string();
                    s.ip = addressOrNull(c.text());
                } else {
                    c.skipValue();
                }
            } else if (promote && c.textIs(USER_AGENT)) {
                s.hasUserAgent = true;
                if (c.peek() == '"') {
                    c.string();
                    s.userAgent = c.text();
                } else {
                    c.skipValue();
                }
            } else {
                c.skipValue();
            }
        } while (c.more('}'));
        int close = c.pos - 1;
        if (members && s.count > 0) {
            s.memberEnd[s.count - 1] = endBefore(body, close);
        }
        s.end = close + 1;
    }

    private static long topLevelTime(JsonCursor c, String field)
            throws JsonCursor.MalformedException, BadRequestException {
        if (c.nullLiteral()) {
            return EventRecord.NO_TIME;
        }
        if (c.peek() != '"') {
            if (c.valueStart() == 0) {
                throw c.unexpected("a value");
            }
            throw new BadRequestException(field + " must be an ISO-8601 time string");
        }
        c.string();
        String s = c.text();
        long millis = Timestamps.parse(s);
        if (millis == Timestamps.INVALID) {
            throw new BadRequestException(field + " is not an ISO-8601 time: " + quote(s));
        }
        return millis;
    }

    private static String topLevelString(JsonCursor c, String field)
            throws JsonCursor.MalformedException, BadRequestException {
        if (c.nullLiteral()) {
            return null;
        }
        if (c.peek() == '"') {
            c.string();
            return c.text();
        }
        if (c.valueStart() == 0) {
            throw c.unexpected("a value");
        }
        throw new BadRequestException(field + " must be a string");
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

    /** A client's value quoted for an error message, cut short so an error never echoes a whole payload. */
    static String quote(String s) {
        String cut = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "…" : s;
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + "\"";
    }

    /**
     * {@code context.ip} when it reads as an IPv4 or IPv6 address (digits, hex, dots, colons, a zone
     * after {@code %}), else null: the column holds the client's address, and a value that cannot be one
     * (text, half a surrogate pair) falls back to the connection's rather than being stored as it.
     */
    static String addressOrNull(String text) {
        String v = text.strip();
        if (v.length() < 2 || v.length() > 64) {
            return null;
        }
        boolean zone = false;
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            boolean ok = zone
                    ? ch > 0x20 && ch < 0x7f
                    : (ch >= '0' && ch <= '9')
                            || (ch >= 'a' && ch <= 'f')
                            || (ch >= 'A' && ch <= 'F')
                            || ch == '.'
                            || ch == ':';
            if (!zone && ch == '%' && i > 0) {
                zone = true;
                ok = true;
            }
            if (!ok) {
                return null;
            }
        }
        // a '%' must name a zone: "1.2.3.%" is no address (found by the fuzzer in CI)
        return zone && v.indexOf('%') == v.length() - 1 ? null : v;
    }
}
