package io.spool.writer.internal;

import java.util.Arrays;

/**
 * The message ids seen within the deduplication window, keyed by a 128-bit MurmurHash3 of the id's
 * UTF-8 bytes (a false match between two distinct ids is about as likely as a UUID collision), with the
 * {@code receivedAt} of the first copy. Open addressing over one {@code long} array, three longs a
 * slot: no object per id, 24 bytes per slot at a load between 0.3 and 0.6, so 40 to 80 bytes per id
 * held: 13 to 25 million ids per GB of heap (plus 24 bytes per id of the commit being written, and a
 * second table while one is rebuilt).
 *
 * <p>The window is measured in event time ({@code receivedAt}), not wall time, so a restart or a
 * replay decides exactly as the first run did. Not thread safe: the writer's thread owns it.
 */
public final class DedupIndex {
    private static final int MIN_CAPACITY = 1 << 12;
    private static final double MAX_LOAD = 0.6;

    private final long windowMillis;
    /** Slot i is {@code table[3i]} (high hash), {@code [3i+1]} (low hash), {@code [3i+2]} (receivedAt): one cache line per probe. */
    private long[] table;
    private int capacity;
    private int size;
    private long newest = Long.MIN_VALUE;
    private long oldest = Long.MAX_VALUE;
    private final Pending pending = new Pending();
    private final long[] hash = new long[2];

    public DedupIndex(long windowMillis) {
        this.windowMillis = windowMillis;
        allocate(MIN_CAPACITY);
    }

    private void allocate(int slots) {
        capacity = slots;
        table = new long[3 * slots];
        for (int i = 2; i < table.length; i += 3) {
            table[i] = EMPTY;
        }
        size = 0;
    }

    /** Marks an empty slot's time. */
    private static final long EMPTY = Long.MIN_VALUE;

    /** The earliest {@code receivedAt} that is still inside the window. */
    public long horizon() {
        return newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - windowMillis;
    }

    public int size() {
        return size;
    }

    /**
     * Records the id and returns true when it was not seen within the window (write the event), false
     * for a duplicate (drop it). New ids also go to {@link #pending()} until the commit takes them.
     */
    public boolean firstSeen(byte[] array, int offset, int length, long receivedAt) {
        if (windowMillis <= 0) {
            return true;
        }
        murmur3(array, offset, length, hash);
        long hi = hash[0];
        long lo = hash[1];
        if (receivedAt > newest) {
            newest = receivedAt;
        }
        long horizon = newest - windowMillis;
        long[] t = table;
        int mask = capacity - 1;
        int slot = (int) (lo ^ (lo >>> 32)) & mask;
        while (true) {
            int at = 3 * slot;
            long time = t[at + 2];
            if (time == EMPTY) {
                break;
            }
            if (t[at] == hi && t[at + 1] == lo) {
                if (time >= horizon) {
                    return false;
                }
                t[at + 2] = receivedAt; // an expired copy: this one opens a new window
                pending.add(hi, lo, receivedAt);
                return true;
            }
            slot = (slot + 1) & mask;
        }
        insertAt(slot, hi, lo, receivedAt);
        pending.add(hi, lo, receivedAt);
        return true;
    }

    private void insertAt(int slot, long hi, long lo, long time) {
        int at = 3 * slot;
        table[at] = hi;
        table[at + 1] = lo;
        table[at + 2] = time;
        oldest = Math.min(oldest, time);
        if (++size > capacity * MAX_LOAD) {
            rebuild();
        }
    }

    /** Puts back an id from a committed segment (on start). */
    public void restore(long hi, long lo, long receivedAt) {
        if (receivedAt > newest) {
            newest = receivedAt;
        }
        int mask = capacity - 1;
        int slot = (int) (lo ^ (lo >>> 32)) & mask;
        while (table[3 * slot + 2] != EMPTY) {
            int at = 3 * slot;
            if (table[at] == hi && table[at + 1] == lo) {
                table[at + 2] = Math.max(table[at + 2], receivedAt);
                return;
            }
            slot = (slot + 1) & mask;
        }
        insertAt(slot, hi, lo, receivedAt);
    }

    /** Drops ids older than the window when any are, to keep memory bounded by the window. */
    public void expire() {
        if (oldest < horizon()) {
            rebuild();
        }
    }

