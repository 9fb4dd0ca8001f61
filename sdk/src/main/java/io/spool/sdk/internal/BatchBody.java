package io.spool.sdk.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One request body, built in place from events already serialized: {@code {"batch":[e1,e2,…],"sentAt":"…"}},
 * then gzipped unless the client sends plain JSON. Its arrays and the {@link Deflater} are reused for every
 * batch; only the sender thread touches it.
 */
public final class BatchBody {
    private static final byte[] OPEN = "{\"batch\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SENT_AT = "],\"sentAt\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\"}".getBytes(StandardCharsets.US_ASCII);
    /** Everything around the events: the opening, the sentAt field and the closing. */
    public static final int OVERHEAD = OPEN.length + SENT_AT.length + IsoTime.LENGTH + CLOSE.length;

    private static final int GZIP_HEADER_TRAILER = 18;

    private final int maxBytes;
    /** Null when the body is sent as plain JSON. */
    private final Deflater deflater;

    private final CRC32 crc = new CRC32();
    private byte[] json = new byte[16 * 1024];
    private int size;
    private int events;
    /** Where each event starts in {@link #json}: how {@link #messageIds} finds them without a parser. */
    private int[] starts = new int[128];

    private byte[] gzip = new byte[4 * 1024];
    private int gzipSize;

    /**
     * @param maxBytes the most a body may hold before gzip (the collector's limit is on inflated bytes)
     * @param gzip whether the body is sent gzipped (level 1, the fastest) or as the plain JSON
     */
    public BatchBody(int maxBytes, boolean gzip) {
        this.maxBytes = maxBytes;
        this.deflater = gzip ? new Deflater(Deflater.BEST_SPEED, true) : null;
    }

    public void begin() {
        size = 0;
        events = 0;
        append(OPEN, 0, OPEN.length);
    }

    /** Whether an event of {@code length} bytes still fits (an empty batch takes any event the client accepts). */
    public boolean fits(int length) {
        return size + 1 + length + OVERHEAD - OPEN.length <= maxBytes;
    }

    /** Adds an encoded event: {@code src[0, length)}. */
    public void add(byte[] src, int length) {
        addEvent(src, 0, length, 0);
    }

    /** Adds an event whose bytes are {@code src[from, from+first)} then {@code src[0, second)} (a ring's wrap). */
    void addEvent(byte[] src, int from, int first, int second) {
        if (events > 0) {
            append((byte) ',');
        }
        if (events == starts.length) {
            starts = Arrays.copyOf(starts, events * 2);
        }
        starts[events] = size;
        append(src, from, first);
        append(src, 0, second);
        events++;
    }

    /** Closes the JSON and gzips it (when gzipped). */
    public void finish(long sentAtMillis) {
        append(SENT_AT, 0, SENT_AT.length);
        ensureJson(IsoTime.LENGTH);
        IsoTime.format(sentAtMillis, json, size);
        size += IsoTime.LENGTH;
        append(CLOSE, 0, CLOSE.length);
        if (deflater != null) {
            gzip();
        }
    }

    public int events() {
        return events;
    }

    public byte[] json() {
        return json;
    }

    public int jsonSize() {
        return size;
    }

    /** Whether {@link #wire()} is gzip ({@code Content-Encoding: gzip}) or the JSON itself. */
    public boolean gzipped() {
        return deflater != null;
    }

    /** The bytes as sent: the gzip, or the JSON itself (no copy) when the body is plain. */
    public byte[] wire() {
        return deflater != null ? gzip : json;
    }

    /** How many of {@link #wire()}'s bytes are the body. */
    public int wireSize() {
        return deflater != null ? gzipSize : size;
    }

    /**
     * The message ids of the batch's events, read back from the JSON: only needed when a batch fails, so
     * the sender keeps no per-event list on the way that succeeds. Every event starts
     * {@code {"type":"…","messageId":"…"} (the encoder's fixed order), so each id is found at its start.
     */
    public List<String> messageIds() {
        List<String> ids = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            ids.add(messageIdAt(starts[i]));
        }
        return ids;
    }

    private static final byte[] TYPE = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_ID = "\",\"messageId\":\"".getBytes(StandardCharsets.US_ASCII);

    private String messageIdAt(int start) {
        int at = expect(start, TYPE);
        while (json[at] != '"') {
            at++; // the type: a bare word
        }
        at = expect(at, MESSAGE_ID);
        StringBuilder id = new StringBuilder(36);
        int run = at;
        while (json[at] != '"') {
            if (json[at] == '\\') {
                id.append(new String(json, run, at - run, StandardCharsets.UTF_8));
                char e = (char) json[at + 1];
                switch (e) {
                    case 'b' -> id.append('\b');
                    case 'f' -> id.append('\f');
                    case 'n' -> id.append('\n');
                    case 'r' -> id.append('\r');
                    case 't' -> id.append('\t');
                    case 'u' -> {
                        id.append((char) Integer.parseInt(new String(json, at + 2, 4, StandardCharsets.US_ASCII), 16));
                        at += 4;
                    }
                    default -> id.append(e); // \" \\ \/
                }
                at += 2;
                run = at;
            } else {
                at++;
            }
        }
        id.append(new String(json, run, at - run, StandardCharsets.UTF_8));
        return id.toString();
    }

    private int expect(int at, byte[] bytes) {
        for (byte b : bytes) {
            if (json[at++] != b) {
                throw new IllegalStateException("an event in the batch does not start as the encoder writes it");
            }
        }
        return at;
    }

    private void gzip() {
        crc.reset();
        crc.update(json, 0, size);
        deflater.reset();
        deflater.setInput(json, 0, size);
        deflater.finish();
        gzipSize = 0;
        ensureGzip(10);
        byte[] g = gzip;
        g[0] = 0x1f;
        g[1] = (byte) 0x8b;
        g[2] = 8; // deflate
        g[3] = 0; // no flags
        g[4] = g[5] = g[6] = g[7] = 0; // no mtime
        g[8] = 0;
        g[9] = (byte) 0xff; // unknown OS
        gzipSize = 10;
        while (!deflater.finished()) {
            if (gzipSize == gzip.length) {
                ensureGzip(gzip.length);
            }
            gzipSize += deflater.deflate(gzip, gzipSize, gzip.length - gzipSize);
        }
        ensureGzip(8);
        writeIntLe((int) crc.getValue());
        writeIntLe(size);
    }

    private void writeIntLe(int v) {
        gzip[gzipSize++] = (byte) v;
        gzip[gzipSize++] = (byte) (v >>> 8);
        gzip[gzipSize++] = (byte) (v >>> 16);
        gzip[gzipSize++] = (byte) (v >>> 24);
    }

    private void ensureGzip(int more) {
        if (gzipSize + more > gzip.length) {
            gzip = Arrays.copyOf(gzip, Math.max(gzip.length * 2, gzipSize + more + GZIP_HEADER_TRAILER));
        }
    }

    private void append(byte b) {
        if (size == json.length) {
            json = Arrays.copyOf(json, json.length * 2);
        }
        json[size++] = b;
    }

    private void ensureJson(int more) {
        if (size + more > json.length) {
            json = Arrays.copyOf(json, Math.max(json.length * 2, size + more));
        }
    }

    private void append(byte[] src, int off, int len) {
        ensureJson(len);
        System.arraycopy(src, off, json, size, len);
        size += len;
    }

    /** Frees the deflater's native memory; the body is unusable afterwards. */
    public void release() {
        if (deflater != null) {
            deflater.end();
        }
    }
}
