package io.spool.sdk;

import java.util.Map;

/** What a page view and a screen view share: an optional name and the properties. */
abstract class ViewEvent extends Event {
    private final String name;
    private final Map<String, ?> properties;

    ViewEvent(Builder<?> builder) {
        super(builder);
        this.name = builder.name;
        this.properties = builder.properties.map();
    }

    /** The name, or null. */
    public String name() {
        return name;
    }

    public Map<String, ?> properties() {
        return properties;
    }

    abstract static class Builder<B extends Builder<B>> extends PropertiesBuilder<B> {
        private final String name;

        Builder(String name) {
            this.name = name;
        }
    }
}
