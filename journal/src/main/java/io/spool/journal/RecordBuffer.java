package io.spool.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte array that records are encoded into, little-endian like Chronicle's {@code Bytes}.
 * Plain array stores instead of Chronicle's on-heap {@code Bytes}: those check bounds and the owning
 * thread on every write, which profiled as a fifth of the collector's encoding time; this checks
 * capacity once per field. Not thread safe.
 */
final class RecordBuffer {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] array;
    private int position;

    RecordBuffer(int initialCapacity) {
        this.array = new byte[Math.max(64, initialCapacity)];
    }

    /** The backing array; valid until the next write (a write may replace it). */
    byte[] array() {
        return array;
    }

    int position() {
        return position;
    }

    void clear() {
        position = 0;
    }

    private void ensure(int more) {
        if (array.length - position < more) {
            long wanted = Math.max((long) array.length * 2, (long) position + more);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("an excerpt over 2 GB cannot be encoded");
            }
            array = Arrays.copyOf(array, (int) wanted);
        }
    }

    void writeByte(int b) {
        ensure(1);
        array[position++] = (byte) b;
    }

    void writeInt(int v) {
        ensure(4);
        INT.set(array, position, v);
        position += 4;
    }

    /** Overwrites the int at {@code at} (a length written before its content). */
    void putInt(int at, int v) {
        INT.set(array, at, v);
    }

    void writeLong(long v) {
        ensure(8);
        LONG.set(array, position, v);
        position += 8;
    }

    void write(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, array, position, length);
        position += length;
    }

    /**
     * Writes {@code text} as UTF-8, without its length. ASCII (ids, names, keys: nearly every text field)
     * is copied char by char into the array; anything else goes through the JDK's encoder, which
     * writes a surrogate pair as one 4-byte sequence (Chronicle's {@code appendUtf8} writes CESU-8).
     */
    void writeUtf8(String text) {
        int n = text.length();
        ensure(n);
        byte[] a = array;
        int p = position;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                write(utf8, 0, utf8.length);
                return;
            }
            a[p + i] = (byte) c;
        }
        position = p + n;
    }
}
