package io.spool.writer.internal;

/**
 * Named points in a commit where a test can make the writer's process die as {@code kill -9} would
 * (halt: no shutdown hooks, no finally blocks, nothing flushed that was not already written), to prove
 * that every phase of a commit recovers. Off unless the system property {@code spool.test.crash-at}
 * names a point; read once, so the check costs a constant comparison in production. Likewise
 * {@code spool.test.out-of-memory-at} names a point where an {@link OutOfMemoryError} is thrown, as a
 * full heap would, to prove the writer stops for good instead of retrying it.
 */
final class CrashPoints {
    private static final String AT = System.getProperty("spool.test.crash-at");
    private static final String OUT_OF_MEMORY_AT = System.getProperty("spool.test.out-of-memory-at");

    /** The phases, in commit order. */
    static final String FILES_CLOSED = "files-closed";

    static final String PUBLISHED = "published";
    static final String REJECTED_COMMITTED = "rejected-committed";
    static final String EVENTS_COMMITTED = "events-committed";
    static final String INTENT_CLEARED = "intent-cleared";
    /** On a Parquet thread, before it writes a run of records. */
    static final String SHARD_WRITE = "shard-write";

    private CrashPoints() {}

    static void reached(String point) {
        if (AT != null && AT.equals(point)) {
            System.err.println("spool test: dying at " + point);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
        if (OUT_OF_MEMORY_AT != null && OUT_OF_MEMORY_AT.equals(point)) {
            throw new OutOfMemoryError("Java heap space (spool test: thrown at " + point + ")");
        }
    }
}
