package io.spool.sdk;

import java.util.Map;

/**
 * Something a user did: {@code Track.builder("Order Completed").userId("u1").properties(props).build()}.
 * The event name is required.
 */
public final class Track extends Event {
    private final String event;
    private final Map<String, ?> properties;

    private Track(Builder builder) {
        super(builder);
        this.event = builder.event;
        this.properties = builder.properties.map();
    }

    public static Builder builder(String event) {
        return new Builder(event);
    }

    @Override
    public String type() {
        return "track";
    }

    @Override
    String missingField() {
        String missing = super.missingField();
        return missing != null || !isBlank(event) ? missing : "track needs an event name";
    }

    public String event() {
        return event;
    }

    public Map<String, ?> properties() {
        return properties;
    }

    /** Builds a track event: the common fields, plus {@code properties} / {@code property}. */
    public static final class Builder extends PropertiesBuilder<Builder> {
        private final String event;

        private Builder(String event) {
            this.event = event;
        }

        @Override
        Builder self() {
            return this;
        }

        public Track build() {
            return new Track(this);
        }
    }
}
