package io.spool.collector.internal;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads a request body into the workspace's reusable buffer without blocking: whatever the socket has
 * now is read at once, the rest as it arrives (the I/O thread calls back). Undertow's own
 * {@code receiveFullBytes} would do the same through a fresh growing stream and a final copy, two
 * body-sized allocations per request; at tens of thousands of requests a second that garbage is what
 * the collector would spend its time collecting.
 *
 * <p>A body over the limit is read on and thrown away (up to {@link #DISCARD_FACTOR} times the limit)
 * before the 413 goes out: a server that answers while the client is still sending, then closes, makes
 * the client's kernel see a reset instead of the answer. Past that bound the connection is cut.
 */
final class BodyReader implements ChannelListener<StreamSourceChannel> {
    /** What to do once the body is in (or could not be read); called on an I/O or worker thread. */
    interface Callback {
        void onBody(HttpServerExchange exchange, Workspace ws, int length);

        void onTooLarge(HttpServerExchange exchange, Workspace ws);

        void onFailure(HttpServerExchange exchange, Workspace ws, IOException e);
    }

    /** How much of an oversized body is read and dropped, in multiples of the limit, to deliver the 413. */
    static final int DISCARD_FACTOR = 8;
    /** Nothing can be written into it, so it is safe to share between threads. */
    private static final ByteBuffer END_PROBE = ByteBuffer.allocate(0);

    private final HttpServerExchange exchange;
    private final Workspace ws;
    private final int maxBytes;
    private final long contentLength;
    private final Callback callback;
    private final StreamSourceChannel channel;
    private int length;
    private boolean discarding;
    private long discarded;

    private BodyReader(HttpServerExchange exchange, Workspace ws, int maxBytes, Callback callback) {
        this.exchange = exchange;
        this.ws = ws;
        this.maxBytes = maxBytes;
        this.contentLength = exchange.getRequestContentLength();
        this.callback = callback;
        this.channel = exchange.getRequestChannel();
        ws.ensureWireCapacity(contentLength >= 0 ? (int) Math.min(contentLength, maxBytes + 1L) : 16 * 1024);
        this.discarding = contentLength > maxBytes;
    }

    /** Starts reading; the callback runs once, when the body is complete or has failed. */
    static void read(HttpServerExchange exchange, Workspace ws, int maxBytes, Callback callback) {
        BodyReader reader = new BodyReader(exchange, ws, maxBytes, callback);
        if (reader.channel == null) {
            callback.onFailure(exchange, ws, new IOException("the request body was already read"));
            return;
        }
        reader.readAvailable();
    }

    @Override
    public void handleEvent(StreamSourceChannel ignored) {
        readAvailable();
    }

    private void readAvailable() {
        try {
            while (true) {
                if (discarding) {
                    int read = channel.read(ws.wireBuffer(0));
                    if (read == 0) {
                        channel.getReadSetter().set(this);
                        channel.resumeReads();
                        return;
                    }
                    if (read > 0) {
                        discarded += read;
                    }
                    if (read < 0 || discarded > (long) DISCARD_FACTOR * maxBytes) {
                        done();
                        callback.onTooLarge(exchange, ws);
                        return;
                    }
                    continue;
                }
                if (contentLength >= 0 && length == contentLength) {
                    // One more read, which returns -1 without touching the socket, is what tells Undertow
                    // the body is over: without it the request never counts as complete, and every answer
                    // would close a connection the client meant to reuse.
                    channel.read(END_PROBE);
                    done();
                    callback.onBody(exchange, ws, length);
                    return;
                }
                if (length == ws.wire.length) {
                    ws.growWire((int) Math.min((long) length * 2, maxBytes + 1L));
                }
                ByteBuffer target = ws.wireBuffer(length);
                int read = channel.read(target);
                if (read < 0) {
                    done();
                    callback.onBody(exchange, ws, length);
                    return;
                }
                if (read == 0) {
                    channel.getReadSetter().set(this);
                    channel.resumeReads();
                    return;
                }
                length += read;
                if (length > maxBytes) {
                    discarding = true;
                    discarded = length;
                }
            }
        } catch (RequestTooBigException e) {
            done();
            callback.onTooLarge(exchange, ws);
        } catch (IOException e) {
            done();
            callback.onFailure(exchange, ws, e);
        }
    }

    private void done() {
        channel.getReadSetter().set(null);
        channel.suspendReads();
    }
}
