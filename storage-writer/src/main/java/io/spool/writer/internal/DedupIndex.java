package io.spool.writer.internal;

import java.util.Arrays;

/**
 * The message ids seen within the deduplication window, keyed by a 128-bit MurmurHash3 of the id's
 * UTF-8 bytes (a false match between two distinct ids is about as likely as a UUID collision), with the
 * {@code receivedAt} of the first copy. Open addressing (linear probing) over one {@code long} array,
 * three longs a slot: no object per id, 24 bytes per slot at a load between 0.3 and 0.6, so 40 to 80
 * bytes per id held (plus 24 bytes per id of the commit being written, in {@link #pending()}).
 *
 * <p>Memory is bounded twice. Ids that fell out of the window are removed in place
 * ({@link #expire()}, a sweep with backward-shift deletion, no second table), once the oldest is an
 * eighth of a window past the horizon, so the table holds at most 1⅛ windows of ids. And the table
 * never grows past {@code maxBytes}: when the window holds more ids than that (a high rate, a long
 * window, a small heap), the oldest quarter of what it holds is dropped early, so the window the
 * writer can actually promise is shorter than the one configured ({@link #shortenedWindowMillis()};
 * the writer logs it). Growing doubles the table and needs the old one until the copy is done: the
 * most the index ever holds at once is 1.5 × {@code maxBytes}.
 *
 * <p>The window is measured in event time ({@code receivedAt}), not wall time, so a restart or a
 * replay decides exactly as the first run did (so long as the memory bound is not reached). Not thread
 * safe: the writer's thread owns it.
 */
public final class DedupIndex {
    private static final int MIN_CAPACITY = 1 << 12;
    private static final double MAX_LOAD = 0.6;
    /** After the bound forced ids out, the table is at most this full, so the next eviction is far away. */
    private static final double AFTER_EVICTION_LOAD = 0.45;
    /** Bytes per slot: hi, lo, time. */
    static final int SLOT_BYTES = 24;

    private final long windowMillis;
    /** The largest table, in slots (a power of two): what {@code maxBytes} allows. */
    private final int maxCapacity;
    /** Slot i is {@code table[3i]} (high hash), {@code [3i+1]} (low hash), {@code [3i+2]} (receivedAt): one cache line per probe. */
    private long[] table;

    private int capacity;
    private int size;
    private long newest = Long.MIN_VALUE;
    /** The oldest time in the table (a lower bound: updated on insert and sweep, not on overwrite). */
    private long oldest = Long.MAX_VALUE;
    /** Ids older than this were dropped by the memory bound (Long.MIN_VALUE: never). */
    private long evictedBefore = Long.MIN_VALUE;

    private long evictions;
    private final Pending pending = new Pending();
    private final long[] hash = new long[2];

    /** An index for {@code windowMillis} of ids, bounded by a quarter of the heap. */
    public DedupIndex(long windowMillis) {
        this(windowMillis, defaultMaxBytes());
    }

    /** An index for {@code windowMillis} of ids whose table never takes more than {@code maxBytes}. */
    public DedupIndex(long windowMillis, long maxBytes) {
        if (maxBytes < (long) MIN_CAPACITY * SLOT_BYTES) {
            throw new IllegalArgumentException("the dedup index needs at least " + MIN_CAPACITY * SLOT_BYTES / 1024
                    + " KB, was given " + maxBytes + " bytes");
        }
        this.windowMillis = windowMillis;
        this.maxCapacity = Integer.highestOneBit((int) Math.min(1 << 30, maxBytes / SLOT_BYTES));
        allocate(MIN_CAPACITY);
    }

