package io.spool.sdk.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The client's counters: the callers' in adders (many writers), the sender's in atomics (one writer). */
public final class Counters {
    public final LongAdder dropped = new LongAdder();
    public final LongAdder invalid = new LongAdder();
    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong retried = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
}
