package io.spool.journal;

/** A record that this version of Spool cannot decode: written by a newer format, or corrupt. */
public final class JournalFormatException extends RuntimeException {
    public JournalFormatException(String message) {
        super(message);
    }
}
