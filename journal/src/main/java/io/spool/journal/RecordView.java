package io.spool.journal;

import java.nio.charset.StandardCharsets;

/**
 * A read-only view of one encoded record in a byte array: every field found in one pass, nothing
 * copied or decoded until asked. The storage writer's hot path reads fields as UTF-8 slices
 * ({@link #offset}/{@link #length}) straight into Parquet; {@link #copyTo} gives a plain
 * {@link EventRecord}. Reusable: {@link #wrap} it over the next record. Not thread safe.
 */
public final class RecordView {
    private byte[] array;
    private int start;
    private int end;
    private EventType type;
    private final int[] offsets = new int[RecordField.ALL.length];
    private final int[] lengths = new int[RecordField.ALL.length];

    /**
     * Points this view at a record and checks its layout.
     *
     * @throws JournalFormatException when the record is of a newer format version or its layout is
     *     corrupt; the view is then unusable until the next successful wrap.
     */
    public RecordView wrap(byte[] array, int offset, int length) {
        this.array = array;
        this.start = offset;
        this.end = offset + length;
        this.type = null;
        if (length < RecordCodec.HEADER_SIZE) {
            throw new JournalFormatException("record of " + length + " bytes is shorter than its header");
        }
        int version = array[offset];
        if (version != RecordCodec.FORMAT_VERSION) {
            throw new JournalFormatException("record format version " + version + " is not readable by this"
                    + " version of Spool (it reads version " + RecordCodec.FORMAT_VERSION + ")");
        }
        EventType t = EventType.fromCode(array[offset + 1]);
        if (t == null) {
            throw new JournalFormatException("unknown event type code " + array[offset + 1]);
        }
        int pos = offset + RecordCodec.HEADER_SIZE;
        for (int i = 0; i < offsets.length; i++) {
            if (pos + 4 > end) {
                throw new JournalFormatException("record truncated at field " + RecordField.ALL[i]);
            }
            int len = RecordCodec.readInt(array, pos);
            pos += 4;
            if (len < RecordCodec.ABSENT || (len > 0 && len > end - pos)) {
                throw new JournalFormatException("field " + RecordField.ALL[i] + " has a corrupt length " + len);
            }
            offsets[i] = pos;
            lengths[i] = len;
            if (len > 0) {
                pos += len;
            }
        }
        if (pos != end) {
            throw new JournalFormatException((end - pos) + " stray bytes after the last field");
        }
        this.type = t;
        return this;
    }

    public EventType type() {
        return type;
    }

    public long receivedAt() {
        return RecordCodec.readLong(array, start + 2);
    }

    public long timestamp() {
        return RecordCodec.readLong(array, start + 10);
    }

    /** Epoch millis, or {@link EventRecord#NO_TIME}. */
    public long originalTimestamp() {
        return RecordCodec.readLong(array, start + 18);
    }

    /** Epoch millis, or {@link EventRecord#NO_TIME}. */
    public long sentAt() {
        return RecordCodec.readLong(array, start + 26);
    }

    /** The array the view reads; field slices index into it. */
    public byte[] array() {
        return array;
    }

    public boolean isPresent(RecordField field) {
        return lengths[field.ordinal()] != RecordCodec.ABSENT;
    }

    /** Where the field's UTF-8 bytes start in {@link #array()}. */
    public int offset(RecordField field) {
        return offsets[field.ordinal()];
    }

    /** How many UTF-8 bytes the field has; −1 when absent. */
    public int length(RecordField field) {
        return lengths[field.ordinal()];
    }

    /** The field as a String (allocates), or null when absent. */
    public String text(RecordField field) {
        int len = lengths[field.ordinal()];
        return len < 0 ? null : new String(array, offsets[field.ordinal()], len, StandardCharsets.UTF_8);
    }

    /** Fills {@code into} from this record. Its JSON fields point into {@link #array()}, not copies. */
    public EventRecord copyTo(EventRecord into) {
        into.clear()
                .type(type)
                .receivedAt(receivedAt())
                .timestamp(timestamp())
                .originalTimestamp(originalTimestamp())
                .sentAt(sentAt())
                .messageId(text(RecordField.MESSAGE_ID))
                .userId(text(RecordField.USER_ID))
                .anonymousId(text(RecordField.ANONYMOUS_ID))
                .event(text(RecordField.EVENT))
                .name(text(RecordField.NAME))
                .groupId(text(RecordField.GROUP_ID))
                .previousId(text(RecordField.PREVIOUS_ID))
                .writeKey(text(RecordField.WRITE_KEY))
                .ip(text(RecordField.IP))
                .libraryName(text(RecordField.LIBRARY_NAME))
                .libraryVersion(text(RecordField.LIBRARY_VERSION))
                .userAgent(text(RecordField.USER_AGENT));
        slice(RecordField.PROPERTIES, into.properties());
        slice(RecordField.TRAITS, into.traits());
        slice(RecordField.CONTEXT, into.context());
        slice(RecordField.INTEGRATIONS, into.integrations());
        return into;
    }

    private void slice(RecordField field, RawJson into) {
        int len = lengths[field.ordinal()];
        if (len < 0) {
            into.clear();
        } else {
            into.set(array, offsets[field.ordinal()], len);
        }
    }
}
