package io.spool.collector.internal.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The storage writer's lag and last commit, read from its Prometheus endpoint ({@code --metrics-port}
 * of the writer) while a console viewer is connected. The collector and the writer are separate
 * processes that share only the journal; the writer's own metrics are the truth about its lag.
 */
final class WriterStatus {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final URI uri;
    private final HttpClient client;
    private volatile String json = "null";
    private volatile boolean inFlight;
    private double lastCommits = -1;
    private long lastCommitSeen;

    WriterStatus(URI uri) {
        this.uri = uri;
        this.client = uri == null
                ? null
                : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** Starts one scrape unless one is running; its result shows in {@link #json()} when it lands. */
    void refresh(long nowMillis) {
        if (uri == null || inFlight) {
            return;
        }
        inFlight = true;
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    json = "{\"error\":\""
                            + Json.escape("cannot reach the writer's metrics at " + uri + ": "
                                    + (error.getCause() != null ? error.getCause() : error))
                            + "\"}";
                } else if (response.statusCode() != 200) {
                    json = "{\"error\":\""
                            + Json.escape("the writer's metrics at " + uri + " answered " + response.statusCode())
                            + "\"}";
                } else {
                    json = summarize(parse(response.body()), System.currentTimeMillis());
                }
            } finally {
                inFlight = false;
            }
        });
    }

    /** {@code null} when no writer is configured, else the last scrape as a JSON object. */
    String json() {
        return json;
    }

    private synchronized String summarize(Map<String, Double> m, long nowMillis) {
        Double commits = m.get("spool_writer_commits_total");
        Double lastCommit = m.get("spool_writer_last_commit_timestamp_seconds");
        if (commits != null && commits != lastCommits) {
            if (lastCommits >= 0) {
                lastCommitSeen = nowMillis;
            }
            lastCommits = commits;
        }
        StringBuilder b = new StringBuilder("{\"scrapedAt\":").append(nowMillis);
        put(b, "lagSeconds", m.get("spool_writer_lag_seconds"));
        put(b, "pendingRecords", m.get("spool_writer_pending_records"));
        put(b, "commits", commits);
        put(b, "rowsCommitted", m.get("spool_writer_rows_committed_total"));
        put(b, "commitFailures", m.get("spool_writer_commit_failures_total"));
        if (lastCommit != null && lastCommit > 0) {
            b.append(",\"lastCommit\":").append((long) (lastCommit * 1000));
        } else if (lastCommitSeen > 0) {
            b.append(",\"lastCommit\":").append(lastCommitSeen);
        }
        return b.append('}').toString();
    }

    private static void put(StringBuilder b, String name, Double value) {
        if (value != null && !value.isNaN() && !value.isInfinite()) {
            b.append(",\"").append(name).append("\":").append(value);
        }
    }

    /** Sums each metric's samples over their labels (the writer's gauges here carry one or none). */
    static Map<String, Double> parse(String text) {
        Map<String, Double> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int nameEnd = 0;
            while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') {
                nameEnd++;
            }
            int valueStart = line.lastIndexOf(' ');
            if (valueStart <= nameEnd - 1 || valueStart < 0) {
                continue;
            }
            try {
                double v = Double.parseDouble(line.substring(valueStart + 1).strip());
                values.merge(line.substring(0, nameEnd), v, Double::sum);
            } catch (NumberFormatException ignored) {
                // a timestamp column or a line we do not read
            }
        }
        return values;
    }
}
