package io.spool.collector.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.spool.journal.EventType;
import java.nio.charset.StandardCharsets;

/** The answer to one request: a status, a JSON body and, for 429, how long to wait. Immutable. */
final class Outcome {
    private static final byte[] SUCCESS = "{\"success\":true}".getBytes(StandardCharsets.US_ASCII);
    static final Outcome OK = new Outcome(200, SUCCESS, 0);

    final int status;
    final byte[] body;
    final long retryAfterSeconds;

    private Outcome(int status, byte[] body, long retryAfterSeconds) {
        this.status = status;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** {@code {"success":false,"error":"<message>"}} with the given status. */
    static Outcome error(int status, String message) {
        return new Outcome(status, errorBody(message), 0);
    }

    /** A failure of our own (a bug, an Error) while storing a request: the client should send it again. */
    static Outcome internalError() {
        return error(500, "internal error; the events may not have been stored, send them again");
    }

    static Outcome tooManyRequests(String message, long retryAfterSeconds) {
        return new Outcome(429, errorBody(message), retryAfterSeconds);
    }

    /** 503 with Retry-After: the collector cannot store events now and expects to soon. */
    static Outcome unavailable(String message, long retryAfterSeconds) {
        return new Outcome(503, errorBody(message), retryAfterSeconds);
    }

    /**
     * The answer to a request whose events were validated and stored: 200; on a single-event path
     * whose event was refused, 400 with its reason; on a batch with refused events, 200 listing them.
     */
    static Outcome forFinished(Workspace ws, EventType single) {
        if (ws.rejected == 0) {
            return OK;
        }
        if (single != null) {
            return error(400, ws.event(0).error);
        }
        return okWithRejections(ws);
    }

    /** A 200 that lists the refused events of a batch: {@code "rejected":[{"index":…,"error":…}]}. */
    static Outcome okWithRejections(Workspace ws) {
        StringBuilder sb = ws.response;
        sb.setLength(0);
        sb.append("{\"success\":true,\"rejected\":[");
        boolean first = true;
        for (int i = 0, n = ws.eventCount(); i < n; i++) {
            ParsedEvent e = ws.event(i);
            if (e.error == null) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"index\":").append(e.index).append(",\"error\":\"");
            JsonStringEncoder.getInstance().quoteAsString(e.error, sb);
            sb.append("\"}");
        }
        sb.append("]}");
        return new Outcome(200, sb.toString().getBytes(StandardCharsets.UTF_8), 0);
    }

    static byte[] errorBody(String message) {
        StringBuilder sb = new StringBuilder(message.length() + 32).append("{\"success\":false,\"error\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, sb);
        return sb.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
