package io.spool.sdk;

/** What {@code track()} (and the other calls) do with an {@link InvalidEventException invalid event}. */
public enum InvalidEventPolicy {
    /** Throw {@link InvalidEventException} from the call (the default: an invalid event is a bug). */
    THROW,
    /**
     * Refuse the event, count it in {@link Stats#invalid()} and hand it to
     * {@link DeliveryListener#onInvalid} on the calling thread; never throw into app code.
     */
    REPORT
}
