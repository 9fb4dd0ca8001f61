package io.spool.collector.internal;

import io.spool.journal.EventRecord;

/**
 * One event of a request between parsing and encoding: the record being filled, where the event's
 * JSON sits in the body (for its size and, when refused, the dead letter), and why it was refused.
 * Reused from request to request.
 */
final class ParsedEvent {
    final EventRecord record = new EventRecord();
    int index;
    int start;
    int end;
    String error;
    /** Whether the event's own context has these top-level keys (they shadow the batch context's). */
    boolean contextHasLibrary;

    boolean contextHasUserAgent;
    /** The event's own {@code context.ip}, or null. */
    String contextIp;

    boolean contextHasIp;

    ParsedEvent reset(int index) {
        record.clear();
        this.index = index;
        start = end = 0;
        error = null;
        contextHasLibrary = contextHasUserAgent = false;
        contextIp = null;
        contextHasIp = false;
        return this;
    }

    /** Records the first reason the event is refused; later ones add nothing for the client. */
    void fail(String reason) {
        if (error == null) {
            error = reason;
        }
    }

    int size() {
        return end - start;
    }
}