    /** A quarter of the maximum heap: what the writer gives its dedup index unless told otherwise. */
    public static long defaultMaxBytes() {
        return Math.max((long) MIN_CAPACITY * SLOT_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }

    /** The most ids the index holds before the memory bound drops the oldest: 0.6 of its largest table. */
    public long maxIds() {
        return (long) (maxCapacity * MAX_LOAD);
    }

    /** Marks an empty slot's time. */
    private static final long EMPTY = Long.MIN_VALUE;

    /** The earliest {@code receivedAt} that is still inside the window (raised by the memory bound). */
    public long horizon() {
        if (newest == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Math.max(newest - windowMillis, evictedBefore);
    }

    public int size() {
        return size;
    }

    /** The table's size in bytes now. */
    public long tableBytes() {
        return (long) capacity * SLOT_BYTES;
    }

    /** How many times the memory bound dropped ids early. */
    public long evictions() {
        return evictions;
    }

    /**
     * The window the index covers now when the memory bound shortened it (newest minus the oldest time
     * it still holds), or −1 when it covers the whole configured window.
     */
    public long shortenedWindowMillis() {
        if (evictedBefore == Long.MIN_VALUE || newest - windowMillis >= evictedBefore) {
            return -1;
        }
        return newest - evictedBefore;
    }

    /** Forgets every id (recovery reloads them), keeping the table it has. */
    public void clear() {
        for (int i = 2; i < table.length; i += 3) {
            table[i] = EMPTY;
        }
        size = 0;
        newest = Long.MIN_VALUE;
        oldest = Long.MAX_VALUE;
        evictedBefore = Long.MIN_VALUE;
        pending.clear();
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
        long horizon = horizon();
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
            makeRoom();
        }
    }

    /** Puts back an id from a committed segment (on start); ids already outside the window are skipped. */
    public void restore(long hi, long lo, long receivedAt) {
        if (windowMillis <= 0) {
            return;
        }
        if (receivedAt > newest) {
            newest = receivedAt;
        }
        if (receivedAt < horizon()) {
            return;
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

    /**
     * Drops ids older than the window, in place, once the oldest is an eighth of a window past the
     * horizon (so a sweep of the table is paid once per eighth of a window, not per commit).
     */
    public void expire() {
        long horizon = horizon();
        if (oldest < horizon && horizon - oldest >= Math.max(1, windowMillis / 8)) {
            sweep(horizon);
            shrinkIfSparse();
        }
    }

    /** The table is full: expire what is out of the window, then grow, or, at the memory bound, drop the oldest. */
    private void makeRoom() {
        long horizon = horizon();
        if (oldest < horizon) {
            sweep(horizon);
            if (size <= capacity * MAX_LOAD * 0.75) {
                return;
            }
        }
        if (capacity < maxCapacity) {
            resize(capacity << 1);
            return;
        }
        // At the bound: drop the oldest quarter of the time the table spans until it is roomy again.
        while (size > capacity * AFTER_EVICTION_LOAD) {
            // (all at one instant: nothing older to drop, so the instant goes)
            long cut = newest > oldest ? oldest + Math.max(1, (newest - oldest) / 4) : newest + 1;
            evictedBefore = Math.max(evictedBefore, cut);
            sweep(cut);
        }
        evictions++;
    }

    /**
     * Removes every id older than {@code horizon} without a second table: linear probing's
     * backward-shift deletion. The sweep starts just after an empty slot, so no run of occupied slots
     * wraps past its start, and an entry only ever moves back into a slot the sweep has not passed.
     */
    private void sweep(long horizon) {
        long[] t = table;
        int mask = capacity - 1;
        int start = 0;
        while (t[3 * start + 2] != EMPTY) {
            start = (start + 1) & mask; // a table at most 0.6 full always has an empty slot
        }
        start = (start + 1) & mask;
        long newOldest = Long.MAX_VALUE;
        for (int n = 0, i = start; n < capacity; n++, i = (i + 1) & mask) {
            long time;
            while ((time = t[3 * i + 2]) != EMPTY && time < horizon) {
                delete(i); // may move a later entry into slot i: look at it again
            }
            if (time != EMPTY && time < newOldest) {
                newOldest = time;
            }
        }
        oldest = newOldest;
    }

    /** Empties slot {@code hole} and moves back the entries of its run that may no longer be found. */
    private void delete(int hole) {
        long[] t = table;
        int mask = capacity - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long time = t[3 * i + 2];
            if (time == EMPTY) {
                break;
            }
            long lo = t[3 * i + 1];
            int home = (int) (lo ^ (lo >>> 32)) & mask;
            // the entry at i may stay unless its home lies cyclically in (hole, i]
            boolean stays = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!stays) {
                t[3 * hole] = t[3 * i];
                t[3 * hole + 1] = lo;
                t[3 * hole + 2] = time;
                hole = i;
            }
        }
        t[3 * hole + 2] = EMPTY;
        size--;
    }

    private void shrinkIfSparse() {
        if (capacity > MIN_CAPACITY && size < capacity * 0.1) {
            int slots = capacity;
            // halve while the ids would still fill the smaller table at most half of MAX_LOAD
            while (slots > MIN_CAPACITY && (slots >> 1) * MAX_LOAD / 2 >= size) {
                slots >>= 1;
            }
            resize(slots);
        }
    }

    /** Copies the live ids into a table of {@code slots}. */
    private void resize(int slots) {
        long horizon = horizon();
        long[] old = table;
        table = null;
        allocate(slots);
        int mask = slots - 1;
        long newOldest = Long.MAX_VALUE;
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
            newOldest = Math.min(newOldest, time);
            size++;
        }
        oldest = newOldest;
    }

