package io.spool.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a {@link LoadRun}: rates over the measured time, latency percentiles (milliseconds),
 * errors by HTTP status and by I/O error kind, what the generator itself cost, and one line per second.
 * Rates and latencies leave the warm-up out; {@link #acknowledgedEvents()} counts the whole run.
 */
public final class LoadReport {
    private final String plan;
    private final int bytesPerEvent;
    private final double measuredSeconds;
    private final double eventsPerSecond;
    private final double requestsPerSecond;
    private final Latency latency;
    private final Latency sendDelay;
    private final long acknowledgedEvents;
    private final long requests;
    private final long errors;
    private final Map<String, Long> errorsByStatus;
    private final Map<String, Long> errorsByIoError;
    private final Map<String, String> firstErrorBodies;
    private final long behind;
    private final long stillSending;
    private final double generatorThreadsCpuCores;
    private final double processCpuCores;
    private final List<Second> seconds;

    private LoadReport(Builder b) {
        this.plan = b.plan;
        this.bytesPerEvent = b.bytesPerEvent;
        this.measuredSeconds = b.measuredSeconds;
        this.eventsPerSecond = b.eventsPerSecond;
        this.requestsPerSecond = b.requestsPerSecond;
        this.latency = b.latency;
        this.sendDelay = b.sendDelay;
        this.acknowledgedEvents = b.acknowledgedEvents;
        this.requests = b.requests;
        this.errors = b.errors;
        this.errorsByStatus = Map.copyOf(b.errorsByStatus);
        this.errorsByIoError = Map.copyOf(b.errorsByIoError);
        this.firstErrorBodies = Map.copyOf(b.firstErrorBodies);
        this.behind = b.behind;
        this.stillSending = b.stillSending;
        this.generatorThreadsCpuCores = b.generatorThreadsCpuCores;
        this.processCpuCores = b.processCpuCores;
        this.seconds = List.copyOf(b.seconds);
    }

    /** Latency percentiles in milliseconds, from an HdrHistogram of microseconds. */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {
        static Latency of(Histogram h) {
            if (h == null) {
                return null;
            }
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(
                    h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0,
                    h.getMean() / 1000.0);
        }
    }

    /** One second of the run, as the progress line showed it. */
    public record Second(
            double elapsed, boolean warmup, long events, long requests, double p50, double p99, long errorsSoFar) {
        String line() {
            return String.format(
                    Locale.ROOT,
                    "%5.0f s %-7s events/s %,9d  requests/s %,7d  p50 %8.2f ms  p99 %8.2f ms  errors %,d",
                    elapsed,
                    warmup ? "warm-up" : "",
                    events,
                    requests,
                    p50,
                    p99,
                    errorsSoFar);
        }
    }

    public String plan() {
        return plan;
    }

    /** Plain JSON bytes per event sent. */
    public int bytesPerEvent() {
        return bytesPerEvent;
    }

    public double eventsPerSecond() {
        return eventsPerSecond;
    }

    public double requestsPerSecond() {
        return requestsPerSecond;
    }

    /** From each request's intended send time at a fixed rate; the service time flat out. */
    public Latency latency() {
        return latency;
    }

    /** At a fixed rate, how late the generator started requests whose connection was free: its own lag. Null flat out. */
    public Latency sendDelay() {
        return sendDelay;
    }

    /** Events in requests answered 200 with nothing rejected, over the whole run (warm-up included): they are stored. */
    public long acknowledgedEvents() {
        return acknowledgedEvents;
    }

    public long requests() {
        return requests;
    }

    /** Requests that were not a clean 200: another status, a 200 listing rejected events, or no answer. */
    public long errors() {
        return errors;
    }

    public Map<String, Long> errorsByStatus() {
        return errorsByStatus;
    }

    public Map<String, Long> errorsByIoError() {
        return errorsByIoError;
    }

    /** At a fixed rate, requests that fell due before the end but were never sent (the server was behind). */
    public long behind() {
        return behind;
    }

    /** Sending threads still waiting for an answer after the end plus the timeout; their requests are unaccounted. */
    public long stillSending() {
        return stillSending;
    }

    /** CPU of the sending threads over the run, in cores (1.0 = one core busy all the time). */
    public double generatorThreadsCpuCores() {
        return generatorThreadsCpuCores;
    }

    /** CPU of this whole JVM over the measured time, in cores; -1 when the JVM cannot tell. */
    public double processCpuCores() {
        return processCpuCores;
    }

    public List<Second> seconds() {
        return seconds;
    }

    /** The summary a person reads. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("load:         ").append(plan).append('\n');
        out.append(String.format(
                Locale.ROOT, "events/s      %,.0f  (%d B of JSON an event)%n", eventsPerSecond, bytesPerEvent));
        out.append(
                String.format(Locale.ROOT, "requests/s    %,.1f  over %.0f s%n", requestsPerSecond, measuredSeconds));
        out.append(String.format(
                Locale.ROOT,
                "latency ms    p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%,d requests%s)%n",
                latency.p50,
                latency.p90,
                latency.p99,
                latency.p999,
                latency.max,
                latency.count,
                sendDelay != null ? ", from each request's intended send time" : ", service time"));
        out.append(String.format(Locale.ROOT, "errors        %,d%n", errors));
        errorsByStatus.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(String.format(
                        Locale.ROOT,
                        "  HTTP %-24s %,d  e.g. %s%n",
                        e.getKey(),
                        e.getValue(),
                        firstErrorBodies.getOrDefault(e.getKey(), ""))));
        errorsByIoError.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(String.format(Locale.ROOT, "  I/O  %-24s %,d%n", e.getKey(), e.getValue())));
        out.append(String.format(
                Locale.ROOT, "acknowledged  %,d events (whole run, warm-up included)%n", acknowledgedEvents));
        if (sendDelay != null) {
            out.append(String.format(
                    Locale.ROOT,
                    "own lag ms    p99 %.2f  max %.2f  (how late the generator started requests it could send)%n",
                    sendDelay.p99,
                    sendDelay.max));
        }
        if (behind > 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "behind        %,d requests fell due and were never sent: the server did not keep up with the rate%n",
                    behind));
        }
        if (stillSending > 0) {
            out.append(String.format(
                    Locale.ROOT, "unfinished    %d connections still waited for an answer at the end%n", stillSending));
        }
        out.append(String.format(
                Locale.ROOT,
                "generator CPU %.2f cores (sending threads), %s%n",
                generatorThreadsCpuCores,
                processCpuCores >= 0
                        ? String.format(Locale.ROOT, "%.2f cores (whole JVM, measured time)", processCpuCores)
                        : "JVM: n/a"));
        return out.toString();
    }

    /** The same as JSON, for scripts; {@code seconds} holds the progress lines' figures. */
    public String json() {
        StringBuilder j = new StringBuilder(4096).append("{\n");
        field(j, "plan", plan);
        field(j, "bytes_per_event", bytesPerEvent);
        field(j, "measured_seconds", measuredSeconds);
        field(j, "events_per_second", eventsPerSecond);
        field(j, "requests_per_second", requestsPerSecond);
        latency(j, "latency_ms", latency);
        if (sendDelay != null) {
            latency(j, "own_lag_ms", sendDelay);
        }
        field(j, "acknowledged_events", acknowledgedEvents);
        field(j, "requests", requests);
        field(j, "errors", errors);
        map(j, "errors_by_status", errorsByStatus);
        map(j, "errors_by_io_error", errorsByIoError);
        map(j, "first_error_bodies", new TreeMap<>(firstErrorBodies));
        field(j, "behind", behind);
        field(j, "still_sending", stillSending);
        field(j, "generator_threads_cpu_cores", generatorThreadsCpuCores);
        field(j, "process_cpu_cores", processCpuCores);
        j.append("  \"seconds\": [");
        for (int i = 0; i < seconds.size(); i++) {
            Second s = seconds.get(i);
            j.append(i == 0 ? "\n" : ",\n")
                    .append(String.format(
                            Locale.ROOT,
                            "    {\"t\": %.1f, \"warmup\": %b, \"events\": %d, \"requests\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"errors\": %d}",
                            s.elapsed,
                            s.warmup,
                            s.events,
                            s.requests,
                            s.p50,
                            s.p99,
                            s.errorsSoFar));
        }
        j.append("\n  ]\n}\n");
        return j.toString();
    }

    private static void field(StringBuilder j, String name, Object value) {
        j.append("  \"").append(name).append("\": ").append(value(value)).append(",\n");
    }

    private static void latency(StringBuilder j, String name, Latency l) {
        j.append("  \"")
                .append(name)
                .append("\": ")
                .append(String.format(
                        Locale.ROOT,
                        "{\"count\": %d, \"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"p99_9\": %.3f, \"max\": %.3f, \"mean\": %.3f},%n",
                        l.count,
                        l.p50,
                        l.p90,
                        l.p99,
                        l.p999,
                        l.max,
                        l.mean));
    }

    private static void map(StringBuilder j, String name, Map<String, ?> values) {
        j.append("  \"").append(name).append("\": {");
        List<String> parts = new ArrayList<>();
        new TreeMap<>(values).forEach((k, v) -> parts.add(value(k) + ": " + value(v)));
        j.append(String.join(", ", parts)).append("},\n");
    }

    private static String value(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }
        if (v instanceof Number) {
            return v.toString();
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : String.valueOf(v).toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    /** Filled in by {@link LoadRun}. */
    static final class Builder {
        private String plan;
        private int bytesPerEvent;
        private double measuredSeconds;
        private double eventsPerSecond;
        private double requestsPerSecond;
        private Latency latency;
        private Latency sendDelay;
        private long acknowledgedEvents;
        private long requests;
        private long errors;
        private Map<String, Long> errorsByStatus = Map.of();
        private Map<String, Long> errorsByIoError = Map.of();
        private Map<String, String> firstErrorBodies = Map.of();
        private long behind;
        private long stillSending;
        private double generatorThreadsCpuCores;
        private double processCpuCores;
        private List<Second> seconds = List.of();

        Builder plan(String plan) {
            this.plan = plan;
            return this;
        }

        Builder bytesPerEvent(int bytesPerEvent) {
            this.bytesPerEvent = bytesPerEvent;
            return this;
        }

        Builder measuredSeconds(double measuredSeconds) {
            this.measuredSeconds = measuredSeconds;
            return this;
        }

        Builder eventsPerSecond(double eventsPerSecond) {
            this.eventsPerSecond = eventsPerSecond;
            return this;
        }

        Builder requestsPerSecond(double requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        Builder latency(Histogram latency) {
            this.latency = Latency.of(latency);
            return this;
        }

        Builder sendDelay(Histogram sendDelay) {
            this.sendDelay = Latency.of(sendDelay);
            return this;
        }

        Builder acknowledgedEvents(long acknowledgedEvents) {
            this.acknowledgedEvents = acknowledgedEvents;
            return this;
        }

        Builder requests(long requests) {
            this.requests = requests;
            return this;
        }

        Builder errors(
                long errors, Map<String, Long> byStatus, Map<String, Long> byIoError, Map<String, String> firstBodies) {
            this.errors = errors;
            this.errorsByStatus = byStatus;
            this.errorsByIoError = byIoError;
            this.firstErrorBodies = firstBodies;
            return this;
        }

        Builder behind(long behind) {
            this.behind = behind;
            return this;
        }

        Builder stillSending(long stillSending) {
            this.stillSending = stillSending;
            return this;
        }

        Builder generatorThreadsCpuCores(double cores) {
            this.generatorThreadsCpuCores = cores;
            return this;
        }

        Builder processCpuCores(double cores) {
            this.processCpuCores = cores;
            return this;
        }

        Builder seconds(List<Second> seconds) {
            this.seconds = seconds;
            return this;
        }

        LoadReport build() {
            return new LoadReport(this);
        }
    }
}
