package io.spool.collector.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The collector's settings, already validated by {@code Collector.Builder}. Immutable.
 *
 * @param rateLimit events per second per write key; 0 turns rate limiting off
 * @param maxConnections open connections past which the collector stops accepting new ones
 * @param maxHeaderBytes the largest request line and headers together
 * @param tls the server's TLS context, loaded from the keystore; null to serve plain HTTP
 * @param tlsKeystore where {@code tls} came from, for the start-up line; null with {@code tls}
 * @param metricsKey the bearer token {@code /metrics} requires; null leaves it open
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
        int maxConnections,
        int maxHeaderBytes,
        SSLContext tls,
        Path tlsKeystore,
        String metricsKey,
        Clock clock) {}
