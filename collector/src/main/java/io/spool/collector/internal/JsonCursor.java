package io.spool.collector.internal;

import java.nio.charset.StandardCharsets;

/**
 * A position in a request body and the JSON grammar (RFC 8259, as strict as Jackson's defaults: no
 * comments, no trailing commas, no leading zeros, no NaN, no unquoted control characters in strings)
 * read from there, byte by byte, without tokens or objects: strings are located, not decoded, unless
 * the caller asks for their text; objects the collector stores as they are ({@code properties},
 * {@code context}, …) are checked and stepped over in one loop. The body's UTF-8 is checked before
 * ({@link Utf8}), so bytes above 0x7F need no look here: outside a string they are a syntax error.
 *
 * <p>Why not Jackson's streaming parser, which this replaced: it tokenizes every name and value inside
 * the objects the collector never looks into, and under load it was the largest share of the
 * collector's CPU (BENCHMARKS.md). Reused from request to request (in the {@link Workspace}); one
 * thread at a time.
 */
final class JsonCursor {
    /** Thrown for a body that is not JSON; the message says what was found and where. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** As deep as Jackson's default {@code maxNestingDepth} lets a document nest. */
    static final int MAX_DEPTH = 1000;

    byte[] b;
    int end;
    /** The next byte to read. */
    int pos;
    /** After {@link #string()}: where the string's content starts and ends (before the closing quote). */
    int textStart;

    int textEnd;
    /** After {@link #string()}: whether the content has escapes (its bytes are then not its text). */
    boolean escaped;
    /** Per nesting level of {@link #skipValue()}: whether that level is an object (else an array). */
    private final boolean[] inObject = new boolean[MAX_DEPTH + 1];

    private final StringBuilder unescaped = new StringBuilder(64);

    JsonCursor reset(byte[] body, int from, int end) {
        this.b = body;
        this.pos = from;
        this.end = end;
        return this;
    }

