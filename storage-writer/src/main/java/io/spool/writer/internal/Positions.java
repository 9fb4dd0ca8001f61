package io.spool.writer.internal;

/**
 * Where a writer stands in its journal, as its tables record it.
 *
 * @param events last events-journal index whose rows are in the events table (−1: none)
 * @param eventsRejected last events-journal index whose unreadable records are in the rejected table
 * @param deadLetters last dead-letters-journal index in the rejected table
 * @param seq the last commit sequence number either table took
 */
record Positions(long events, long eventsRejected, long deadLetters, long seq) {
    static final Positions NONE = new Positions(-1, -1, -1, 0);
}
