package io.spool.writer.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before each write the writer makes to its own state beside the journal (the commit intent,
 * the dedup segments, the positions copy). It does nothing in production; tests make a step fail as a
 * full or broken disk would, to prove that a commit survives its state's disk failing at any step.
 */
@FunctionalInterface
interface StateIo {
    StateIo NONE = (step, file) -> {};

    /** Steps, in the order a commit reaches them. */
    String INTENT_WRITE = "intent-write";

    String DEDUP_WRITE = "dedup-write";
    String DEDUP_PUBLISH = "dedup-publish";
    String DEDUP_SYNC = "dedup-sync";
    String INTENT_CLEAR = "intent-clear";
    String POSITIONS_WRITE = "positions-write";

    void before(String step, Path file) throws IOException;
}
