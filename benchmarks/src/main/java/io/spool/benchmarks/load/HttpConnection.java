package io.spool.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection over a blocking socket: writes a prepared request in one call and
 * reads the answer's status, headers and body (by {@code Content-Length} or chunked). Not thread safe.
 *
 * <p>Why not OkHttp or the JDK's client: the generator must cost far less than the server it loads, on
 * a machine where both share two cores. A prepared byte array and one blocking {@code write} + {@code read}
 * per request (no header maps, no body objects, no executor hops) is the least work a client can do,
 * the same as wrk does in C; it only has to understand the collector's own answers.
 */
final class HttpConnection implements AutoCloseable {
    /** Enough for any answer of the collector; longer bodies are read and dropped past this. */
    private static final int BUFFER = 16 * 1024;

    private static final int KEPT_BODY = 512;
    private static final byte[] REJECTED = "\"rejected\"".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private int start;
    private int end;

    /** The answer to the last request: status, whether a 200 listed rejected events, the start of the body. */
    int status;

    boolean rejected;
    String body = "";

    HttpConnection(InetSocketAddress address, int timeoutMillis) {
        this.address = address;
        this.timeoutMillis = timeoutMillis;
    }

    boolean isOpen() {
        return socket != null;
    }

    /** Opens the socket if it is not open; a failure here is a connect error. */
    void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(address, timeoutMillis);
            out = s.getOutputStream();
            in = s.getInputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        start = 0;
        end = 0;
    }

    /**
     * Sends {@code length} bytes of {@code request} and reads the whole answer into {@link #status},
     * {@link #rejected} and {@link #body}. On an I/O error the connection is closed (the caller reopens).
     */
    void exchange(byte[] request, int length) throws IOException {
        try {
            out.write(request, 0, length);
            readResponse();
        } catch (IOException e) {
            close();
            throw e;
        } catch (RuntimeException e) {
            // a length or chunk size that is not a number
            close();
            throw new MalformedAnswerException(e.toString());
        }
    }

    private void readResponse() throws IOException {
        String statusLine = readLine();
        // "HTTP/1.1 200 OK"
        int sp = statusLine.indexOf(' ');
        if (!statusLine.startsWith("HTTP/1.") || sp < 0 || statusLine.length() < sp + 4) {
            throw new MalformedAnswerException("not an HTTP status line: " + abbreviate(statusLine));
        }
        status = parseInt(statusLine, sp + 1, sp + 4);
        long contentLength = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String header; !(header = readLine()).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")
                    && value.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close") || (close && !value.equalsIgnoreCase("keep-alive"));
            }
        }
        Body kept = new Body();
        if (chunked) {
            for (long size; (size = Long.parseLong(chunkSize(readLine()), 16)) > 0; ) {
                readBody(size, kept);
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
        } else if (contentLength >= 0) {
            readBody(contentLength, kept);
        } else if (status != 204 && status != 304) {
            // no length: the body ends with the connection
            readBody(Long.MAX_VALUE, kept);
            close = true;
        }
        body = kept.text();
        rejected = status == 200 && kept.rejected;
        if (close) {
            close();
        }
    }

    private static String chunkSize(String line) {
        int semi = line.indexOf(';');
        return (semi >= 0 ? line.substring(0, semi) : line).trim();
    }

    /** The start of a body, and whether it mentions {@code "rejected"} anywhere. */
    private static final class Body {
        final byte[] start = new byte[KEPT_BODY];
        int length;
        boolean rejected;
        /** The tail of the previous piece, so a match across two reads is found too. */
        final byte[] carry = new byte[REJECTED.length];

        int carried;

        void add(byte[] data, int from, int n) {
            int keep = Math.min(n, KEPT_BODY - length);
            if (keep > 0) {
                System.arraycopy(data, from, start, length, keep);
                length += keep;
            }
            if (!rejected) {
                byte[] joined = new byte[carried + n];
                System.arraycopy(carry, 0, joined, 0, carried);
                System.arraycopy(data, from, joined, carried, n);
                rejected = indexOf(joined, REJECTED) >= 0;
                carried = Math.min(REJECTED.length - 1, joined.length);
                System.arraycopy(joined, joined.length - carried, carry, 0, carried);
            }
        }

        String text() {
            return new String(start, 0, length, StandardCharsets.UTF_8);
        }
    }

    private void readBody(long size, Body kept) throws IOException {
        long left = size;
        while (left > 0) {
            if (start == end && !fill(size == Long.MAX_VALUE)) {
                return; // closed where the body ends with the connection
            }
            int n = (int) Math.min(left, end - start);
            kept.add(buffer, start, n);
            start += n;
            left -= n;
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String piece = new String(buffer, start, stop - start, StandardCharsets.ISO_8859_1);
                    start = i + 1;
                    if (line == null) {
                        return piece;
                    }
                    // a CR at the end of the previous buffer
                    if (piece.isEmpty() && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                        line.setLength(line.length() - 1);
                    }
                    return line.append(piece).toString();
                }
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
            if (line.length() > BUFFER) {
                throw new MalformedAnswerException("an answer line longer than " + BUFFER + " bytes");
            }
            start = end;
            if (!fill(false)) {
                throw new EOFException("closed before the answer was complete");
            }
        }
    }

    /** Reads more into the buffer; false at end of stream (allowed only where {@code endOk}). */
    private boolean fill(boolean endOk) throws IOException {
        start = 0;
        end = 0;
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            if (endOk) {
                return false;
            }
            throw new EOFException("closed before the answer was complete");
        }
        end = n;
        return true;
    }

    private static int parseInt(String s, int from, int to) throws MalformedAnswerException {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("not an HTTP status line: " + abbreviate(s));
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection: nothing more to learn
            }
            socket = null;
            out = null;
            in = null;
        }
    }

    /** An answer that is not HTTP as the generator understands it; counted as an error of its own kind. */
    static final class MalformedAnswerException extends IOException {
        MalformedAnswerException(String message) {
            super(message);
        }
    }
}
