package io.spool.collector.internal;

import io.spool.collector.internal.BoundedGunzip.NotGzipException;
import io.spool.collector.internal.BoundedGunzip.TooLargeException;
import io.spool.collector.internal.RequestParser.BadRequestException;
import io.spool.journal.EventType;

/**
 * The first steps of ingest, from the body as received to the parsed request in the workspace:
 * inflate (bounded), check UTF-8, parse once. Thread safe; per-request state is in the {@link Workspace}.
 * The fuzz test drives these same steps.
 */
final class RequestDecoder {
    private final RequestParser parser;
    private final int maxRequestBytes;
    private final CollectorMetrics metrics;

    RequestDecoder(RequestParser parser, int maxRequestBytes, CollectorMetrics metrics) {
        this.parser = parser;
        this.maxRequestBytes = maxRequestBytes;
        this.metrics = metrics;
    }

    /**
     * @param ws holds the body as received in {@code ws.wire}, {@code wireLength} bytes from offset 0
     * @param single the event type of a single-event path, or null for a batch path
     * @return null when {@code ws} holds the parsed request, else the answer that refuses it (400, 413)
     */
    Outcome decode(Workspace ws, EventType single, int wireLength, boolean gzip) {
        byte[] body = ws.wire;
        int length = wireLength;
        metrics.received(length, gzip);
        if (gzip) {
            try {
                ws.gunzip.inflate(ws.wire, wireLength, maxRequestBytes);
            } catch (NotGzipException e) {
                return Outcome.error(400, e.getMessage());
            } catch (TooLargeException e) {
                return Outcome.error(413, e.getMessage());
            }
            body = ws.gunzip.array();
            length = ws.gunzip.length();
        } else if (length > maxRequestBytes) {
            return Outcome.error(413, "body is " + length + " bytes, over the limit of " + maxRequestBytes + " bytes");
        }
        metrics.body(length);
        int invalid = Utf8.firstInvalid(body, 0, length);
        if (invalid >= 0) {
            return Outcome.error(400, "body is not valid UTF-8 (at byte " + invalid + ")");
        }
        ws.reset(body, length);
        try {
            if (single == null) {
                parser.parseBatch(ws);
            } else {
                parser.parseSingle(ws, single);
            }
        } catch (BadRequestException e) {
            return Outcome.error(400, e.getMessage());
        }
        return null;
    }
}
