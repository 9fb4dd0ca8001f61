package io.spool.collector.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The collector's settings, already validated by {@code Collector.Builder}. Immutable.
 *
 * @param rateLimit events per second per write key; 0 turns rate limiting off
 */
public record Settings(
        String host,
        int port,
        Set<String> writeKeys,
        boolean allowAnonymous,
        boolean trustProxy,
        int maxEventBytes,
        int maxRequestBytes,
        double rateLimit,
        long minFreeDiskBytes,
        int ioThreads,
        int workerThreads,
        Duration readTimeout,
        Duration shutdownTimeout,
        Clock clock) {
}
