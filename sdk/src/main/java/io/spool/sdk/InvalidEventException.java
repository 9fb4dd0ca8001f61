package io.spool.sdk;

/**
 * An event the collector would refuse: no user id or anonymous id, an alias without its ids, a track
 * without its event name, a group without its group id, a value that is not JSON-able, or more bytes than
 * the per-event limit. A programming error, so by default it is thrown from {@code track()} (see
 * {@link InvalidEventPolicy}).
 */
public final class InvalidEventException extends IllegalArgumentException {
    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
