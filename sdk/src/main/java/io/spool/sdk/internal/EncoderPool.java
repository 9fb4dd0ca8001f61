package io.spool.sdk.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Encoders for the threads that call {@code track()} at the same moment. A fixed set of slots, each
 * holding an idle encoder or nothing; a caller takes one (starting from a slot picked by its thread id, so
 * threads rarely meet), and puts it back after use. When all are busy a caller makes a new one, and an
 * encoder that finds no free slot is left to the GC: the pool never holds more than its slot count.
 */
public final class EncoderPool {
    private final AtomicReferenceArray<EventEncoder> slots;
    private final int mask;
    private final int maxEventBytes;
    private final String libraryVersion;
    private final SecureRandom seeds = new SecureRandom();

    public EncoderPool(int maxEventBytes, String libraryVersion) {
        // Enough for every thread that may be inside track() at once, preempted ones included: a miss
        // builds a whole encoder (~20 KB, a generator, a SecureRandom seed).
        int n = Integer.highestOneBit(Math.max(16, Runtime.getRuntime().availableProcessors() * 4) - 1) << 1;
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.maxEventBytes = maxEventBytes;
        this.libraryVersion = libraryVersion;
    }

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+, and any spread will do
    public EventEncoder take() {
        int start = (int) Thread.currentThread().getId();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            EventEncoder e = slots.get(slot);
            if (e != null && slots.compareAndSet(slot, e, null)) {
                return e;
            }
        }
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        return new EventEncoder(maxEventBytes, libraryVersion, seed);
    }

    @SuppressWarnings("deprecation")
    public void give(EventEncoder encoder) {
        int start = (int) Thread.currentThread().getId();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, encoder)) {
                return;
            }
        }
    }
}
