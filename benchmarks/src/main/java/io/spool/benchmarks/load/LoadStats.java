package io.spool.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What the sending threads record, safe to write from all of them at once and to read from the
 * reporter: latencies (HdrHistogram {@link Recorder}s, so the reporter takes one interval at a time
 * without stopping the writers), counts, and errors by HTTP status and by I/O error kind.
 */
final class LoadStats {
    /** Latency in microseconds: from the intended send time at a fixed rate, from the actual one flat out. */
    final Recorder latency = new Recorder(3);
    /**
     * At a fixed rate, how late the generator itself started a request whose connection was free at its
     * intended time: the generator's own lag (CPU starved, a GC pause), not the server's.
     */
    final Recorder sendDelay = new Recorder(3);

    final LongAdder requests = new LongAdder();
    final LongAdder acknowledgedEvents = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> byIoError = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> firstBodies = new ConcurrentHashMap<>();

    /** A complete answer (any status), {@code micros} after the request's start time. */
    void answered(HttpAnswer answer, int events, long micros) {
        latency.recordValue(Math.max(0, micros));
        requests.increment();
        boolean rejected = answer.rejected();
        if (answer.status == 200 && !rejected) {
            acknowledgedEvents.add(events);
            return;
        }
        errors.increment();
        String key = rejected ? "200 with rejected events" : Integer.toString(answer.status);
        byStatus.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (!firstBodies.containsKey(key)) {
            firstBodies.putIfAbsent(key, answer.body());
        }
    }

    /** A request that got no complete answer: its events may or may not be stored. */
    void failed(IOException e) {
        errors.increment();
        byIoError.computeIfAbsent(kind(e), k -> new LongAdder()).increment();
    }

    /** Short, stable names for what went wrong, so a summary can count them. */
    static String kind(IOException e) {
        if (e instanceof ConnectException) {
            return "connect: "
                    + (e.getMessage() == null ? "refused" : e.getMessage().replaceAll(" \\(.*", ""));
        }
        if (e instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof EOFException) {
            return "closed by the server before answering";
        }
        if (e instanceof HttpAnswer.MalformedAnswerException) {
            return "malformed answer";
        }
        if (e instanceof SocketException && e.getMessage() != null) {
            String m = e.getMessage();
            if (m.contains("reset")) {
                return "connection reset";
            }
            if (m.contains("Broken pipe")) {
                return "broken pipe";
            }
            return "socket: " + m;
        }
        return e.getClass().getSimpleName();
    }

    Map<String, Long> errorsByStatus() {
        return snapshot(byStatus);
    }

    Map<String, Long> errorsByIoError() {
        return snapshot(byIoError);
    }

    /** The first body of each failing status, for the summary (the collector's error says why). */
    Map<String, String> firstErrorBodies() {
        return new TreeMap<>(firstBodies);
    }

    private static Map<String, Long> snapshot(ConcurrentHashMap<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
