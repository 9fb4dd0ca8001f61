package io.spool.journal;

/**
 * The journal's disk has no room for an append: nothing of the batch was written, and the journal
 * takes writes again as soon as space returns. Callers answer "not stored" (the collector: 503).
 */
public final class JournalFullException extends RuntimeException {
    JournalFullException(String message) {
        super(message);
    }
}
