package io.spool.sdk;

import java.time.Instant;
import java.util.Map;

/**
 * What every event type has in common: who did it, when, its id, and the free-form {@code context} and
 * {@code integrations} objects.
 *
 * <p>An event holds the maps it was given, not copies: they are read once, when the event is passed to
 * {@link Spool#track(Track) track} (or {@code identify}, …), where the event is copied (maps, lists and
 * arrays; their immutable values are kept as they are) to be serialized later. Changes to a map after that
 * call never reach the collector; changes before it do.
 */
public abstract class Event {
    private final String userId;
    private final String anonymousId;
    private final String messageId;
    private final Instant timestamp;
    private final Map<String, ?> context;
    private final Map<String, ?> integrations;

    Event(Builder<?> builder) {
        this.userId = builder.userId;
        this.anonymousId = builder.anonymousId;
        this.messageId = builder.messageId;
        this.timestamp = builder.timestamp;
        this.context = builder.context;
        this.integrations = builder.integrations;
    }

    /** The Segment {@code type} of this event: {@code track}, {@code identify}, … */
    public abstract String type();

    /**
     * What this event lacks of what its type requires, or null when it is complete; checked when the
     * event is passed to the client. Subclasses add their own required fields to this rule.
     */
    String missingField() {
        return isBlank(userId) && isBlank(anonymousId) ? type() + " needs a userId or an anonymousId" : null;
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    public String userId() {
        return userId;
    }

    public String anonymousId() {
        return anonymousId;
    }

    /** The caller's message id, or null when the client should make one (a random UUID). */
    public String messageId() {
        return messageId;
    }

    /** When the event happened, or null for "now" (the moment it is tracked). */
    public Instant timestamp() {
        return timestamp;
    }

    public Map<String, ?> context() {
        return context;
    }

    public Map<String, ?> integrations() {
        return integrations;
    }

    /** Fields every event builder shares. Builders are not thread safe; the events they build are immutable. */
    public abstract static class Builder<B extends Builder<B>> {
        String userId;
        String anonymousId;
        String messageId;
        Instant timestamp;
        Map<String, ?> context;
        Map<String, ?> integrations;

        Builder() {}

        abstract B self();

        /** The app's id for the user. An event needs a user id or an anonymous id (alias needs a user id). */
        public B userId(String userId) {
            this.userId = userId;
            return self();
        }

        public B anonymousId(String anonymousId) {
            this.anonymousId = anonymousId;
            return self();
        }

        /**
         * Sets the message id, which the pipeline uses to remove duplicates (a retried batch can arrive twice).
         * Set it when the app has a natural id for the event; otherwise the client sets a random UUID.
         */
        public B messageId(String messageId) {
            this.messageId = messageId;
            return self();
        }

        /** When the event happened, when that is not "now" (imports, events replayed from the app's own log). */
        public B timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return self();
        }

        /**
         * Extra context (ip, userAgent, app, device, …). The client adds {@code library} (name
         * {@code spool-java} and its version) to it.
         */
        public B context(Map<String, ?> context) {
            this.context = context;
            return self();
        }

        /** Which destinations to send the event to, e.g. {@code {"All": false, "Mixpanel": true}}. */
        public B integrations(Map<String, ?> integrations) {
            this.integrations = integrations;
            return self();
        }
    }
}
