package io.spool.journal;

/**
 * Writes {@link EventRecord}s in the journal's binary format. The layout (version 1), little-endian:
 *
 * <pre>
 *  0  byte   format version (1)
 *  1  byte   event type ({@link EventType#code()})
 *  2  int64  receivedAt      epoch millis
 * 10  int64  timestamp       epoch millis
 * 18  int64  originalTimestamp, or Long.MIN_VALUE when absent
 * 26  int64  sentAt, or Long.MIN_VALUE when absent
 * 34  then each {@link RecordField} in order: int32 length (−1 when absent), then that many UTF-8 bytes
 * </pre>
 *
 * Fixed-width lengths (not stop-bit) let a reader find every field in one pass over a byte array and
 * let the encoder patch a length after writing the text, without measuring it first.
 */
public final class RecordCodec {
    /** The format version this code writes, and the newest it reads. */
    public static final byte FORMAT_VERSION = 1;

    static final int HEADER_SIZE = 34;
    static final int ABSENT = -1;

    private RecordCodec() {}

    /** Appends {@code record} to {@code out}. The record must have a type. */
    static void encode(EventRecord record, RecordBuffer out) {
        EventType type = record.type();
        if (type == null) {
            throw new IllegalArgumentException("record has no type");
        }
        out.writeByte(FORMAT_VERSION);
        out.writeByte(type.code());
        out.writeLong(record.receivedAt());
        out.writeLong(record.timestamp());
        out.writeLong(record.originalTimestamp());
        out.writeLong(record.sentAt());
        writeText(out, record.messageId());
        writeText(out, record.userId());
        writeText(out, record.anonymousId());
        writeText(out, record.event());
        writeText(out, record.name());
        writeText(out, record.groupId());
        writeText(out, record.previousId());
        writeText(out, record.writeKey());
        writeText(out, record.ip());
        writeText(out, record.libraryName());
        writeText(out, record.libraryVersion());
        writeText(out, record.userAgent());
        writeRaw(out, record.properties());
        writeRaw(out, record.traits());
        writeRaw(out, record.context());
        writeRaw(out, record.integrations());
    }

    static void writeText(RecordBuffer out, String text) {
        if (text == null) {
            out.writeInt(ABSENT);
            return;
        }
        int lengthAt = out.position();
        out.writeInt(0);
        out.writeUtf8(text);
        out.putInt(lengthAt, out.position() - lengthAt - 4);
    }

    static void writeRaw(RecordBuffer out, RawJson json) {
        if (!json.isPresent()) {
            out.writeInt(ABSENT);
            return;
        }
        out.writeInt(json.length());
        out.write(json.array(), json.offset(), json.length());
    }

    /** Decodes the record in {@code length} bytes of {@code array} from {@code offset} into {@code into}. */
    public static EventRecord decode(byte[] array, int offset, int length, EventRecord into) {
        RecordView view = new RecordView();
        view.wrap(array, offset, length);
        return view.copyTo(into);
    }

    static int readInt(byte[] a, int i) {
        return (a[i] & 0xff) | (a[i + 1] & 0xff) << 8 | (a[i + 2] & 0xff) << 16 | (a[i + 3] & 0xff) << 24;
    }

    static long readLong(byte[] a, int i) {
        return (readInt(a, i) & 0xffffffffL) | ((long) readInt(a, i + 4)) << 32;
    }
}
