package io.spool.benchmarks.sdk;

import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import io.spool.sdk.DeliveryListener;

/**
 * Events each client reports as accepted by the server (a 2xx): Spool's {@code onDelivered}, Segment's
 * {@code Callback.success}. Counting on the client side lets the server answer without inflating or
 * parsing anything — the same work for a gzipped and a plain body.
 */
final class Delivered implements DeliveryListener, Callback {
    private long events;

    @Override
    public synchronized void onDelivered(int count) {
        events += count;
        notifyAll();
    }

    @Override
    public synchronized void success(Message message) {
        events++;
        notifyAll();
    }

    @Override
    public void failure(Message message, Throwable throwable) {}

    synchronized long events() {
        return events;
    }

    /** Waits (without spinning: the machine has two cores) until {@code target} events are delivered. */
    synchronized boolean await(long target, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (events < target) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
