package io.spool.sdk;

import java.util.List;

/** A batch of events that was given up on: it will not be sent again. */
public final class DeliveryFailure {
    /** Why a batch was given up on. */
    public enum Reason {
        /** The collector answered with a 4xx other than 408 or 429 (bad write key, too large, …). */
        REJECTED,
        /** Retriable errors (I/O, 5xx, 408, 429) went on past the delivery timeout. */
        RETRIES_EXHAUSTED,
        /** {@code close()} reached its deadline before the batch could be delivered. */
        CLOSED,
        /**
         * The event came out over {@code maxEventBytes} once encoded on the sender thread (escapes or
         * non-ASCII text made it larger than it looked at the call) and was not sent.
         */
        TOO_LARGE
    }

    private final Reason reason;
    private final List<String> messageIds;
    private final int statusCode;
    private final String message;
    private final Throwable cause;

    public DeliveryFailure(Reason reason, List<String> messageIds, int statusCode, String message, Throwable cause) {
        this.reason = reason;
        this.messageIds = List.copyOf(messageIds);
        this.statusCode = statusCode;
        this.message = message;
        this.cause = cause;
    }

    public Reason reason() {
        return reason;
    }

    /** The message ids of every event in the batch, in the order they were tracked. */
    public List<String> messageIds() {
        return messageIds;
    }

    /** The last HTTP status the collector answered, or 0 when there was none (I/O error, closed). */
    public int statusCode() {
        return statusCode;
    }

    /** What went wrong, for a log line: the collector's error text, or the I/O error. */
    public String message() {
        return message;
    }

    /** The last I/O error, or null. */
    public Throwable cause() {
        return cause;
    }

    @Override
    public String toString() {
        return "DeliveryFailure{" + reason + ", " + messageIds.size() + " events, status " + statusCode + ": " + message
                + "}";
    }
}
