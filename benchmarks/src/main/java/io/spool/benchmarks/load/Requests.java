package io.spool.benchmarks.load;

import io.spool.benchmarks.collector.LoadBodies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The whole HTTP requests (head and body) one connection sends, as bytes ready for the socket: the
 * collector load figures' batch ({@link LoadBodies#batch(int)}, ~390-byte server-side track events)
 * with each event's {@code messageId} rewritten so that no two requests of a run repeat an id (unless
 * a body pool is asked for). Not thread safe: one per connection.
 *
 * <p>Why bytes patched in place: the ids are the only part that must change, and they have a fixed
 * length (36 characters, UUID-shaped), so a plain request costs the generator 100 × 36 hex digits and
 * nothing else. A gzip request must be compressed each time (level 1, the fastest: ~100 µs for 39 KB).
 */
final class Requests {
    private static final byte[] MESSAGE_ID = "\"messageId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int ID_LENGTH = 36;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** A gzip member header: magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Template template;
    private final int connection;
    private final byte[] body;
    private final byte[] request;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] compressed;
    private List<byte[]> pool;
    private long sequence;
    private int poolNext;
    private int length;

    /** The parts every connection shares: the batch, where its ids sit, the request head. */
    static final class Template {
        final LoadPlan plan;
        final byte[] body;
        final int[] idOffsets;
        final String headPrefix;
        /** Random per run, so two runs into one lake do not share ids. */
        final int runId;

        Template(LoadPlan plan, int runId) {
            this.plan = plan;
            this.runId = runId;
            this.body = plan.batchBody() != null ? plan.batchBody() : LoadBodies.batch(plan.batchSize());
            this.idOffsets = idOffsets(body, plan.batchSize());
            String path = plan.endpoint().getRawPath() == null
                            || plan.endpoint().getRawPath().isEmpty()
                            || plan.endpoint().getRawPath().equals("/")
                    ? "/v1/batch"
                    : plan.endpoint().getRawPath();
            int port = plan.endpoint().getPort();
            this.headPrefix = "POST " + path + " HTTP/1.1\r\n"
                    + "Host: " + plan.endpoint().getHost() + (port > 0 ? ":" + port : "") + "\r\n"
                    + "Authorization: Basic "
                    + Base64.getEncoder().encodeToString((plan.writeKey() + ":").getBytes(StandardCharsets.UTF_8))
                    + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "User-Agent: spool-load-generator\r\n"
                    + (plan.gzip() ? "Content-Encoding: gzip\r\n" : "")
                    + "Content-Length: ";
        }

        /** Plain JSON bytes per event of the batch. */
        int bytesPerEvent() {
            return body.length / plan.batchSize();
        }

        private static int[] idOffsets(byte[] body, int events) {
            int[] offsets = new int[events];
            int found = 0;
            for (int i = 0; i + MESSAGE_ID.length <= body.length && found < events; i++) {
                if (matches(body, i, MESSAGE_ID)) {
                    offsets[found++] = i + MESSAGE_ID.length;
                    i += MESSAGE_ID.length + ID_LENGTH - 1;
                }
            }
            if (found != events || body[offsets[events - 1] + ID_LENGTH] != '"') {
                throw new IllegalStateException(
                        "the batch body does not have " + events + " 36-character messageIds to rewrite" + " (found "
                                + found + "): LoadBodies changed its shape");
            }
            return offsets;
        }

        private static boolean matches(byte[] data, int at, byte[] what) {
            for (int j = 0; j < what.length; j++) {
                if (data[at + j] != what[j]) {
                    return false;
                }
            }
            return true;
        }
    }

    Requests(Template template, int connection) {
        this.template = template;
        this.connection = connection;
        this.body = template.body.clone();
        this.deflater = template.plan.gzip() ? new Deflater(Deflater.BEST_SPEED, true) : null;
        this.compressed = template.plan.gzip() ? new byte[body.length + body.length / 10 + 1024] : null;
        int headMax = template.headPrefix.length() + 16;
        this.request = new byte[headMax + (compressed != null ? compressed.length : body.length)];
        if (template.plan.bodyPool() > 0) {
            // ids still differ between connections: a pool repeats only within one connection's own cycle
            List<byte[]> prepared = new ArrayList<>(template.plan.bodyPool());
            for (int i = 0; i < template.plan.bodyPool(); i++) {
                next();
                prepared.add(Arrays.copyOf(request, length));
            }
            endDeflater();
            this.pool = prepared;
        }
    }

    private void endDeflater() {
        if (deflater != null) {
            deflater.end();
        }
    }

    /** The next request's bytes: valid until the next call. */
    byte[] bytes() {
        return pool != null ? pool.get(poolNext) : request;
    }

    /** Its length. */
    int length() {
        return pool != null ? pool.get(poolNext).length : length;
    }

    /** Prepares the next request (new ids, compressed if gzip); then read {@link #bytes()} and {@link #length()}. */
    void next() {
        if (pool != null) {
            poolNext = (poolNext + 1) % pool.size();
            return;
        }
        for (int offset : template.idOffsets) {
            writeId(body, offset, sequence++);
        }
        byte[] payload = body;
        int payloadLength = body.length;
        if (deflater != null) {
            payloadLength = gzip();
            payload = compressed;
        }
        int at = 0;
        for (int i = 0; i < template.headPrefix.length(); i++) {
            request[at++] = (byte) template.headPrefix.charAt(i);
        }
        String contentLength = Integer.toString(payloadLength);
        for (int i = 0; i < contentLength.length(); i++) {
            request[at++] = (byte) contentLength.charAt(i);
        }
        request[at++] = '\r';
        request[at++] = '\n';
        request[at++] = '\r';
        request[at++] = '\n';
        System.arraycopy(payload, 0, request, at, payloadLength);
        length = at + payloadLength;
    }

    /** {@code rrrrrrrr-cccc-ssss-ssss-ssssssssssss}: run, connection, sequence (hex), UUID-shaped. */
    private void writeId(byte[] out, int at, long seq) {
        hex(out, at, template.runId & 0xffffffffL, 8);
        out[at + 8] = '-';
        hex(out, at + 9, connection & 0xffff, 4);
        out[at + 13] = '-';
        hex(out, at + 14, (seq >>> 56) & 0xff, 4);
        out[at + 18] = '-';
        hex(out, at + 19, (seq >>> 48) & 0xff, 4);
        out[at + 23] = '-';
        hex(out, at + 24, seq & 0xffff_ffff_ffffL, 12);
    }

    private static void hex(byte[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }

    private int gzip() {
        System.arraycopy(GZIP_HEADER, 0, compressed, 0, GZIP_HEADER.length);
        deflater.reset();
        deflater.setInput(body);
        deflater.finish();
        int n = GZIP_HEADER.length;
        while (!deflater.finished()) {
            n += deflater.deflate(compressed, n, compressed.length - 8 - n);
            if (n >= compressed.length - 8 && !deflater.finished()) {
                throw new IllegalStateException("a gzip body outgrew its buffer (" + compressed.length + " bytes)");
            }
        }
        crc.reset();
        crc.update(body);
        writeIntLe(compressed, n, (int) crc.getValue());
        writeIntLe(compressed, n + 4, body.length);
        return n + 8;
    }

    private static void writeIntLe(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) (value >>> 16);
        out[at + 3] = (byte) (value >>> 24);
    }

    /** Releases the compressor's native memory. */
    void close() {
        endDeflater();
    }
}
