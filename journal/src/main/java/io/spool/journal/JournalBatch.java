package io.spool.journal;

/**
 * The records of one journal excerpt, read one at a time. The excerpt is copied once into a buffer
 * that the tailer reuses, so everything this batch hands out is valid only until the handler returns.
 *
 * <pre>{@code
 * while (batch.next()) {
 *     try {
 *         RecordView record = batch.view();
 *         ...
 *     } catch (JournalFormatException e) {
 *         // batch.array()/offset()/length() hold the bytes that could not be decoded
 *     }
 * }
 * }</pre>
 */
public final class JournalBatch {
    private final RecordView view = new RecordView();
    private byte[] buffer = new byte[64 * 1024];
    private int end;
    private int position;
    private int recordOffset;
    private int recordLength;
    private int recordNumber = -1;
    private String framingError;

    byte[] prepare(int size) {
        if (buffer.length < size) {
            buffer = new byte[Math.max(size, buffer.length * 2)];
        }
        end = size;
        position = 0;
        recordNumber = -1;
        framingError = null;
        return buffer;
    }

    /** Moves to the next record; false when the excerpt has no more. */
    public boolean next() {
        if (position >= end) {
            return false;
        }
        recordNumber++;
        int len = end - position >= 4 ? RecordCodec.readInt(buffer, position) : -1;
        if (len < 0 || len > end - position - 4) {
            // The framing itself is broken: the rest of the excerpt is one undecodable record.
            framingError = "corrupt record length " + len + " with " + (end - position) + " bytes left";
            recordOffset = position;
            recordLength = end - position;
            position = end;
            return true;
        }
        framingError = null;
        recordOffset = position + 4;
        recordLength = len;
        position = recordOffset + len;
        return true;
    }

    /** The whole excerpt's size in bytes (every record with its length prefix). */
    public int size() {
        return end;
    }

    /** The current record's position in its excerpt, from 0. */
    public int recordNumber() {
        return recordNumber;
    }

    /** The current record decoded as an event. */
    public RecordView view() {
        checkFraming();
        return view.wrap(buffer, recordOffset, recordLength);
    }

    /** The current record decoded as a dead letter (on the dead-letter queue). */
    public DeadLetterRecord deadLetter(DeadLetterRecord into) {
        checkFraming();
        return into.decode(buffer, recordOffset, recordLength);
    }

    private void checkFraming() {
        if (framingError != null) {
            throw new JournalFormatException(framingError);
        }
    }

    /** The current record's raw bytes: {@link #offset()} and {@link #length()} index into this array. */
    public byte[] array() {
        return buffer;
    }

    public int offset() {
        return recordOffset;
    }

    public int length() {
        return recordLength;
    }
}
