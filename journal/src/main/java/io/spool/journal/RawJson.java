package io.spool.journal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON value kept as its raw UTF-8 bytes: a slice of an array this object does not own.
 *
 * <p>The collector points it at the request body it parsed (no copy, no re-serialization); the
 * journal reader points it at a buffer it reuses for the next record. Copy what must outlive that.
 * Absent when {@link #isPresent()} is false.
 */
public final class RawJson {
    private byte[] array;
    private int offset;
    private int length;

    /** Points this slice at {@code length} bytes of {@code array} from {@code offset}. */
    public RawJson set(byte[] array, int offset, int length) {
        if (array == null) {
            return clear();
        }
        if (offset < 0 || length < 0 || offset + length > array.length) {
            throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + array.length);
        }
        this.array = array;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Points this slice at the UTF-8 bytes of {@code json}, or marks it absent when null. */
    public RawJson set(String json) {
        if (json == null) {
            return clear();
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return set(bytes, 0, bytes.length);
    }

    /** Marks the value absent. */
    public RawJson clear() {
        array = null;
        offset = 0;
        length = 0;
        return this;
    }

    public boolean isPresent() {
        return array != null;
    }

    /** The backing array (not a copy), or null when absent. */
    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** A copy of the bytes, or null when absent. */
    public byte[] toByteArray() {
        return array == null ? null : Arrays.copyOfRange(array, offset, offset + length);
    }

    /** The JSON text, or null when absent. */
    @Override
    public String toString() {
        return array == null ? null : new String(array, offset, length, StandardCharsets.UTF_8);
    }
}
