package io.spool.collector.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per write key, in events per second, holding at most one second's worth. A request
 * goes through when the bucket holds its events (a batch larger than a second's worth needs a full
 * bucket and overdraws it: a batch is never split); otherwise the client is told how long to wait. Thread safe: one small lock per key, never across keys.
 */
final class RateLimiter {
    /**
     * An open collector (no keys configured) accepts any key, so a client could grow the map without
     * bound by inventing keys; past this many the buckets start afresh (generous, and bounded).
     */
    private static final int MAX_KEYS = 10_000;

    private final double eventsPerSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double eventsPerSecond) {
        this.eventsPerSecond = eventsPerSecond;
    }

    /**
     * Takes {@code events} tokens from the key's bucket.
     *
     * @return 0 when the request may go on, else how many whole seconds the client should wait
     */
    long acquire(String key, int events, long nowNanos) {
        if (buckets.size() > MAX_KEYS) {
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(key == null ? "" : key, k -> new Bucket(eventsPerSecond, nowNanos));
        synchronized (bucket) {
            double elapsed = (nowNanos - bucket.updatedNanos) / 1e9;
            bucket.tokens = Math.min(eventsPerSecond, bucket.tokens + elapsed * eventsPerSecond);
            bucket.updatedNanos = nowNanos;
            double needed = Math.min(events, eventsPerSecond);
            if (bucket.tokens < needed) {
                return Math.max(1, (long) Math.ceil((needed - bucket.tokens) / eventsPerSecond));
            }
            bucket.tokens -= events;
            return 0;
        }
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
