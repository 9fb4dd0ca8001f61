package io.spool.collector.internal;

import java.util.Arrays;

/** A byte buffer that grows and is reused; the collector's merged JSON objects are built in it. */
final class GrowableBytes {
    private byte[] array = new byte[1024];
    private int length;

    GrowableBytes clear() {
        length = 0;
        return this;
    }

    GrowableBytes append(byte b) {
        ensure(1);
        array[length++] = b;
        return this;
    }

    GrowableBytes append(byte[] src, int from, int count) {
        ensure(count);
        System.arraycopy(src, from, array, length, count);
        length += count;
        return this;
    }

    private void ensure(int more) {
        if (length + more > array.length) {
            array = Arrays.copyOf(array, Math.max(array.length * 2, length + more));
        }
    }

    byte[] array() {
        return array;
    }

    int length() {
        return length;
    }
}
