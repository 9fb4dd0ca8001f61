package io.spool.collector.internal.console;

import io.undertow.server.handlers.sse.ServerSentEventConnection;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connected console page: the write keys it may see (null for the admin key: all), its filters,
 * and how far it has been sent. The feed's thread reads and advances {@link #lastEventSeq} and
 * {@link #lastLetterSeq}; sends complete on Undertow's I/O thread.
 */
final class Viewer {
    /** Sends allowed to wait unanswered before a slow viewer's updates are skipped (it catches up later). */
    private static final int MAX_PENDING = 4;

    final Set<String> keys;
    final Filter filter;
    private final ServerSentEventConnection connection;
    private final AtomicInteger pending = new AtomicInteger();
    long lastEventSeq = -1;
    long lastLetterSeq = -1;
    boolean greeted;

    Viewer(Set<String> keys, Filter filter, ServerSentEventConnection connection) {
        this.keys = keys;
        this.filter = filter;
        this.connection = connection;
    }

    boolean sees(String writeKey) {
        return keys == null || (writeKey != null && keys.contains(writeKey));
    }

    boolean ready() {
        return connection.isOpen() && pending.get() < MAX_PENDING;
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    void send(String event, String data) {
        pending.incrementAndGet();
        connection.send(data, event, null, new ServerSentEventConnection.EventCallback() {
            @Override
            public void done(ServerSentEventConnection c, String d, String e, String id) {
                pending.decrementAndGet();
            }

            @Override
            public void failed(ServerSentEventConnection c, String d, String e, String id, IOException error) {
                pending.decrementAndGet();
                try {
                    c.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        });
    }

    void close() {
        try {
            connection.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** What a viewer asked to see: each field null when not filtered on. Matching is exact. */
    record Filter(String writeKey, String type, String event, String userId) {
        boolean matches(Captured c) {
            return (writeKey == null || writeKey.equals(c.writeKey()))
                    && (type == null || type.equals(c.type()))
                    && (event == null || event.equals(c.name()))
                    && (userId == null || userId.equals(c.userId()) || userId.equals(c.anonymousId()));
        }
    }

    /** One event as stored, for the list: the fields filtered on, and the whole record as JSON. */
    record Captured(
            long seq,
            String writeKey,
            String type,
            String name,
            String userId,
            String anonymousId,
            long receivedAt,
            String json) {}

    /** One dead letter: its reason and the whole record (payload as received) as JSON. */
    record Letter(long seq, String writeKey, String reason, long receivedAt, String json) {}
}
