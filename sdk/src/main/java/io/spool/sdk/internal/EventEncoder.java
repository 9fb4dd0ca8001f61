package io.spool.sdk.internal;

import io.spool.sdk.Alias;
import io.spool.sdk.Event;
import io.spool.sdk.Group;
import io.spool.sdk.Identify;
import io.spool.sdk.InvalidEventException;
import io.spool.sdk.Page;
import io.spool.sdk.Screen;
import io.spool.sdk.Track;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Serializes one event at a time straight into a reused byte array, as the JSON object that goes into a
 * batch: {@code {"type":…,"messageId":…,"timestamp":…,…,"context":{…,"library":{…}}}}.
 *
 * <p>It writes UTF-8 bytes itself rather than through a JSON generator: the event's shape is fixed and
 * its values are a closed set of Java types, so each value goes to the array in one step (ASCII strings
 * byte by byte, numbers digit by digit), without a generator's per-token state checks or its char buffer.
 * What it writes, exactly:
 * <ul>
 *   <li>strings as UTF-8, characters outside the BMP as their 4 bytes (never {@code \\uD83D\\uDE80}
 *       escapes, so the lake's text holds the character itself); only {@code "}, {@code \\} and control
 *       characters are escaped. A lone surrogate (half of a pair, which no UTF-8 can hold) becomes
 *       U+FFFD, the replacement character: the event stays valid JSON and valid UTF-8 everywhere
 *       downstream, as {@code String.getBytes(UTF_8)} would make it (with {@code ?}).</li>
 *   <li>a {@code double} as the shortest text that reads back as the same double ({@code Double.toString}'s
 *       digits), a {@code float} as the shortest text that reads back as the same float
 *       ({@code Float.toString}'s: {@code 1.1f} is {@code 1.1}, not the double {@code 1.100000023841858});
 *       {@code -0.0} stays {@code -0.0}. NaN and infinities are refused (JSON has no such numbers).</li>
 * </ul>
 *
 * <p>Not thread safe: each sender thread has its own encoder. A failed encode
 * leaves nothing behind: the next one starts from an empty array.
 */
public final class EventEncoder {
    /** Deeper than this is most likely a map that contains itself. */
    static final int MAX_DEPTH = 32;

    /** Thrown when an event passes the size limit; preallocated and without a stack trace, it is control flow. */
    private static final class LimitExceeded extends RuntimeException {
        LimitExceeded() {
            super("event over the size limit", null, false, false);
        }
    }

    private static final LimitExceeded LIMIT_EXCEEDED = new LimitExceeded();
    /** Room past the limit for a fixed-size write (a number, a time, an id) checked only at the end. */
    private static final int SLACK = 64;

    private static final byte[] USER_ID = bytes(",\"userId\":");
    private static final byte[] ANONYMOUS_ID = bytes(",\"anonymousId\":");
    private static final byte[] EVENT = bytes(",\"event\":");
    private static final byte[] NAME = bytes(",\"name\":");
    private static final byte[] PROPERTIES = bytes(",\"properties\":");
    private static final byte[] TRAITS = bytes(",\"traits\":");
    private static final byte[] GROUP_ID = bytes(",\"groupId\":");
    private static final byte[] PREVIOUS_ID = bytes(",\"previousId\":");
    private static final byte[] CONTEXT = bytes(",\"context\":{");
    private static final byte[] INTEGRATIONS = bytes(",\"integrations\":");
    private static final byte[] TIMESTAMP = bytes(",\"timestamp\":\"");
    private static final byte[] NULL = bytes("null");
    private static final byte[] TRUE = bytes("true");
    private static final byte[] FALSE = bytes("false");
    private static final byte[] HEX = bytes("0123456789abcdef");
    private static final short[] HEX_PAIRS = new short[256];
    /** For each ASCII char: 0 written as is, else the char after the backslash ('u' for \\u00XX). */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int i = 0; i < 256; i++) {
            HEX_PAIRS[i] = (short) ((HEX[i >> 4] << 8) | HEX[i & 0xf]);
        }
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\t'] = 't';
        ESCAPE['\b'] = 'b';
        ESCAPE['\f'] = 'f';
    }

    private static final Instant MIN_INSTANT = Instant.ofEpochMilli(IsoTime.MIN);
    private static final Instant MAX_INSTANT = Instant.ofEpochMilli(IsoTime.MAX);
    /** Two ways of 512 sets: an app's few dozen keys rarely meet two others in one set. */
    private static final int NAME_SLOTS = 1024;

    private static final int NAME_SETS = NAME_SLOTS / 2;
    private static final int MAX_CACHED_NAME = 64;
    private static final int MAX_CACHED_VALUE = 256;
    /** Value slots of the top-level string fields, after the slots of named fields. */
    private static final int FIXED_SLOTS = 6;

    private static final int USER_ID_SLOT = NAME_SLOTS;
    private static final int ANONYMOUS_ID_SLOT = NAME_SLOTS + 1;
    private static final int EVENT_SLOT = NAME_SLOTS + 2;
    private static final int GROUP_ID_SLOT = NAME_SLOTS + 3;
    private static final int PREVIOUS_ID_SLOT = NAME_SLOTS + 4;

    private final int maxEventBytes;
    /** {@code "library":{"name":"spool-java","version":"…"}}}: the end of every context object. */
    private final byte[] libraryAndClose;

    private final SplittableRandom random;
    private byte[] buf;
    private int pos;
    /** The last instant formatted: events tracked in the same millisecond share its text. */
    private final byte[] timeBytes = new byte[IsoTime.LENGTH];

    private long formattedMillis = Long.MIN_VALUE;
    /**
     * Field names as their {@code "name":} bytes, JSON-escaped and UTF-8 encoded once: an app's keys are
     * few and repeat in every event. Two-way set associative by the key's (cached) hash — direct-mapped,
     * two keys of the same event that met in a slot ("name" and "quantity" do in 256) missed on every
     * event; a key is encoded and kept only when seen twice, so one-off keys cost no allocation.
     */
    private final String[] nameSeen = new String[NAME_SLOTS];

    private final byte[][] nameEncoded = new byte[NAME_SLOTS][];
    /** Two ways per field: the two latest values (two products in a cart, two plans in turn) both stay. */
    private final String[] valueSeen = new String[2 * (NAME_SLOTS + FIXED_SLOTS)];

    private final byte[][] valueEncoded = new byte[2 * (NAME_SLOTS + FIXED_SLOTS)][];
    private final EntryWriter entries = new EntryWriter();
    /** The random id of the event being encoded, for {@link #lastMessageId}. */
    private long lastIdMsb;

    private long lastIdLsb;

    /**
     * @param seed from a {@code SecureRandom}: message ids must differ across processes, not only
     *     across this one's threads
     */
    public EventEncoder(int maxEventBytes, String libraryVersion, long seed) {
        this.maxEventBytes = maxEventBytes;
        this.buf = new byte[256];
        raw(bytes("\"library\":{\"name\":"));
        string(Version.LIBRARY_NAME);
        raw(bytes(",\"version\":"));
        string(libraryVersion);
        raw(bytes("}}"));
        this.libraryAndClose = Arrays.copyOf(buf, pos);
        this.buf = new byte[Math.min(maxEventBytes, 1024) + SLACK];
        this.pos = 0;
        this.random = new SplittableRandom(seed);
    }

    /** The encoded event, valid until the next {@link #encode}: {@code array()[0..size())}. */
    public byte[] array() {
        return buf;
    }

    public int size() {
        return pos;
    }

    /**
     * Serializes {@code event}, stamped {@code nowMillis} unless it has its own timestamp: a snapshot
     * taken and encoded at once (tests and tools; the client encodes its snapshots on a sender thread).
     *
     * @throws InvalidEventException a value that is not JSON-able, or over the size limit
     */
    public void encode(Event event, long nowMillis) {
        encode(Snapshot.of(event, nowMillis, Integer.MAX_VALUE));
    }

    /**
     * Serializes a snapshot taken at the call ({@link Snapshot}, whose values are all JSON-able).
     *
     * @throws InvalidEventException over the size limit (the one thing a snapshot cannot know for sure)
     */
    public void encode(Snapshot snapshot) {
        pos = 0;
        entries.depth = 0;
        entries.skipLibrary = false;
        lastIdMsb = 0;
        lastIdLsb = 0;
        Event event = snapshot.event;
        try {
            write(snapshot);
            if (pos > maxEventBytes) {
                throw LIMIT_EXCEEDED;
            }
        } catch (LimitExceeded e) {
            pos = 0;
            throw new InvalidEventException(
                    event.type() + " is larger than the limit of " + maxEventBytes + " bytes per event");
        } catch (InvalidEventException e) {
            pos = 0;
            throw e;
        } catch (RuntimeException e) {
            pos = 0;
            throw new InvalidEventException(event.type() + " could not be serialized: " + e, e);
        }
    }

    /**
     * The message id of the last event encoded, also when it failed: the event's own, or the one this
     * encoder drew for it. Only needed to report an event refused at the sender.
     */
    public String lastMessageId(Snapshot snapshot) {
        String own = snapshot.event.messageId();
        return own != null ? own : new UUID(lastIdMsb, lastIdLsb).toString();
    }

    private void write(Snapshot snapshot) {
        Event event = snapshot.event;
        ensure(48);
        byte[] b = buf;
        int p = pos;
        b[p++] = '{';
        p = putAscii(b, p, "\"type\":\"");
        p = putAscii(b, p, event.type());
        p = putAscii(b, p, "\",\"messageId\":");
        pos = p;
        if (event.messageId() != null) {
            string(event.messageId());
        } else {
            randomUuid();
        }
        instant(event.timestamp(), snapshot.millis, TIMESTAMP);
        optionalString(USER_ID, event.userId(), USER_ID_SLOT);
        optionalString(ANONYMOUS_ID, event.anonymousId(), ANONYMOUS_ID_SLOT);
        if (event instanceof Track) {
            optionalString(EVENT, ((Track) event).event(), EVENT_SLOT);
            optionalMap(PROPERTIES, snapshot.body);
        } else if (event instanceof Identify) {
            optionalMap(TRAITS, snapshot.body);
        } else if (event instanceof Page) {
            optionalString(NAME, ((Page) event).name(), EVENT_SLOT);
            optionalMap(PROPERTIES, snapshot.body);
        } else if (event instanceof Screen) {
            optionalString(NAME, ((Screen) event).name(), EVENT_SLOT);
            optionalMap(PROPERTIES, snapshot.body);
        } else if (event instanceof Group) {
            optionalString(GROUP_ID, ((Group) event).groupId(), GROUP_ID_SLOT);
            optionalMap(TRAITS, snapshot.body);
        } else if (event instanceof Alias) {
            optionalString(PREVIOUS_ID, ((Alias) event).previousId(), PREVIOUS_ID_SLOT);
        }
        raw(CONTEXT);
        if (snapshot.context != null) {
            entries.skipLibrary = true;
            entries(snapshot.context, 1);
            entries.skipLibrary = false;
        } // each entry ends with a comma: the library field follows it
        raw(libraryAndClose);
        optionalMap(INTEGRATIONS, snapshot.integrations);
        ensure(1);
        buf[pos++] = '}';
    }

    private void optionalString(byte[] name, String value, int slot) {
        if (value != null) {
            raw(name);
            repeatableString(slot, value);
        }
    }

    private void optionalMap(byte[] name, Snapshot.FlatMap map) {
        if (map != null) {
            raw(name);
            map(map, 1);
        }
    }

    private void map(Snapshot.FlatMap map, int depth) {
        ensure(1);
        buf[pos++] = '{';
        entries(map, depth);
        close('}');
    }

    /** A snapshot's map: its entries in order, each followed by a comma, as {@link EntryWriter} writes them. */
    private void entries(Snapshot.FlatMap map, int depth) {
        int outerDepth = entries.depth;
        entries.depth = depth;
        try {
            Object[] kv = map.entries;
            for (int i = 0; i < kv.length; i += 2) {
                entries.accept(kv[i], kv[i + 1]);
            }
        } finally {
            entries.depth = outerDepth;
        }
    }

    private void map(Map<?, ?> map, int depth) {
        ensure(1);
        buf[pos++] = '{';
        entries(map, depth);
        close('}');
    }

    /** Ends an object or array whose members were each written with a trailing comma. */
    private void close(char bracket) {
        if (buf[pos - 1] == ',') {
            buf[pos - 1] = (byte) bracket;
        } else {
            ensure(1);
            buf[pos++] = (byte) bracket;
        }
    }

    /**
     * Writes a map's entries, each followed by a comma, through {@code Map.forEach}, which needs no
     * iterator (an allocation per map).
     */
    private void entries(Map<?, ?> map, int depth) {
        int outerDepth = entries.depth;
        entries.depth = depth;
        try {
            map.forEach(entries);
        } finally {
            entries.depth = outerDepth;
        }
    }

    /** The one {@code BiConsumer} an encoder hands to {@code Map.forEach}, carrying the nesting depth. */
    private final class EntryWriter implements BiConsumer<Object, Object> {
        int depth;
        /** At the top of {@code context}: the caller's {@code library} gives way to the client's own. */
        boolean skipLibrary;

        @Override
        public void accept(Object key, Object value) {
            if (key == null) {
                throw new InvalidEventException("a map in the event has a null key");
            }
            String name = key.toString();
            if (skipLibrary && depth == 1 && name.equals("library")) {
                return;
            }
            boolean outerSkip = skipLibrary;
            skipLibrary = false;
            field(name, value, depth);
            skipLibrary = outerSkip;
            ensure(1);
            buf[pos++] = ',';
        }
    }

    private void field(String key, Object value, int depth) {
        int slot = fieldName(key);
        if (value instanceof String && slot >= 0) {
            repeatableString(slot, (String) value);
        } else {
            value(key, value, depth);
        }
    }

    /** Writes {@code "key":}, from the cache when it was seen before; returns its slot, or -1. */
    private int fieldName(String key) {
        if (key.length() > MAX_CACHED_NAME) {
            string(key);
            colon();
            return -1;
        }
        int h = key.hashCode();
        int slot = ((h ^ (h >>> 16)) & (NAME_SETS - 1)) * 2;
        String seen = nameSeen[slot];
        if (seen != key && !key.equals(seen)) {
            slot++;
            seen = nameSeen[slot];
            if (seen != key && !key.equals(seen)) {
                // new in this set: it takes the first way, the first one moves to the second
                nameSeen[slot] = nameSeen[slot - 1];
                nameEncoded[slot] = nameEncoded[slot - 1];
                nameSeen[slot - 1] = key;
                nameEncoded[slot - 1] = null;
                string(key);
                colon();
                return slot - 1;
            }
        }
        byte[] encoded = nameEncoded[slot];
        if (encoded == null) {
            int start = pos;
            string(key);
            colon();
            nameEncoded[slot] = Arrays.copyOfRange(buf, start, pos);
        } else {
            raw(encoded);
        }
        return slot;
    }

    private void colon() {
        ensure(1);
        buf[pos++] = ':';
    }

    /**
     * Many values repeat from one event to the next under the same name (currency, plan, category, user
     * agent): a value equal to one of the last two in its field's slot is copied from its encoded bytes
     * ({@code String.equals} is a vectorized compare, cheaper than encoding char by char, even when the app
     * makes a new String per event). As for names, only a value seen twice is encoded and kept, so unique
     * values (ids) allocate nothing: they cost one failed compare.
     */
    private void repeatableString(int slot, String value) {
        if (value.length() > MAX_CACHED_VALUE) {
            string(value);
            return;
        }
        int way = 2 * slot;
        String seen = valueSeen[way];
        if (seen != value && !value.equals(seen)) {
            way++;
            seen = valueSeen[way];
            if (seen != value && !value.equals(seen)) {
                // new here: it becomes the latest, the latest becomes the older
                valueSeen[way] = valueSeen[way - 1];
                valueEncoded[way] = valueEncoded[way - 1];
                valueSeen[way - 1] = value;
                valueEncoded[way - 1] = null;
                string(value);
                return;
            }
        }
        byte[] encoded = valueEncoded[way];
        if (encoded == null) {
            int start = pos;
            string(value);
            valueEncoded[way] = Arrays.copyOfRange(buf, start, pos);
        } else {
            raw(encoded);
        }
    }

    /** Writes a JSON-able value; {@code key} names it in the error when it is not JSON-able. */
    private void value(String key, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidEventException("'" + key + "' is nested more than " + MAX_DEPTH
                    + " levels deep (does a map or list contain itself?)");
        }
        if (value == null) {
            raw(NULL);
        } else if (value instanceof String) {
            string((String) value);
        } else if (value instanceof Double) {
            writeDouble(key, (Double) value);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof AtomicInteger
                || value instanceof AtomicLong) {
            writeLong(((Number) value).longValue());
        } else if (value instanceof Boolean) {
            raw((Boolean) value ? TRUE : FALSE);
        } else if (value instanceof Float) {
            writeFloat(key, (Float) value);
        } else if (value instanceof Snapshot.FlatMap) {
            map((Snapshot.FlatMap) value, depth + 1);
        } else if (value instanceof Map) {
            map((Map<?, ?>) value, depth + 1);
        } else if (value instanceof List && value instanceof RandomAccess) {
            List<?> list = (List<?>) value;
            openArray();
            for (int i = 0, n = list.size(); i < n; i++) {
                element(key, list.get(i), depth);
            }
            close(']');
        } else if (value instanceof Iterable) {
            openArray();
            for (Object item : (Iterable<?>) value) {
                element(key, item, depth);
            }
            close(']');
        } else if (value instanceof Object[]) {
            openArray();
            for (Object item : (Object[]) value) {
                element(key, item, depth);
            }
            close(']');
        } else if (value instanceof BigDecimal || value instanceof BigInteger) {
            ascii(value.toString()); // BigDecimal's scientific form (1E+3) is a JSON number too
        } else if (value instanceof Instant) {
            instant((Instant) value, 0, null);
        } else if (value instanceof Date) {
            instant(((Date) value).toInstant(), 0, null);
        } else if (value instanceof OffsetDateTime) {
            instant(((OffsetDateTime) value).toInstant(), 0, null);
        } else if (value instanceof ZonedDateTime) {
            instant(((ZonedDateTime) value).toInstant(), 0, null);
        } else if (value instanceof LocalDate
                || value instanceof LocalDateTime
                || value instanceof LocalTime
                || value instanceof CharSequence
                || value instanceof Character
                || value instanceof UUID) {
            string(value.toString());
        } else if (value instanceof Enum) {
            string(((Enum<?>) value).name());
        } else if (value instanceof int[]) {
            openArray();
            for (int v : (int[]) value) {
                writeLong(v);
                comma();
            }
            close(']');
        } else if (value instanceof long[]) {
            openArray();
            for (long v : (long[]) value) {
                writeLong(v);
                comma();
            }
            close(']');
        } else if (value instanceof double[]) {
            openArray();
            for (double v : (double[]) value) {
                writeDouble(key, v);
                comma();
            }
            close(']');
        } else if (value instanceof float[]) {
            openArray();
            for (float v : (float[]) value) {
                writeFloat(key, v);
                comma();
            }
            close(']');
        } else if (value instanceof boolean[]) {
            openArray();
            for (boolean v : (boolean[]) value) {
                raw(v ? TRUE : FALSE);
                comma();
            }
            close(']');
        } else {
            throw new InvalidEventException(
                    "'" + key + "' is a " + value.getClass().getName()
                            + ", which is not JSON-able: use strings, numbers, booleans, null, dates, lists, arrays or maps");
        }
    }

    private void element(String key, Object item, int depth) {
        value(key, item, depth + 1);
        comma();
    }

    private void openArray() {
        ensure(1);
        buf[pos++] = '[';
    }

    private void comma() {
        ensure(1);
        buf[pos++] = ',';
    }

    /**
     * A JSON string, UTF-8. The loop copies ASCII that needs no escape byte by byte (names, ids, most
     * values); the first other char hands the rest to {@link #stringSlow}.
     */
    private void string(String s) {
        int n = s.length();
        ensure(n + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            // compares, not a table: measured ~15 % faster on this loop, the encoder's hottest
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                pos = p;
                stringSlow(s, i);
                return;
            }
            b[p++] = (byte) c;
        }
        b[p++] = '"';
        pos = p;
    }

    /** The rest of a string from {@code i}: escapes, multi-byte UTF-8, surrogate pairs, lone surrogates. */
    private void stringSlow(String s, int i) {
        int n = s.length();
        for (; i < n; i++) {
            char c = s.charAt(i);
            ensure(6);
            byte[] b = buf;
            int p = pos;
            if (c < 128) {
                byte escape = ESCAPE[c];
                if (escape == 0) {
                    b[p++] = (byte) c;
                } else {
                    b[p++] = '\\';
                    b[p++] = escape;
                    if (escape == 'u') {
                        b[p++] = '0';
                        b[p++] = '0';
                        b[p++] = HEX[c >> 4];
                        b[p++] = HEX[c & 0xf];
                    }
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                char low;
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(low = s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, low);
                    b[p++] = (byte) (0xf0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (cp & 0x3f));
                    i++;
                } else {
                    b[p++] = (byte) 0xef; // U+FFFD REPLACEMENT CHARACTER for a lone surrogate
                    b[p++] = (byte) 0xbf;
                    b[p++] = (byte) 0xbd;
                }
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
            pos = p;
        }
        ensure(1);
        buf[pos++] = '"';
    }

    /** Text known to be ASCII and to need no escape (a number's or a type's). */
    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        pos = putAscii(buf, pos, s);
    }

    private static int putAscii(byte[] b, int p, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            b[p++] = (byte) s.charAt(i);
        }
        return p;
    }

    private void raw(byte[] bytes) {
        int n = bytes.length;
        ensure(n);
        System.arraycopy(bytes, 0, buf, pos, n);
        pos += n;
    }

    private void writeLong(long v) {
        ensure(20);
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        byte[] b = buf;
        int p = pos;
        if (v < 0) {
            b[p++] = '-';
            v = -v;
        }
        pos = putDigits(b, p, v);
    }

    private static int putDigits(byte[] b, int at, long value) {
        if (value <= Integer.MAX_VALUE) {
            return putDigits(b, at, (int) value); // int division is cheaper than long division
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    private static int putDigits(byte[] b, int at, int value) {
        int digits = value < 10
                ? 1
                : value < 100
                        ? 2
                        : value < 1000
                                ? 3
                                : value < 10_000
                                        ? 4
                                        : value < 100_000
                                                ? 5
                                                : value < 1_000_000
                                                        ? 6
                                                        : value < 10_000_000
                                                                ? 7
                                                                : value < 100_000_000
                                                                        ? 8
                                                                        : value < 1_000_000_000 ? 9 : 10;
        for (int i = at + digits - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    private void writeDouble(String key, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new InvalidEventException("'" + key + "' is " + d + ", which JSON cannot hold");
        }
        if (!thousandths(d, d)) {
            ascii(Double.toString(d));
        }
    }

    private void writeFloat(String key, float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            throw new InvalidEventException("'" + key + "' is " + f + ", which JSON cannot hold");
        }
        // Below 8192 a float's spacing is under 1/1000, so at most one number of three decimals reads back
        // as it: when one does, it is the float's shortest text. Above, Float.toString finds it.
        if (Math.abs(f) >= 8192 || !floatThousandths(f)) {
            ascii(Float.toString(f));
        }
    }

    private boolean floatThousandths(float f) {
        double scaled = (double) f * 1000;
        long k = Math.round(scaled);
        double asDouble = k / 1000.0;
        float back = (float) asDouble;
        if (back != f) {
            return false;
        }
        // The text k/1000 parsed as a float rounds once; k / 1000.0 then (float) rounds twice. The two only
        // differ when the double lands exactly halfway between two floats: leave that to Float.toString.
        if ((double) back != asDouble && (Double.doubleToRawLongBits(asDouble) & ((1L << 28) - 1)) == 0) {
            return false;
        }
        return thousandths(asDouble, f);
    }

    /**
     * Prices and amounts have a few decimals: those are written digit by digit, since
     * {@code Double.toString} costs ~60 ns a value on Java 17. {@code k / 1000.0 == d} proves the text
     * {@code k/1000} reads back as exactly {@code d} (IEEE division rounds the exact quotient, as parsing
     * does); below 10^12 a double's spacing is under 1/1000, so that text is also its shortest.
     *
     * @param d the value the text must read back as, as a double
     * @param signOf whose sign a zero takes ({@code -0.0} stays {@code -0.0})
     */
    private boolean thousandths(double d, double signOf) {
        double scaled = d * 1000;
        if (!(Math.abs(scaled) < 1e15)) {
            return false;
        }
        long thousandths = Math.round(scaled);
        if (thousandths / 1000.0 != d) {
            return false;
        }
        ensure(24);
        byte[] b = buf;
        int p = pos;
        if (thousandths < 0 || (thousandths == 0 && Double.doubleToRawLongBits(signOf) < 0)) {
            b[p++] = '-';
            thousandths = -thousandths;
        }
        long whole;
        int fraction;
        if (thousandths <= Integer.MAX_VALUE) {
            int t = (int) thousandths; // int division is cheaper than long division
            whole = t / 1000;
            fraction = t % 1000;
        } else {
            whole = thousandths / 1000;
            fraction = (int) (thousandths % 1000);
        }
        p = putDigits(b, p, whole);
        b[p++] = '.';
        b[p++] = (byte) ('0' + fraction / 100);
        if (fraction % 100 != 0) {
            b[p++] = (byte) ('0' + fraction / 10 % 10);
            if (fraction % 10 != 0) {
                b[p++] = (byte) ('0' + fraction % 10);
            }
        }
        pos = p;
        return true;
    }

    /**
     * An instant as a quoted ISO-8601 UTC string with millisecond precision, after {@code prefix} (which
     * ends with the opening quote) or in quotes of its own; {@code instant == null} means {@code millis}.
     */
    private void instant(Instant instant, long millis, byte[] prefix) {
        if (instant != null) {
            if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
                if (prefix != null) {
                    raw(prefix);
                    pos--; // the quote: string() writes its own
                }
                string(instant.toString());
                return;
            }
            millis = instant.toEpochMilli();
        }
        if (millis != formattedMillis) {
            IsoTime.format(millis, timeBytes, 0);
            formattedMillis = millis;
        }
        if (prefix != null) {
            raw(prefix);
        } else {
            ensure(1);
            buf[pos++] = '"';
        }
        ensure(IsoTime.LENGTH + 1);
        System.arraycopy(timeBytes, 0, buf, pos, IsoTime.LENGTH);
        pos += IsoTime.LENGTH;
        buf[pos++] = '"';
    }

    /** A version 4 UUID from this encoder's random stream, as a quoted 36-char string, without allocating. */
    private void randomUuid() {
        ensure(38);
        long msb = (random.nextLong() & 0xffff_ffff_ffff_0fffL) | 0x0000_0000_0000_4000L;
        long lsb = (random.nextLong() & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
        lastIdMsb = msb;
        lastIdLsb = lsb;
        byte[] out = buf;
        int at = pos;
        out[at] = '"';
        hex(msb >>> 32, 8, out, at + 1);
        out[at + 9] = '-';
        hex(msb >>> 16, 4, out, at + 10);
        out[at + 14] = '-';
        hex(msb, 4, out, at + 15);
        out[at + 19] = '-';
        hex(lsb >>> 48, 4, out, at + 20);
        out[at + 24] = '-';
        hex(lsb, 12, out, at + 25);
        out[at + 37] = '"';
        pos = at + 38;
    }

    /** Writes {@code digits} (even) hex digits of {@code value}'s low bits, two per table lookup. */
    private static void hex(long value, int digits, byte[] out, int at) {
        for (int i = at + digits - 2; i >= at; i -= 2) {
            short pair = HEX_PAIRS[(int) (value & 0xff)];
            out[i] = (byte) (pair >> 8);
            out[i + 1] = (byte) pair;
            value >>>= 8;
        }
    }

    /**
     * Makes room for {@code more} bytes. The array grows up to the limit plus a little slack (fixed-size
     * writes ask for a few bytes more than they use; the limit itself is checked at the end), so an
     * oversized map costs at most that many bytes before the event is refused.
     */
    private void ensure(int more) {
        int needed = pos + more;
        if (needed > buf.length) {
            grow(needed);
        }
    }

    private void grow(int needed) {
        if (needed > maxEventBytes + SLACK) {
            throw LIMIT_EXCEEDED;
        }
        buf = Arrays.copyOf(buf, Math.min(maxEventBytes + SLACK, Math.max(needed, buf.length * 2)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
