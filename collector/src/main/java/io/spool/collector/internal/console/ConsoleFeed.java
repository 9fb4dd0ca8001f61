package io.spool.collector.internal.console;

import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalBatch;
import io.spool.journal.JournalFormatException;
import io.spool.journal.JournalTailer;
import io.spool.journal.RecordField;
import io.spool.journal.RecordJson;
import io.spool.journal.RecordView;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console shows, read back from the journal by a thread of its own that runs only while a
 * viewer is connected: the ingest path does not know the console exists, so with nobody watching it
 * costs nothing, and what a viewer sees is the events as stored, not as sent.
 *
 * <p>The thread reads every record (to count rates by write key and type), keeps a bounded ring of
 * the newest events and dead letters (at most {@link #CAPTURE_PER_SECOND} a second are decoded into
 * it; beyond that it samples), feeds the schema view from the ring's events, and every
 * {@link #TICK_MILLIS} sends each viewer what is new for it, filtered by the keys it holds.
 */
public final class ConsoleFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);
    static final int RING = 1_000;
    static final int LETTER_RING = 200;
    static final int CAPTURE_PER_SECOND = 1_000;
    static final long TICK_MILLIS = 250;
    static final int MAX_PER_UPDATE = 200;
    /** The thread stays this long after the last viewer leaves, so that a reloaded page finds it warm. */
    static final long LINGER_MILLIS = 5_000;

    private static final int RECENT_EXCERPTS = 20;
    /**
     * Excerpts (requests) the feed may trail the journal's end by before it skips ahead: one core
     * reading back what two cores write would otherwise show older and older events under full load.
     */
    static final long MAX_BEHIND_EXCERPTS = 1_000;

    private final Journal journal;
    private final WriterStatus writer;
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean closed;

    // Owned by the feed's thread.
    private final ArrayDeque<Viewer.Captured> ring = new ArrayDeque<>(RING);
    private final ArrayDeque<Viewer.Letter> letters = new ArrayDeque<>(LETTER_RING);
    private final RateWindow rates = new RateWindow();
    private final SchemaStats schema = new SchemaStats();
    private final KeyCache keys = new KeyCache();
    private final DeadLetterRecord letter = new DeadLetterRecord();
    private final StringBuilder json = new StringBuilder(2048);
    private long seq;
    private long lastEventIndex = Long.MIN_VALUE;
    private long lastLetterIndex = Long.MIN_VALUE;
    private long captureSecond;
    private int capturedThisSecond;
    private long seenTotal;
    private long sampledOut;
    private long skippedAhead;
    private int ticks;

    public ConsoleFeed(Journal journal, URI writerMetrics) {
        this.journal = journal;
        this.writer = new WriterStatus(writerMetrics);
    }

    /** Adds a viewer; starts the reading thread if it is not running. */
    void subscribe(Viewer viewer) {
        viewers.add(viewer);
        synchronized (lifecycle) {
            if (closed) {
                viewer.close();
                return;
            }
            if (thread == null) {
                thread = new Thread(this::run, "spool-console-feed");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    void unsubscribe(Viewer viewer) {
        viewers.remove(viewer);
    }

    /** Whether the reading thread is running (tests check that it stops when nobody watches). */
    boolean running() {
        synchronized (lifecycle) {
            return thread != null;
        }
    }

    private void run() {
        long idleSince = -1;
        try (JournalTailer events = journal.events().newTailer().toRecent(RECENT_EXCERPTS);
                JournalTailer deadLetters = journal.deadLetters().newTailer().toRecent(RECENT_EXCERPTS)) {
            long nextTick = 0;
            while (!closed) {
                boolean read = false;
                for (int i = 0; i < 64 && events.readBatch(this::onEvents); i++) {
                    read = true;
                }
                for (int i = 0; i < 16 && deadLetters.readBatch(this::onDeadLetters); i++) {
                    read = true;
                }
                long now = System.currentTimeMillis();
                if (now >= nextTick) {
                    nextTick = now + TICK_MILLIS;
                    long last = journal.events().lastIndex();
                    if (lastEventIndex != Long.MIN_VALUE && last - lastEventIndex > MAX_BEHIND_EXCERPTS) {
                        // Within one hourly file indexes count excerpts; across files the gap is huge
                        // and skipping to the newest file is right too.
                        events.toRecent(RECENT_EXCERPTS);
                        skippedAhead++;
                    }
                    tick(now);
                    viewers.removeIf(v -> !v.isOpen());
                    if (viewers.isEmpty()) {
                        if (idleSince < 0) {
                            idleSince = now;
                        } else if (now - idleSince >= LINGER_MILLIS && stopIfIdle()) {
                            return;
                        }
                    } else {
                        idleSince = -1;
                    }
                }
                if (!read) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("The console's feed stopped: {}", e.toString(), e);
            for (Viewer v : viewers) {
                v.close();
            }
            viewers.clear();
        } finally {
            synchronized (lifecycle) {
                if (thread == Thread.currentThread()) {
                    thread = null;
                }
            }
        }
    }

    private boolean stopIfIdle() {
        synchronized (lifecycle) {
            if (viewers.isEmpty()) {
                thread = null;
                return true;
            }
            return false;
        }
    }

    private void onEvents(long index, JournalBatch batch) {
        if (index <= lastEventIndex) {
            return; // read by an earlier run of this thread
        }
        lastEventIndex = index;
        while (batch.next()) {
            RecordView view;
            try {
                view = batch.view();
            } catch (JournalFormatException e) {
                continue;
            }
            long received = view.receivedAt();
            String key = keys.writeKey(view);
            String type = view.type().wireName();
            rates.count(key, type, received);
            seenTotal++;
            if (!captureAllowed(received)) {
                sampledOut++;
                continue;
            }
            String name = view.type() == EventType.TRACK ? view.text(RecordField.EVENT) : view.text(RecordField.NAME);
            json.setLength(0);
            RecordJson.appendEvent(view, index, json);
            if (ring.size() == RING) {
                ring.removeFirst();
            }
            ring.addLast(new Viewer.Captured(
                    ++seq,
                    key,
                    type,
                    name,
                    view.text(RecordField.USER_ID),
                    view.text(RecordField.ANONYMOUS_ID),
                    received,
                    json.toString()));
            RecordField fields = view.type() == EventType.IDENTIFY || view.type() == EventType.GROUP
                    ? RecordField.TRAITS
                    : RecordField.PROPERTIES;
            String schemaName = name != null ? name : "(" + type + ")";
            schema.observe(key, type, schemaName, view.array(), view.offset(fields), view.length(fields), received);
        }
    }

    private boolean captureAllowed(long millis) {
        long second = Math.floorDiv(millis, 1000L);
        if (second != captureSecond) {
            captureSecond = second;
            capturedThisSecond = 0;
        }
        return capturedThisSecond++ < CAPTURE_PER_SECOND;
    }

    private void onDeadLetters(long index, JournalBatch batch) {
        if (index <= lastLetterIndex) {
            return;
        }
        lastLetterIndex = index;
        while (batch.next()) {
            DeadLetterRecord d;
            try {
                d = batch.deadLetter(letter);
            } catch (JournalFormatException e) {
                continue;
            }
            json.setLength(0);
            RecordJson.appendDeadLetter(d, index, json);
            if (letters.size() == LETTER_RING) {
                letters.removeFirst();
            }
            letters.addLast(new Viewer.Letter(++seq, d.writeKey(), d.reason(), d.receivedAt(), json.toString()));
            rates.count(d.writeKey() != null ? d.writeKey() : "(none)", "refused", d.receivedAt());
        }
    }

    /** Sends each viewer what is new for it since its last update. */
    private void tick(long now) {
        ticks++;
        if (ticks % 20 == 1) {
            writer.refresh(now);
        }
        boolean withSchema = ticks % 4 == 1;
        for (Viewer v : viewers) {
            if (!v.ready()) {
                continue;
            }
            boolean greeting = !v.greeted;
            StringBuilder out = new StringBuilder(4096);
            out.append("{\"now\":").append(now).append(",\"events\":[");
            int n = 0;
            long newestEvent = v.lastEventSeq;
            for (Iterator<Viewer.Captured> it = ring.descendingIterator(); it.hasNext() && n < MAX_PER_UPDATE; ) {
                Viewer.Captured c = it.next();
                if (c.seq() <= v.lastEventSeq) {
                    break;
                }
                newestEvent = Math.max(newestEvent, c.seq());
                if (v.sees(c.writeKey()) && v.filter.matches(c)) {
                    if (n++ > 0) {
                        out.append(',');
                    }
                    out.append(c.json());
                }
            }
            out.append("],\"deadLetters\":[");
            n = 0;
            long newestLetter = v.lastLetterSeq;
            for (Iterator<Viewer.Letter> it = letters.descendingIterator(); it.hasNext() && n < MAX_PER_UPDATE; ) {
                Viewer.Letter l = it.next();
                if (l.seq() <= v.lastLetterSeq) {
                    break;
                }
                newestLetter = Math.max(newestLetter, l.seq());
                if (v.sees(l.writeKey())
                        && (v.filter.writeKey() == null || v.filter.writeKey().equals(l.writeKey()))) {
                    if (n++ > 0) {
                        out.append(',');
                    }
                    out.append(l.json());
                }
            }
            out.append("],");
            rates.appendJson(out, now, v.keys);
            out.append(",\"seen\":")
                    .append(seenTotal)
                    .append(",\"sampledOut\":")
                    .append(sampledOut)
                    .append(",\"skippedAhead\":")
                    .append(skippedAhead);
            out.append(",\"writer\":").append(writer.json());
            if (withSchema || greeting) {
                out.append(',');
                schema.appendJson(out, v.keys);
            }
            out.append('}');
            v.lastEventSeq = newestEvent;
            v.lastLetterSeq = newestLetter;
            v.greeted = true;
            v.send("update", out.toString());
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            closed = true;
            t = thread;
        }
        for (Viewer v : new ArrayList<>(viewers)) {
            v.close();
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Write keys as Strings without a new String per record: a handful of keys send nearly every event,
     * so the last few keys' bytes are kept and compared.
     */
    private static final class KeyCache {
        private final byte[][] bytes = new byte[8][];
        private final String[] strings = new String[8];
        private int next;

        String writeKey(RecordView view) {
            int len = view.length(RecordField.WRITE_KEY);
            if (len < 0) {
                return "(none)";
            }
            byte[] a = view.array();
            int off = view.offset(RecordField.WRITE_KEY);
            for (int i = 0; i < bytes.length; i++) {
                byte[] b = bytes[i];
                if (b != null && b.length == len && Arrays.equals(b, 0, len, a, off, off + len)) {
                    return strings[i];
                }
            }
            byte[] copy = Arrays.copyOfRange(a, off, off + len);
            String s = new String(copy, StandardCharsets.UTF_8);
            bytes[next] = copy;
            strings[next] = s;
            next = (next + 1) % bytes.length;
            return s;
        }
    }
}
