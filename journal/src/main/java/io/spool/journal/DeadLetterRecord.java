package io.spool.journal;

import java.nio.charset.StandardCharsets;

/**
 * An event the collector refused inside an otherwise valid request, kept with the reason, so that
 * nothing a client sent disappears without a trace. Layout (version 1), little-endian: version byte,
 * int64 receivedAt, int32 index in its batch (−1 on a single-event path), then reason, writeKey, ip
 * and payload (the event's JSON as sent) as int32 length + UTF-8 bytes (−1 when absent).
 *
 * <p>Mutable and reusable like {@link EventRecord}; not thread safe.
 */
public final class DeadLetterRecord {
    /** The format version this code writes, and the newest it reads. */
    public static final byte FORMAT_VERSION = 1;

    private long receivedAt = EventRecord.NO_TIME;
    private int batchIndex = -1;
    private String reason;
    private String writeKey;
    private String ip;
    private final RawJson payload = new RawJson();

    public DeadLetterRecord clear() {
        receivedAt = EventRecord.NO_TIME;
        batchIndex = -1;
        reason = writeKey = ip = null;
        payload.clear();
        return this;
    }

    public long receivedAt() {
        return receivedAt;
    }

    public DeadLetterRecord receivedAt(long millis) {
        this.receivedAt = millis;
        return this;
    }

    /** The event's index in its request's {@code batch} array, or −1 for a single-event request. */
    public int batchIndex() {
        return batchIndex;
    }

    public DeadLetterRecord batchIndex(int index) {
        this.batchIndex = index;
        return this;
    }

    /** Why the event was refused, as told to the client. */
    public String reason() {
        return reason;
    }

    public DeadLetterRecord reason(String v) {
        this.reason = v;
        return this;
    }

    public String writeKey() {
        return writeKey;
    }

    public DeadLetterRecord writeKey(String v) {
        this.writeKey = v;
        return this;
    }

    public String ip() {
        return ip;
    }

    public DeadLetterRecord ip(String v) {
        this.ip = v;
        return this;
    }

    /** The refused event's JSON as the client sent it; set it in place. */
    public RawJson payload() {
        return payload;
    }

    void encode(RecordBuffer out) {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(receivedAt);
        out.writeInt(batchIndex);
        RecordCodec.writeText(out, reason);
        RecordCodec.writeText(out, writeKey);
        RecordCodec.writeText(out, ip);
        RecordCodec.writeRaw(out, payload);
    }

    /**
     * Decodes the dead letter in {@code length} bytes of {@code array} from {@code offset}; the payload
     * points into {@code array}.
     *
     * @throws JournalFormatException on a newer format version or a corrupt layout
     */
    public DeadLetterRecord decode(byte[] array, int offset, int length) {
        clear();
        int end = offset + length;
        if (length < 13) {
            throw new JournalFormatException("dead letter of " + length + " bytes is shorter than its header");
        }
        if (array[offset] != FORMAT_VERSION) {
            throw new JournalFormatException(
                    "dead letter format version " + array[offset] + " is not readable by this version of Spool");
        }
        receivedAt = RecordCodec.readLong(array, offset + 1);
        batchIndex = RecordCodec.readInt(array, offset + 9);
        int[] pos = {offset + 13};
        reason = text(array, pos, end);
        writeKey = text(array, pos, end);
        ip = text(array, pos, end);
        int len = length(array, pos, end);
        if (len >= 0) {
            payload.set(array, pos[0], len);
            pos[0] += len;
        }
        if (pos[0] != end) {
            throw new JournalFormatException((end - pos[0]) + " stray bytes after the dead letter's payload");
        }
        return this;
    }

    private static String text(byte[] array, int[] pos, int end) {
        int len = length(array, pos, end);
        if (len < 0) {
            return null;
        }
        String s = new String(array, pos[0], len, StandardCharsets.UTF_8);
        pos[0] += len;
        return s;
    }

    private static int length(byte[] array, int[] pos, int end) {
        if (pos[0] + 4 > end) {
            throw new JournalFormatException("dead letter truncated");
        }
        int len = RecordCodec.readInt(array, pos[0]);
        pos[0] += 4;
        if (len < RecordCodec.ABSENT || len > end - pos[0]) {
            throw new JournalFormatException("dead letter has a corrupt length " + len);
        }
        return len;
    }
}
