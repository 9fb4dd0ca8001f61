package io.spool.writer.internal;

/**
 * Named points in a commit where a test can make the writer's process die as {@code kill -9} would
 * (halt: no shutdown hooks, no finally blocks, nothing flushed that was not already written), to prove
 * that every phase of a commit recovers. Off unless the system property {@code spool.test.crash-at}
 * names a point; read once, so the check costs a constant comparison in production.
 */
final class CrashPoints {
    private static final String AT = System.getProperty("spool.test.crash-at");

    /** The phases, in commit order. */
    static final String FILES_CLOSED = "files-closed";
    static final String PUBLISHED = "published";
    static final String REJECTED_COMMITTED = "rejected-committed";
    static final String EVENTS_COMMITTED = "events-committed";
    static final String INTENT_CLEARED = "intent-cleared";

    private CrashPoints() {
    }

    static void reached(String point) {
        if (AT != null && AT.equals(point)) {
            System.err.println("spool test: dying at " + point);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
