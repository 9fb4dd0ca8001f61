package io.spool.sdk;

import java.util.Map;

/** The builder of an event with {@code properties} (track, page, screen). */
abstract class PropertiesBuilder<B extends PropertiesBuilder<B>> extends Event.Builder<B> {
    final Fields properties = new Fields();

    PropertiesBuilder() {}

    /** The event's properties: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public B properties(Map<String, ?> properties) {
        this.properties.all(properties);
        return self();
    }

    /** Adds one property (to a copy of the map given to {@link #properties}, if any). */
    public B property(String key, Object value) {
        this.properties.put(key, value);
        return self();
    }
}
