package io.spool.collector.internal.console;

import java.net.URI;

/**
 * The console's settings, validated by {@code Collector.Builder}.
 *
 * @param enabled whether {@code /console} is served at all (off by default: it shows stored events)
 * @param adminKey the key that sees every write key's events; null for none
 * @param writerMetrics the storage writer's Prometheus endpoint, for its lag; null when not known
 */
public record ConsoleSettings(boolean enabled, String adminKey, URI writerMetrics) {
    public static final ConsoleSettings OFF = new ConsoleSettings(false, null, null);
}