    private void rebuild() {
        long horizon = horizon();
        long[] old = table;
        int live = 0;
        for (int i = 2; i < old.length; i += 3) {
            if (old[i] != EMPTY && old[i] >= horizon) {
                live++;
            }
        }
        int slots = MIN_CAPACITY;
        while (slots * MAX_LOAD < live * 2.0) {
            slots <<= 1;
        }
        allocate(slots);
        oldest = Long.MAX_VALUE;
        int mask = slots - 1;
        for (int i = 0; i < old.length; i += 3) {
            long time = old[i + 2];
            if (time == EMPTY || time < horizon) {
                continue;
            }
            long lo = old[i + 1];
            int slot = (int) (lo ^ (lo >>> 32)) & mask;
            while (table[3 * slot + 2] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            table[3 * slot] = old[i];
            table[3 * slot + 1] = lo;
            table[3 * slot + 2] = time;
            oldest = Math.min(oldest, time);
            size++;
        }
    }

    /** The ids first seen since the last commit, in order. */
    public Pending pending() {
        return pending;
    }

    /** The ids of the commit being written; cleared once that commit is published. */
    public static final class Pending {
        private long[] data = new long[3 * 1024];
        private int size;

        void add(long hi, long lo, long time) {
            if (3 * size + 3 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[3 * size] = hi;
            data[3 * size + 1] = lo;
            data[3 * size + 2] = time;
            size++;
        }

        public int size() { return size; }

        /** hi, lo, time of each id in turn; valid up to {@code 3 * size()}. */
        long[] raw() { return data; }
        public long hi(int i) { return data[3 * i]; }
        public long lo(int i) { return data[3 * i + 1]; }
        public long time(int i) { return data[3 * i + 2]; }

        public void clear() {
            size = 0;
            if (data.length > 3 * 1024 * 1024) {
                data = new long[3 * 1024];
            }
        }
    }

    // MurmurHash3 x64 128 (public domain, Austin Appleby), over a byte slice.
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    @SuppressWarnings("fallthrough")
    static void murmur3(byte[] a, int offset, int length, long[] out) {
        long h1 = 0;
        long h2 = 0;
        int blocks = length >>> 4;
        for (int i = 0; i < blocks; i++) {
            int p = offset + (i << 4);
            long k1 = getLong(a, p);
            long k2 = getLong(a, p + 8);
            k1 *= C1; k1 = Long.rotateLeft(k1, 31); k1 *= C2; h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
            k2 *= C2; k2 = Long.rotateLeft(k2, 33); k2 *= C1; h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
        }
        long k1 = 0;
        long k2 = 0;
        int tail = offset + (blocks << 4);
        switch (length & 15) {
            case 15: k2 ^= (long) (a[tail + 14] & 0xff) << 48;
            case 14: k2 ^= (long) (a[tail + 13] & 0xff) << 40;
            case 13: k2 ^= (long) (a[tail + 12] & 0xff) << 32;
            case 12: k2 ^= (long) (a[tail + 11] & 0xff) << 24;
            case 11: k2 ^= (long) (a[tail + 10] & 0xff) << 16;
            case 10: k2 ^= (long) (a[tail + 9] & 0xff) << 8;
            case 9:
                k2 ^= a[tail + 8] & 0xff;
                k2 *= C2; k2 = Long.rotateLeft(k2, 33); k2 *= C1; h2 ^= k2;
            case 8: k1 ^= (long) (a[tail + 7] & 0xff) << 56;
            case 7: k1 ^= (long) (a[tail + 6] & 0xff) << 48;
            case 6: k1 ^= (long) (a[tail + 5] & 0xff) << 40;
            case 5: k1 ^= (long) (a[tail + 4] & 0xff) << 32;
            case 4: k1 ^= (long) (a[tail + 3] & 0xff) << 24;
            case 3: k1 ^= (long) (a[tail + 2] & 0xff) << 16;
            case 2: k1 ^= (long) (a[tail + 1] & 0xff) << 8;
            case 1:
                k1 ^= a[tail] & 0xff;
                k1 *= C1; k1 = Long.rotateLeft(k1, 31); k1 *= C2; h1 ^= k1;
            default:
                break;
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        out[0] = h1;
        out[1] = h2;
    }

    private static long getLong(byte[] a, int i) {
        return (a[i] & 0xffL) | (a[i + 1] & 0xffL) << 8 | (a[i + 2] & 0xffL) << 16 | (a[i + 3] & 0xffL) << 24
                | (a[i + 4] & 0xffL) << 32 | (a[i + 5] & 0xffL) << 40 | (a[i + 6] & 0xffL) << 48 | (a[i + 7] & 0xffL) << 56;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
