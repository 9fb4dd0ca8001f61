package io.spool.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads one HTTP/1.1 answer from bytes as they arrive, in pieces of any size: the status line, the
 * headers the generator needs ({@code Content-Length}, {@code Transfer-Encoding: chunked},
 * {@code Connection}), and the body, of which it keeps the start and notes whether it mentions
 * {@code "rejected"}. {@link #reset()} before each request; not thread safe (one per connection).
 *
 * <p>Why by hand: an event loop gets bytes when the socket has them, not a stream it can block on, and
 * the generator must cost far less than the server it loads; a state machine over a byte array is the
 * least work (no header maps, no body objects), and it only has to understand the collector's answers
 * and the usual framing of any other server (length, chunks, or the end of the connection).
 */
final class HttpAnswer {
    /** A status line, header, chunk-size or trailer line longer than this is not an answer we understand. */
    static final int MAX_LINE = 16 * 1024;

    private static final int KEPT_BODY = 512;
    private static final byte[] REJECTED = "\"rejected\"".getBytes(StandardCharsets.US_ASCII);

    private enum State {
        STATUS,
        HEADERS,
        BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        UNTIL_CLOSE,
        DONE
    }

    /** The status of the answer, once its status line is read. */
    int status;

    /** The connection must be closed after this answer (Connection: close, HTTP/1.0, or a body that ends with it). */
    boolean close;

    private State state = State.STATUS;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private long contentLength = -1;
    private boolean chunked;
    private long remaining;
    private final byte[] kept = new byte[KEPT_BODY];
    private int keptLength;
    /** How many bytes of {@link #REJECTED} the body's last bytes matched. */
    private int matched;

    private boolean mentionsRejected;

    /** Ready for the next answer. */
    void reset() {
        state = State.STATUS;
        status = 0;
        close = false;
        lineLength = 0;
        contentLength = -1;
        chunked = false;
        remaining = 0;
        keptLength = 0;
        matched = 0;
        mentionsRejected = false;
    }

    boolean complete() {
        return state == State.DONE;
    }

    /** A 200 whose body lists rejected events: the collector took the request but not all of it. */
    boolean rejected() {
        return status == 200 && mentionsRejected;
    }

    /** The start of the body (up to 512 bytes), for the summary's first error bodies. */
    String body() {
        return new String(kept, 0, keptLength, StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code data[from..to)} up to the end of the answer and returns how many bytes it took; the rest
     * (if any) is not part of this answer.
     */
    int feed(byte[] data, int from, int to) throws MalformedAnswerException {
        int at = from;
        while (at < to && state != State.DONE) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    int newline = -1;
                    for (int i = at; i < to; i++) {
                        if (data[i] == '\n') {
                            newline = i;
                            break;
                        }
                    }
                    int end = newline < 0 ? to : newline;
                    if (lineLength + end - at > MAX_LINE) {
                        throw new MalformedAnswerException("an answer line longer than " + MAX_LINE + " bytes");
                    }
                    System.arraycopy(data, at, line, lineLength, end - at);
                    lineLength += end - at;
                    at = end;
                    if (newline >= 0) {
                        at++;
                        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                        lineLength = 0;
                        line(length);
                    }
                }
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, to - at);
                    body(data, at, n);
                    at += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.BODY ? State.DONE : State.CHUNK_END;
                    }
                }
                case UNTIL_CLOSE -> {
                    body(data, at, to - at);
                    at = to;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return at - from;
    }

    /**
     * The server closed the connection: that ends an answer whose body runs to the close; anywhere else the
     * answer is cut short.
     */
    void endOfStream() throws EOFException {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
        } else if (state != State.DONE) {
            throw new EOFException("closed before the answer was complete");
        }
    }

    private void line(int length) throws MalformedAnswerException {
        switch (state) {
            case STATUS -> statusLine(length);
            case HEADERS -> {
                if (length == 0) {
                    headersDone();
                } else {
                    header(length);
                }
            }
            case CHUNK_SIZE -> {
                long size = chunkSize(length);
                if (size == 0) {
                    state = State.TRAILERS;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_END -> {
                if (length != 0) {
                    throw new MalformedAnswerException("no line end after a chunk");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (length == 0) {
                    state = State.DONE;
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /** {@code HTTP/1.1 200 OK} */
    private void statusLine(int length) throws MalformedAnswerException {
        if (length < 12
                || !startsWith(line, "HTTP/1.")
                || line[8] != ' '
                || !digit(line[9])
                || !digit(line[10])
                || !digit(line[11])
                || (length > 12 && line[12] != ' ')) {
            throw new MalformedAnswerException("not an HTTP status line: " + abbreviate(length));
        }
        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        close = line[7] == '0';
        state = State.HEADERS;
    }

    private void header(int length) throws MalformedAnswerException {
        int colon = -1;
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            return;
        }
        int nameEnd = colon;
        while (nameEnd > 0 && line[nameEnd - 1] == ' ') {
            nameEnd--;
        }
        int valueStart = colon + 1;
        int valueEnd = length;
        while (valueStart < valueEnd && (line[valueStart] == ' ' || line[valueStart] == '\t')) {
            valueStart++;
        }
        while (valueEnd > valueStart && (line[valueEnd - 1] == ' ' || line[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        if (nameIs(nameEnd, "content-length")) {
            contentLength = decimal(valueStart, valueEnd);
        } else if (nameIs(nameEnd, "transfer-encoding")) {
            chunked = containsIgnoreCase(valueStart, valueEnd, "chunked");
        } else if (nameIs(nameEnd, "connection")) {
            if (containsIgnoreCase(valueStart, valueEnd, "close")) {
                close = true;
            } else if (containsIgnoreCase(valueStart, valueEnd, "keep-alive")) {
                close = false;
            }
        }
    }

    private void headersDone() {
        if (status >= 100 && status < 200 && status != 101) {
            // an interim answer (100 Continue): the real one follows
            reset();
            return;
        }
        if (status == 204 || status == 304) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.BODY;
        } else {
            close = true;
            state = State.UNTIL_CLOSE;
        }
    }

    private void body(byte[] data, int from, int n) {
        int keep = Math.min(n, KEPT_BODY - keptLength);
        if (keep > 0) {
            System.arraycopy(data, from, kept, keptLength, keep);
            keptLength += keep;
        }
        for (int i = from; i < from + n && !mentionsRejected; i++) {
            // the pattern's only quote is its first (and last) byte, so a mismatch restarts at 0, or at 1 on a quote
            byte b = data[i];
            if (b == REJECTED[matched]) {
                if (++matched == REJECTED.length) {
                    mentionsRejected = true;
                }
            } else {
                matched = b == '"' ? 1 : 0;
            }
        }
    }

    private long chunkSize(int length) throws MalformedAnswerException {
        int end = 0;
        while (end < length && line[end] != ';') {
            end++;
        }
        int start = 0;
        while (start < end && line[start] == ' ') {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        if (start == end || end - start > 15) {
            throw new MalformedAnswerException("not a chunk size: " + abbreviate(length));
        }
        long size = 0;
        for (int i = start; i < end; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                throw new MalformedAnswerException("not a chunk size: " + abbreviate(length));
            }
            size = size * 16 + d;
        }
        return size;
    }

    private long decimal(int from, int to) throws MalformedAnswerException {
        if (from == to || to - from > 18) {
            throw new MalformedAnswerException("not a Content-Length: " + abbreviate(to));
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            if (!digit(line[i])) {
                throw new MalformedAnswerException("not a Content-Length: " + abbreviate(to));
            }
            v = v * 10 + (line[i] - '0');
        }
        return v;
    }

    private boolean nameIs(int nameEnd, String lowerCase) {
        if (nameEnd != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            if (lower(line[i]) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(int from, int to, String lowerCase) {
        outer:
        for (int i = from; i + lowerCase.length() <= to; i++) {
            for (int j = 0; j < lowerCase.length(); j++) {
                if (lower(line[i + j]) != lowerCase.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean startsWith(byte[] data, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (data[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private String abbreviate(int length) {
        String s = new String(line, 0, Math.min(length, 80), StandardCharsets.ISO_8859_1);
        return length > 80 ? s + "…" : s;
    }

    /** An answer that is not HTTP as the generator understands it; counted as an error of its own kind. */
    static final class MalformedAnswerException extends IOException {
        MalformedAnswerException(String message) {
            super(message);
        }
    }
}
