package io.spool.collector.internal;

import io.spool.journal.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --fsync}, the one thread that appends to the journal. Requests arrive prepared (parsed and
 * encoded on the I/O threads); this thread takes every request waiting, appends each one's excerpt,
 * then waits for one sync that covers them all (group commit on one thread), and answers each. Without
 * fsync there is no loop: an append never waits for the disk, and the I/O thread that prepared a request
 * appends it itself (measured 1.06–1.09× the throughput of handing it here, BENCHMARKS.md).
 *
 * <p>Why one thread: sixteen workers that each parsed and then appended under the journal's lock
 * spent their time contending for it (monitor waits of 10–25 ms under load, and 16 threads on two
 * cores switching); the append is a copy into the page cache that one thread does faster alone,
 * into pages the {@link Pretoucher} has read in ahead of it.
 *
 * <p>The queue is not bounded here: it holds at most one request per open connection (HTTP/1.1
 * answers requests on a connection in order), and connections are bounded by --max-connections.
 */
final class AppendLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AppendLoop.class);
    /** Requests appended before one sync and their answers; bounds the wait of the first one. */
    private static final int MAX_GROUP = 256;
    /** How often an idle thread looks whether it is closed. */
    private static final long IDLE_POLL_MILLIS = 100;

    private final Ingest ingest;
    private final JournalSink sink;
    private final LinkedBlockingQueue<Workspace> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    AppendLoop(Ingest ingest, JournalSink sink) {
        this.ingest = ingest;
        this.sink = sink;
        this.thread = new Thread(this::run, "spool-appender");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a prepared request; {@code done} gets its answer on the appender thread once its events
     * are in the journal (with fsync, on disk), or a 503 when they could not be stored.
     */
    void submit(Workspace ws, EventType single, Consumer<Outcome> done) {
        ws.single = single;
        ws.done = done;
        queue.offer(ws);
        if (closed && queue.remove(ws)) {
            // Arrived after the thread drained the queue for the last time: nobody else will answer.
            done.accept(Outcome.unavailable("events not stored: the collector is shutting down", 1));
        }
    }

    private void run() {
        List<Workspace> group = new ArrayList<>(MAX_GROUP);
        while (true) {
            Workspace first = queue.poll();
            if (first == null) {
                if (closed) {
                    return;
                }
                try {
                    first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    continue; // nobody interrupts this thread; the closed flag decides
                }
                if (first == null) {
                    continue;
                }
            }
            group.add(first);
            queue.drainTo(group, MAX_GROUP - 1);
            appendAndAnswer(group);
            group.clear();
        }
    }

    /** Appends each request, syncs once for all of them, answers each: never a 200 before its sync. */
    private void appendAndAnswer(List<Workspace> group) {
        int n = group.size();
        Outcome[] outcomes = new Outcome[n];
        long events = 0;
        long deadLetters = 0;
        for (int i = 0; i < n; i++) {
            Workspace ws = group.get(i);
            try {
                sink.appendUnsynced(ws);
                events = Math.max(events, ws.eventsSequence);
                deadLetters = Math.max(deadLetters, ws.deadLettersSequence);
            } catch (RuntimeException e) {
                outcomes[i] = Ingest.notStored(e);
            } catch (Error e) {
                log.error("Appending a request failed; answering 500", e);
                outcomes[i] = Outcome.internalError();
            }
        }
        Outcome syncFailed = null;
        try {
            sink.awaitSync(events, deadLetters);
        } catch (RuntimeException e) {
            syncFailed = Ingest.notStored(e);
        }
        for (int i = 0; i < n; i++) {
            Workspace ws = group.get(i);
            Outcome outcome = outcomes[i];
            if (outcome == null) {
                outcome = syncFailed != null ? syncFailed : ingest.stored(ws, ws.single);
            }
            Consumer<Outcome> done = ws.done;
            try {
                done.accept(outcome);
            } catch (RuntimeException e) {
                log.warn("Answering a request failed: {}", e.toString());
            }
        }
    }

    /** Answers what is queued, then stops the thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        // No interrupt: it would close a FileChannel in the middle of a read or a force (fsync), and
        // fail the appends that sync covers. The idle poll sees the flag within IDLE_POLL_MILLIS.
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Workspace ws;
        while ((ws = queue.poll()) != null) {
            ws.done.accept(Outcome.unavailable("events not stored: the collector is shutting down", 1));
        }
    }
}
