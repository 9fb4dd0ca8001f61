package io.spool.collector.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code write_key} label of the events metric, and how a write key is shown in logs: a short
 * prefix ({@code "k3Fz…"}), never the key. Why a prefix: keys carry no names in the configuration, a
 * prefix is what an operator recognizes of the key they handed out, and {@code /metrics} may be open
 * (no {@code --metrics-key}), so the full key would leak to anyone who can scrape. Four characters of a
 * key of eight or more leave the rest secret; a shorter key shows half of itself.
 *
 * <p>The label set is bounded: the first {@value #MAX_LABELLED} configured keys (in the order given),
 * or, on an open collector (no key configured, any accepted), the first {@value #MAX_LABELLED}
 * distinct keys seen; every other key is counted as {@code other}, requests without a key as
 * {@code anonymous}. Thread safe.
 *
 * @param <T> what each label carries (the metric's data points for that key)
 */
final class KeyLabels<T> {
    static final int MAX_LABELLED = 64;
    static final String OTHER = "other";
    static final String ANONYMOUS = "anonymous";

    /** Makes the holder of one label. */
    interface Factory<T> {
        T create(String label);
    }

    private final Factory<T> factory;
    private final boolean open;
    private final Map<String, T> byKey;
    private final T other;
    private final T anonymous;

    KeyLabels(Set<String> configured, Factory<T> factory) {
        this.factory = factory;
        this.open = configured.isEmpty();
        this.other = factory.create(OTHER);
        this.anonymous = factory.create(ANONYMOUS);
        if (open) {
            this.byKey = new ConcurrentHashMap<>();
        } else {
            Map<String, T> fixed = new HashMap<>();
            Set<String> used = new java.util.HashSet<>();
            for (String key : configured) {
                if (fixed.size() == MAX_LABELLED) {
                    break;
                }
                fixed.put(key, factory.create(unique(prefix(key), used)));
            }
            this.byKey = Map.copyOf(fixed);
        }
    }

    /** Two keys with the same prefix get {@code abcd…}, {@code abcd…#2}: their counts stay apart. */
    private static String unique(String label, Set<String> used) {
        String l = label;
        for (int i = 2; !used.add(l); i++) {
            l = label + "#" + i;
        }
        return l;
    }

    /** The holder of {@code key}'s label: one map lookup (per request, not per event). */
    T of(String key) {
        if (key == null) {
            return anonymous;
        }
        T t = byKey.get(key);
        if (t != null) {
            return t;
        }
        if (!open || byKey.size() >= MAX_LABELLED) {
            return other;
        }
        // Open collector, a new key while labels are left. A race past the cap adds a label or two at
        // most (one per I/O thread), still bounded.
        return ((ConcurrentHashMap<String, T>) byKey).computeIfAbsent(key, k -> factory.create(prefix(k)));
    }

    /** How a key is shown: its first four characters (of a shorter key, half) and an ellipsis. */
    static String prefix(String key) {
        int n = Math.min(4, key.length() / 2);
        StringBuilder b = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            b.append(c >= 0x21 && c <= 0x7e ? c : '?'); // a label or log line that stays printable
        }
        return b.append('…').toString();
    }
}
