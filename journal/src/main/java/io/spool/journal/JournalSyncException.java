package io.spool.journal;

/**
 * An append with fsync on could not be forced to disk: the records are in the journal's file but may
 * not survive a power loss. Callers must not report them as durably stored (the collector: 503).
 */
public final class JournalSyncException extends RuntimeException {
    JournalSyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
