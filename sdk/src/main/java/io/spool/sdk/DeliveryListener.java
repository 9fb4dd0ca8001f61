package io.spool.sdk;

/**
 * Hears what happened to events. Every method has an empty default; implement the ones you need.
 *
 * <p>Threads: {@link #onDelivered} and {@link #onFailed} run on the client's sender threads
 * ({@code spool-sender-N}): with {@link Spool.Builder#maxRequestsInFlight} above 1, on several at once, so
 * a listener that keeps state must be thread safe. {@link #onDropped} and {@link #onInvalid} run on the
 * thread that called
 * {@code track()} (or {@code identify()}, …). No method is ever called while the client holds a lock, so a
 * listener may call back into the client: {@code track()}, {@code flush()} and {@code stats()} are safe.
 * Keep them quick: while {@code onDelivered} runs, its sender sends nothing. An exception thrown by a listener is
 * logged and otherwise ignored.
 */
public interface DeliveryListener {
    /** A batch of {@code events} events was accepted by the collector (HTTP 2xx). */
    default void onDelivered(int events) {}

    /** A batch was given up on; its events' message ids are in the failure. */
    default void onFailed(DeliveryFailure failure) {}

    /**
     * A valid event was not queued. {@code event.messageId()} is null when the client would have made the
     * id.
     */
    default void onDropped(Event event, DropReason reason) {}

    /** An invalid event was refused; only called under {@link InvalidEventPolicy#REPORT}. */
    default void onInvalid(Event event, InvalidEventException error) {}
}
