package io.spool.collector.internal;

import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RawJson;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a request's parsed events into journal records: validates each one, normalizes the good ones
 * (receivedAt, ip, write key, messageId, timestamp, the batch's context and integrations merged under
 * the event's own) and encodes them into the workspace's event batch; each refused one becomes a dead
 * letter with its reason and its JSON as sent. Stateless; thread safe.
 */
final class EventFinisher {
    private final RequestParser parser;
    private final int maxEventBytes;

    EventFinisher(RequestParser parser, int maxEventBytes) {
        this.parser = parser;
        this.maxEventBytes = maxEventBytes;
    }

    void finish(Workspace ws, long receivedAt, String ip, String writeKey) {
        for (int i = 0, n = ws.eventCount(); i < n; i++) {
            ParsedEvent e = ws.event(i);
            if (e.error == null) {
                validate(e);
            }
            if (e.error != null) {
                ws.rejected++;
                ws.rejectedByType[e.record.type() == null ? 0 : e.record.type().code()]++;
                ws.deadLetter
                        .clear()
                        .receivedAt(receivedAt)
                        .batchIndex(e.index)
                        .reason(e.error)
                        .writeKey(writeKey)
                        .ip(ip)
                        .payload()
                        .set(ws.body, e.start, e.end - e.start);
                ws.deadLetters.add(ws.deadLetter);
                continue;
            }
            EventRecord r = e.record;
            // Segment's rule: the client's own context.ip when it sent one (a server library relaying its
            // users' events sends theirs), else the connection's address. The ip of the stored context
            // decides: the event's own member, else the batch context's merged under it.
            String contextIp = e.contextHasIp ? e.contextIp : ws.batchContext.present ? ws.batchContext.ip : null;
            String clientIp = contextIp != null ? contextIp : ip;
            r.receivedAt(receivedAt).ip(clientIp).writeKey(writeKey);
            if (r.messageId() == null) {
                r.messageId(randomId());
            }
            if (r.sentAt() == EventRecord.NO_TIME) {
                r.sentAt(ws.batchSentAt);
            }
            r.timestamp(timestamp(r));
            if (ws.batchContext.present) {
                mergeContext(ws, e);
            }
            if (ws.batchIntegrations.present) {
                merge(ws, r.integrations(), ws.batchIntegrations, ws.mergedIntegrations);
            }
            ws.events.add(r);
            ws.acceptedByType[r.type().code()]++;
        }
    }

    private void validate(ParsedEvent e) {
        EventRecord r = e.record;
        EventType type = r.type();
        if (type == null) {
            e.fail("type is missing");
        } else if (type == EventType.ALIAS) {
            if (r.userId() == null || r.previousId() == null) {
                e.fail("alias needs userId and previousId");
            }
        } else if (r.userId() == null && r.anonymousId() == null) {
            e.fail("userId or anonymousId is required");
        } else if (type == EventType.TRACK && (r.event() == null || r.event().isEmpty())) {
            e.fail("track needs an event name");
        } else if (type == EventType.GROUP && r.groupId() == null) {
            e.fail("group needs a groupId");
        }
        if (e.error == null && e.size() > maxEventBytes) {
            e.fail("event is " + e.size() + " bytes, over the limit of " + maxEventBytes + " bytes");
        }
    }

    /**
     * The event time: its own {@code timestamp} when given; else {@code originalTimestamp} corrected for
     * the client's clock skew, {@code receivedAt − (sentAt − originalTimestamp)}; else receivedAt.
     */
    static long timestamp(EventRecord r) {
        if (r.timestamp() != EventRecord.NO_TIME) {
            return r.timestamp();
        }
        if (r.originalTimestamp() != EventRecord.NO_TIME) {
            if (r.sentAt() != EventRecord.NO_TIME) {
                return r.receivedAt() - (r.sentAt() - r.originalTimestamp());
            }
            return r.originalTimestamp();
        }
        return r.receivedAt();
    }

    private void mergeContext(Workspace ws, ParsedEvent e) {
        EventRecord r = e.record;
        ObjectSlice batch = ws.batchContext;
        if (!e.contextHasLibrary && batch.hasLibrary) {
            r.libraryName(batch.libraryName).libraryVersion(batch.libraryVersion);
        }
        if (!e.contextHasUserAgent && batch.hasUserAgent) {
            r.userAgent(batch.userAgent);
        }
        merge(ws, r.context(), batch, ws.mergedContext);
    }

    /**
     * Puts the batch-level object's members under the event's own (the event's keys win), by copying
     * bytes: {@code {<event members>, <batch members the event lacks>}}.
     */
    private void merge(Workspace ws, RawJson own, ObjectSlice batch, GrowableBytes out) {
        if (!own.isPresent()) {
            own.set(ws.body, batch.start, batch.end - batch.start);
            return;
        }
        if (batch.count == 0) {
            return;
        }
        parser.keysOf(own, ws.keys);
        byte[] a = own.array();
        int from = own.offset() + 1;
        int to = own.offset() + own.length() - 1;
        while (from < to && RequestParser.isSpace(a[from])) {
            from++;
        }
        while (to > from && RequestParser.isSpace(a[to - 1])) {
            to--;
        }
        out.clear().append((byte) '{').append(a, from, to - from);
        boolean empty = to == from;
        for (int m = 0; m < batch.count; m++) {
            if (ws.keys.contains(batch.keys[m])) {
                continue;
            }
            if (!empty) {
                out.append((byte) ',');
            }
            out.append(ws.body, batch.memberStart[m], batch.memberEnd[m] - batch.memberStart[m]);
            empty = false;
        }
        out.append((byte) '}');
        own.set(out.array(), 0, out.length());
    }

    /** A random (version 4) UUID; not from SecureRandom, which a message id does not need and which contends. */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
