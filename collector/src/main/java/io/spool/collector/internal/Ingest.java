package io.spool.collector.internal;

import io.spool.journal.EventType;
import io.spool.journal.JournalFullException;
import io.spool.journal.JournalSyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work done for one request once its body has arrived, apart from HTTP: inflate (bounded), check
 * UTF-8, parse once, authenticate a body write key, rate-limit, validate and normalize, encode, append
 * to the journal, and decide the answer. Thread safe; per-request state is in the {@link Workspace}.
 */
final class Ingest {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);

    private final Settings settings;
    private final WriteKeys writeKeys;
    private final RequestParser parser = new RequestParser();
    private final RequestDecoder decoder;
    private final EventFinisher finisher;
    private final RateLimiter rateLimiter;
    private final JournalSink sink;
    private final CollectorMetrics metrics;
    private final RefusedKeys refusedKeys;

    Ingest(
            Settings settings,
            WriteKeys writeKeys,
            JournalSink sink,
            CollectorMetrics metrics,
            RefusedKeys refusedKeys) {
        this.refusedKeys = refusedKeys;
        this.settings = settings;
        this.writeKeys = writeKeys;
        this.sink = sink;
        this.metrics = metrics;
        this.decoder = new RequestDecoder(parser, settings.maxRequestBytes(), metrics);
        this.finisher = new EventFinisher(parser, settings.maxEventBytes());
        this.rateLimiter = settings.rateLimit() > 0 ? new RateLimiter(settings.rateLimit()) : null;
    }

    /**
     * Does the whole request: {@link #prepare}, then the append (waiting for fsync) and the answer.
     *
     * @param ws holds the body as received in {@code ws.wire}, {@code wireLength} bytes from offset 0
     * @param single the event type of a single-event path, or null for a batch path
     * @param headerKey the write key from the Authorization header, already accepted, or null
     */
    Outcome process(Workspace ws, EventType single, int wireLength, boolean gzip, String headerKey, String ip) {
        Outcome refused = prepare(ws, single, wireLength, gzip, headerKey, ip);
        if (refused != null) {
            return refused;
        }
        try {
            sink.append(ws);
        } catch (RuntimeException e) {
            return notStored(e);
        }
        return stored(ws, single);
    }

    /**
     * Everything before the append, all of it CPU work that never waits: inflate, check, parse,
     * authenticate, rate-limit, validate, normalize, encode into {@code ws.events} and
     * {@code ws.deadLetters}. Returns null when the workspace is ready to be appended, else the answer
     * that refuses the request (nothing to store).
     */
    Outcome prepare(Workspace ws, EventType single, int wireLength, boolean gzip, String headerKey, String ip) {
        Outcome refused = decoder.decode(ws, single, wireLength, gzip);
        if (refused != null) {
            return refused;
        }

        String key = headerKey;
        if (key == null) {
            key = ws.bodyWriteKey;
            if (key != null && !writeKeys.accepts(key)) {
                refusedKeys.refused(key);
                return Outcome.error(401, "unknown write key");
            }
        }
        if (key == null && !settings.allowAnonymous()) {
            return Outcome.error(
                    401,
                    "missing write key: send it as the Basic auth user name (empty password)"
                            + " or as \"writeKey\" in the body");
        }
        if (rateLimiter != null) {
            long wait = rateLimiter.acquire(key, ws.eventCount(), System.nanoTime());
            if (wait > 0) {
                return Outcome.tooManyRequests(
                        "over the rate limit of " + (long) settings.rateLimit()
                                + " events per second for this write key",
                        wait);
            }
        }

        ws.writeKey = key;
        finisher.finish(ws, settings.clock().millis(), ip, key);
        String unwritable = sink.unwritableReason();
        if (unwritable != null) {
            return Outcome.unavailable("events not stored: " + unwritable, 1);
        }
        return null;
    }

    /**
     * Appends a prepared request without waiting for a sync (so for a journal without fsync, where the
     * events are in the journal when the append returns) and decides its answer.
     */
    Outcome appendUnsynced(Workspace ws, EventType single) {
        try {
            sink.appendUnsynced(ws);
        } catch (RuntimeException e) {
            return notStored(e);
        }
        return stored(ws, single);
    }

    /** The answer to a prepared request whose appends (and sync) succeeded; counts its events. */
    Outcome stored(Workspace ws, EventType single) {
        metrics.events(ws);
        return Outcome.forFinished(ws, single);
    }

    /** The answer when the append or its sync failed: nothing of the request counts as stored. */
    static Outcome notStored(RuntimeException failure) {
        if (failure instanceof JournalFullException) {
            return Outcome.unavailable("events not stored: the journal's disk is full", 1);
        }
        if (failure instanceof JournalSyncException) {
            log.error("The journal's fsync failed, answering 503: {}", failure.getMessage());
            return Outcome.unavailable("events not stored: the journal could not be synced to disk", 1);
        }
        log.warn("Appending to the journal failed, answering 503: {}", failure.toString());
        return Outcome.error(503, "events not stored: the journal cannot take writes");
    }
}