    private void allocate(int slots) {
        capacity = slots;
        table = new long[3 * slots];
        for (int i = 2; i < table.length; i += 3) {
            table[i] = EMPTY;
        }
        size = 0;
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

        public int size() {
            return size;
        }

        /** hi, lo, time of each id in turn; valid up to {@code 3 * size()}. */
        long[] raw() {
            return data;
        }

        public long hi(int i) {
            return data[3 * i];
        }

        public long lo(int i) {
            return data[3 * i + 1];
        }

        public long time(int i) {
            return data[3 * i + 2];
        }

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
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        long k1 = 0;
        long k2 = 0;
        int tail = offset + (blocks << 4);
        switch (length & 15) {
            case 15:
                k2 ^= (long) (a[tail + 14] & 0xff) << 48;
            case 14:
                k2 ^= (long) (a[tail + 13] & 0xff) << 40;
            case 13:
                k2 ^= (long) (a[tail + 12] & 0xff) << 32;
            case 12:
                k2 ^= (long) (a[tail + 11] & 0xff) << 24;
            case 11:
                k2 ^= (long) (a[tail + 10] & 0xff) << 16;
            case 10:
                k2 ^= (long) (a[tail + 9] & 0xff) << 8;
            case 9:
                k2 ^= a[tail + 8] & 0xff;
                k2 *= C2;
                k2 = Long.rotateLeft(k2, 33);
                k2 *= C1;
                h2 ^= k2;
            case 8:
                k1 ^= (long) (a[tail + 7] & 0xff) << 56;
            case 7:
                k1 ^= (long) (a[tail + 6] & 0xff) << 48;
            case 6:
                k1 ^= (long) (a[tail + 5] & 0xff) << 40;
            case 5:
                k1 ^= (long) (a[tail + 4] & 0xff) << 32;
            case 4:
                k1 ^= (long) (a[tail + 3] & 0xff) << 24;
            case 3:
                k1 ^= (long) (a[tail + 2] & 0xff) << 16;
            case 2:
                k1 ^= (long) (a[tail + 1] & 0xff) << 8;
            case 1:
                k1 ^= a[tail] & 0xff;
                k1 *= C1;
                k1 = Long.rotateLeft(k1, 31);
                k1 *= C2;
                h1 ^= k1;
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
        return (a[i] & 0xffL)
                | (a[i + 1] & 0xffL) << 8
                | (a[i + 2] & 0xffL) << 16
                | (a[i + 3] & 0xffL) << 24
                | (a[i + 4] & 0xffL) << 32
                | (a[i + 5] & 0xffL) << 40
                | (a[i + 6] & 0xffL) << 48
                | (a[i + 7] & 0xffL) << 56;
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
