package io.spool.sdk;

import java.util.Map;

/** The builder of an event with {@code traits} (identify, group). */
abstract class TraitsBuilder<B extends TraitsBuilder<B>> extends Event.Builder<B> {
    final Fields traits = new Fields();

    TraitsBuilder() {}

    /** The traits: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public B traits(Map<String, ?> traits) {
        this.traits.all(traits);
        return self();
    }

    /** Adds one trait (to a copy of the map given to {@link #traits}, if any). */
    public B trait(String key, Object value) {
        this.traits.put(key, value);
        return self();
    }
}
