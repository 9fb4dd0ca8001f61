package io.spool.writer.internal;

/**
 * The last journal indexes whose records are in committed files, one per journal queue; −1 when
 * nothing of that queue was committed yet.
 */
public record Checkpoint(long events, long deadLetters) {
    public static final Checkpoint NONE = new Checkpoint(-1, -1);
}
