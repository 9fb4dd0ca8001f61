package io.spool.collector.internal;

import io.spool.journal.BatchEncoder;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Everything one request needs between its body arriving and its answer: parsed events, encoders,
 * the gzip inflater and scratch buffers. Taken from a {@link WorkspacePool} for one request and given
 * back afterwards, so the hot path allocates none of it per request. Owned by one thread at a time.
 */
final class Workspace {
    /** Past this many events a workspace drops its holders when given back, so one huge request does not pin memory. */
    private static final int RETAINED_EVENTS = 4096;
    /** Past this size a workspace drops its wire buffer when given back, for the same reason. */
    private static final int RETAINED_WIRE_BYTES = 1 << 20;

    final BatchEncoder events = new BatchEncoder(64 * 1024);
    final BatchEncoder deadLetters = new BatchEncoder(4 * 1024);
    final DeadLetterRecord deadLetter = new DeadLetterRecord();
    final BoundedGunzip gunzip = new BoundedGunzip();
    final ObjectSlice batchContext = new ObjectSlice();
    final ObjectSlice batchIntegrations = new ObjectSlice();
    final ObjectSlice scratch = new ObjectSlice();
    final GrowableBytes mergedContext = new GrowableBytes();
    final GrowableBytes mergedIntegrations = new GrowableBytes();
    final Set<String> keys = new HashSet<>();
    final StringBuilder response = new StringBuilder(256);
    final JsonCursor json = new JsonCursor();

    /** The body as received (before inflating), from offset 0; grows as needed, reused. */
    byte[] wire = new byte[64 * 1024];

    private ByteBuffer wireBuffer = ByteBuffer.wrap(wire);

    /** The (inflated) body being parsed; JSON slices of the records point into it. */
    byte[] body;

    int bodyLength;
    String bodyWriteKey;
    long batchSentAt;
    int rejected;
    /** The request's write key once authenticated (null: anonymous), for the events metric. */
    String writeKey;
    /**
     * The request's events by type code (slot 0: no valid type), counted as {@link EventFinisher}
     * decides each one, so that the metrics are updated once per request and type, not per event.
     */
    static final int TYPE_SLOTS = 7;

    final int[] acceptedByType = new int[TYPE_SLOTS];
    final int[] rejectedByType = new int[TYPE_SLOTS];

    /** Set while the workspace waits for the {@link AppendLoop}: the path's event type (or null), and who answers. */
    io.spool.journal.EventType single;

    java.util.function.Consumer<Outcome> done;
    /** The appends' sequences for {@link JournalSink#awaitSync}; 0 when nothing was appended to that queue. */
    long eventsSequence;

    long deadLettersSequence;

    private ParsedEvent[] parsed = new ParsedEvent[128];
    private int count;

    Workspace() {
        for (int i = 0; i < parsed.length; i++) {
            parsed[i] = new ParsedEvent();
        }
    }

    Workspace reset(byte[] body, int bodyLength) {
        this.body = body;
        this.bodyLength = bodyLength;
        bodyWriteKey = null;
        batchSentAt = EventRecord.NO_TIME;
        rejected = 0;
        writeKey = null;
        java.util.Arrays.fill(acceptedByType, 0);
        java.util.Arrays.fill(rejectedByType, 0);
        count = 0;
        batchContext.reset();
        batchIntegrations.reset();
        events.reset();
        deadLetters.reset();
        return this;
    }

    /** Makes the wire buffer hold at least {@code capacity} bytes (its content is not kept). */
    void ensureWireCapacity(int capacity) {
        if (wire.length < capacity) {
            wire = new byte[capacity];
            wireBuffer = ByteBuffer.wrap(wire);
        }
    }

    /** Grows the wire buffer to {@code capacity}, keeping its content. */
    void growWire(int capacity) {
        wire = java.util.Arrays.copyOf(wire, capacity);
        wireBuffer = ByteBuffer.wrap(wire);
    }

    /** The free part of the wire buffer from {@code position}, to read into. */
    ByteBuffer wireBuffer(int position) {
        wireBuffer.limit(wire.length).position(position);
        return wireBuffer;
    }

    ParsedEvent addEvent() {
        if (count == parsed.length) {
            ParsedEvent[] bigger = java.util.Arrays.copyOf(parsed, count * 2);
            for (int i = count; i < bigger.length; i++) {
                bigger[i] = new ParsedEvent();
            }
            parsed = bigger;
        }
        ParsedEvent e = parsed[count];
        e.reset(count);
        count++;
        return e;
    }

    int eventCount() {
        return count;
    }

    ParsedEvent event(int i) {
        return parsed[i];
    }

    /** Lets go of the request's body and of holders grown for an unusually large request. */
    void release() {
        body = null;
        done = null;
        for (int i = 0; i < count; i++) {
            parsed[i].record.clear();
        }
        if (wire.length > RETAINED_WIRE_BYTES) {
            wire = new byte[64 * 1024];
            wireBuffer = ByteBuffer.wrap(wire);
        }
        if (parsed.length > RETAINED_EVENTS) {
            parsed = java.util.Arrays.copyOf(parsed, RETAINED_EVENTS);
        }
        count = 0;
    }
}