    /** Skips white space; returns the next byte (0–255), or −1 at the end of the body. */
    int peek() {
        byte[] a = b;
        int p = pos;
        while (p < end) {
            byte c = a[p];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                p++;
            } else {
                pos = p;
                return c & 0xFF;
            }
        }
        pos = p;
        return -1;
    }

    /** Consumes {@code expected} after white space, or fails naming {@code what} was expected. */
    void expect(char expected, String what) throws MalformedException {
        if (peek() != expected) {
            throw unexpected(what);
        }
        pos++;
    }

    /**
     * After an object's member or an array's element: consumes a comma and returns true, or consumes
     * {@code close} and returns false.
     */
    boolean more(char close) throws MalformedException {
        int c = peek();
        if (c == ',') {
            pos++;
            return true;
        }
        if (c == close) {
            pos++;
            return false;
        }
        throw unexpected("',' or '" + close + "'");
    }

    /**
     * Reads a string at the cursor (after white space): {@link #textStart}, {@link #textEnd} and
     * {@link #escaped} say where its content is. The cursor is left after the closing quote.
     */
    void string() throws MalformedException {
        if (peek() != '"') {
            throw unexpected("a string");
        }
        byte[] a = b;
        int p = pos + 1;
        textStart = p;
        boolean esc = false;
        brokenPair = false;
        while (true) {
            if (p >= end) {
                throw malformed("unexpected end of input in a string");
            }
            byte c = a[p];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                esc = true;
                p = escape(p + 1);
                continue;
            }
            if (c >= 0 && c < 0x20) {
                throw malformedAt(p, "illegal unquoted control character (code " + c + ") in a string");
            }
            p++;
        }
        textEnd = p;
        escaped = esc;
        pos = p + 1;
        if (brokenPair) {
            brokenPair = false;
            // Jackson refuses half a surrogate pair in a field name (and readers of the stored JSON
            // with it), though it takes one in a value: so does this.
            int q = pos;
            while (q < end && (a[q] == ' ' || a[q] == '\t' || a[q] == '\n' || a[q] == '\r')) {
                q++;
            }
            if (q < end && a[q] == ':') {
                throw malformedAt(
                        textStart, "broken surrogate pair (a lone \\u escape of half a character) in a field name");
            }
        }
    }

    /** Set by {@link #escape} when a {@code \\u} escape is half of a surrogate pair without its other half. */
    private boolean brokenPair;

    /** Checks the escape whose letter is at {@code p}; returns where the string goes on. */
    private int escape(int p) throws MalformedException {
        if (p >= end) {
            throw malformed("unexpected end of input in a string");
        }
        switch (b[p]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                return p + 1;
            case 'u':
                if (p + 4 >= end) {
                    throw malformed("unexpected end of input in a string");
                }
                int unit = 0;
                for (int i = 1; i <= 4; i++) {
                    int h = hex(b[p + i]);
                    if (h < 0) {
                        throw malformedAt(p + i, "a \\u escape needs four hex digits");
                    }
                    unit = unit << 4 | h;
                }
                if (unit >= 0xD800 && unit <= 0xDFFF) {
                    int low = unit <= 0xDBFF ? lowSurrogateAt(p + 5) : -1;
                    if (low < 0) {
                        brokenPair = true;
                    } else {
                        return p + 11;
                    }
                }
                return p + 5;
            default:
                throw malformedAt(p, "unrecognized escape '\\" + (char) (b[p] & 0xFF) + "' in a string");
        }
    }

    /** The low surrogate escaped at {@code p} ({@code \\uDC00}–{@code \\uDFFF}), or −1. */
    private int lowSurrogateAt(int p) {
        if (p + 5 >= end || b[p] != '\\' || b[p + 1] != 'u') {
            return -1;
        }
        int unit = 0;
        for (int i = 2; i <= 5; i++) {
            int h = hex(b[p + i]);
            if (h < 0) {
                return -1;
            }
            unit = unit << 4 | h;
        }
        return unit >= 0xDC00 && unit <= 0xDFFF ? unit : -1;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The text of the string just read ({@link #string()}), escapes decoded. */
    String text() {
        if (!escaped) {
            return new String(b, textStart, textEnd - textStart, StandardCharsets.UTF_8);
        }
        StringBuilder sb = unescaped;
        sb.setLength(0);
        int run = textStart;
        int p = textStart;
        while (p < textEnd) {
            if (b[p] != '\\') {
                p++;
                continue;
            }
            if (p > run) {
                sb.append(new String(b, run, p - run, StandardCharsets.UTF_8));
            }
            byte e = b[p + 1];
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' ->
                    sb.append((char) (hex(b[p + 2]) << 12 | hex(b[p + 3]) << 8 | hex(b[p + 4]) << 4 | hex(b[p + 5])));
                default -> sb.append((char) e); // " \ /
            }
            p += e == 'u' ? 6 : 2;
            run = p;
        }
        if (textEnd > run) {
            sb.append(new String(b, run, textEnd - run, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Whether the string just read is exactly {@code ascii} (its bytes, unescaped). */
    boolean textIs(byte[] ascii) {
        int n = textEnd - textStart;
        if (escaped) {
            return text().equals(new String(ascii, StandardCharsets.US_ASCII));
        }
        if (n != ascii.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[textStart + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a number at the cursor; returns true when it is an integer (no fraction, no exponent).
     * Its text is {@link #textStart} to {@link #textEnd}.
     */
    boolean number() throws MalformedException {
        peek();
        byte[] a = b;
        int p = pos;
        textStart = p;
        if (p < end && a[p] == '-') {
            p++;
        }
        if (p >= end || a[p] < '0' || a[p] > '9') {
            throw malformedAt(p, "a number needs a digit here");
        }
        if (a[p] == '0') {
            p++;
        } else {
            while (p < end && a[p] >= '0' && a[p] <= '9') {
                p++;
            }
        }
        boolean integer = true;
        if (p < end && a[p] == '.') {
            integer = false;
            p++;
            int digits = p;
            while (p < end && a[p] >= '0' && a[p] <= '9') {
                p++;
            }
            if (p == digits) {
                throw malformedAt(p, "a number's fraction needs a digit");
            }
        }
        if (p < end && (a[p] == 'e' || a[p] == 'E')) {
            integer = false;
            p++;
            if (p < end && (a[p] == '+' || a[p] == '-')) {
                p++;
            }
            int digits = p;
            while (p < end && a[p] >= '0' && a[p] <= '9') {
                p++;
            }
            if (p == digits) {
                throw malformedAt(p, "a number's exponent needs a digit");
            }
        }
        textEnd = p;
        escaped = false;
        pos = p;
        endOfToken();
        return integer;
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** Whether the cursor is on the literal {@code null}; consumes it when so. */
    boolean nullLiteral() throws MalformedException {
        if (peek() != 'n') {
            return false;
        }
        literal(NULL);
        return true;
    }

    private void literal(byte[] word) throws MalformedException {
        int p = pos;
        if (end - p < word.length) {
            throw malformedAt(p, "unrecognized token");
        }
        for (int i = 0; i < word.length; i++) {
            if (b[p + i] != word[i]) {
                throw malformedAt(p, "unrecognized token");
            }
        }
        pos = p + word.length;
        endOfToken();
    }

    /** A literal or a number runs into the next token only through a separator (Jackson: "nullx" is no null). */
    private void endOfToken() throws MalformedException {
        if (pos < end) {
            int c = b[pos];
            if (c < 0
                    || c == '_'
                    || c == '$'
                    || (c >= '0' && c <= '9')
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')) {
                throw malformedAt(pos, "unrecognized token");
            }
        }
    }

    /** What kind of value starts at the cursor (after white space), or 0 when none can start there. */
    int valueStart() {
        int c = peek();
        return switch (c) {
            case '{', '[', '"', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> c;
            default -> 0;
        };
    }

    /**
     * Checks the value at the cursor, whatever it is, and steps over it: one loop with an explicit
     * stack (a deeply nested body cannot overflow the thread's), at most {@link #MAX_DEPTH} deep.
     */
    void skipValue() throws MalformedException {
        int depth = 0;
        boolean[] stack = inObject;
        while (true) {
            // A value starts here.
            int c = peek();
            switch (c) {
                case '{' -> {
                    pos++;
                    if (++depth > MAX_DEPTH) {
                        throw malformed("nesting depth exceeds the maximum allowed (" + MAX_DEPTH + ")");
                    }
                    stack[depth] = true;
                    if (peek() == '}') {
                        pos++;
                        depth--;
                    } else {
                        string();
                        expect(':', "':'");
                        continue;
                    }
                }
                case '[' -> {
                    pos++;
                    if (++depth > MAX_DEPTH) {
                        throw malformed("nesting depth exceeds the maximum allowed (" + MAX_DEPTH + ")");
                    }
                    stack[depth] = false;
                    if (peek() == ']') {
                        pos++;
                        depth--;
                    } else {
                        continue;
                    }
                }
                case '"' -> string();
                case 't' -> literal(TRUE);
                case 'f' -> literal(FALSE);
                case 'n' -> literal(NULL);
                case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
                default -> throw unexpected("a value");
            }
            // A value ended here: close what it ends, or go on to the next member or element.
            while (true) {
                if (depth == 0) {
                    return;
                }
                boolean object = stack[depth];
                if (more(object ? '}' : ']')) {
                    if (object) {
                        string();
                        expect(':', "':'");
                    }
                    break;
                }
                depth--;
            }
        }
    }

    /** The body's offset as line and column (1-based), for an error message; errors only. */
    String where(int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < end; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (offset - lineStart + 1);
    }

    MalformedException unexpected(String expected) {
        if (pos >= end) {
            return malformed("unexpected end of input, expected " + expected);
        }
        int c = b[pos] & 0xFF;
        String found = c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : "byte 0x" + Integer.toHexString(c);
        return malformed("unexpected character " + found + ", expected " + expected);
    }

    MalformedException malformed(String what) {
        return malformedAt(pos, what);
    }

    MalformedException malformedAt(int offset, String what) {
        return new MalformedException("malformed JSON at " + where(offset) + ": " + what);
    }
}
