package io.spool.laketests;

import io.spool.testsupport.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Posts Segment {@code /v1/batch} requests to a collector, each event with a unique {@code messageId},
 * and keeps the ids of the events the collector acknowledged (HTTP 200: they are in its journal).
 * Timestamps spread over three days, so the table gets more than one partition.
 */
public final class Events {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final URI batchUri;
    private final String authorization;
    private final String idPrefix;
    private final AtomicInteger sequence = new AtomicInteger();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Ids whose request failed without an answer: they may or may not be stored. */
    private final Set<String> uncertain = ConcurrentHashMap.newKeySet();

    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

    /** Events for the collector listening on 127.0.0.1:{@code port}; ids are {@code <idPrefix>-<n>}. */
    public Events(int port, String writeKey, String idPrefix) {
        this.batchUri = URI.create("http://127.0.0.1:" + port + "/v1/batch");
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.idPrefix = idPrefix;
    }

    public static Events to(Processes.Child collector, String writeKey, String idPrefix) {
        return new Events(collector.port(), writeKey, idPrefix);
    }

    /** Posts {@code batches} requests of {@code perBatch} events; returns the ids acknowledged by these posts. */
    public Set<String> post(int batches, int perBatch) {
        Set<String> acked = new LinkedHashSet<>();
        for (int i = 0; i < batches; i++) {
            acked.addAll(postBatch(perBatch));
        }
        return acked;
    }

    /** Posts one batch; returns its ids if the collector answered 200, else none. */
    public List<String> postBatch(int perBatch) {
        List<String> ids = new ArrayList<>(perBatch);
        StringBuilder body = new StringBuilder(perBatch * 200).append("{\"batch\":[");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < perBatch; i++) {
            int n = sequence.incrementAndGet();
            String id = idPrefix + "-" + n;
            ids.add(id);
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"type\":\"track\",\"event\":\"Lake Test\",\"userId\":\"user-")
                    .append(n % 97)
                    .append("\",\"messageId\":\"")
                    .append(id)
                    .append("\",\"timestamp\":\"")
                    .append(now.minus(n % 3, ChronoUnit.DAYS))
                    .append("\",\"properties\":{\"n\":")
                    .append(n)
                    .append(",\"source\":\"")
                    .append(idPrefix)
                    .append("\"}}");
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && !response.body().contains("\"rejected\"")) {
                acknowledged.addAll(ids);
                return ids;
            }
            refusals.add(response.statusCode() + " " + response.body());
            if (response.statusCode() == 200) {
                // some events were dead-lettered: none of this batch is counted (should never happen here)
                uncertain.addAll(ids);
            }
            return List.of();
        } catch (IOException e) {
            uncertain.addAll(ids);
            refusals.add(e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            uncertain.addAll(ids);
            return List.of();
        }
    }

    /** Every id acknowledged so far. */
    public Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Ids whose request got no clear answer (an I/O error, or a partial rejection). */
    public Set<String> uncertain() {
        return Set.copyOf(uncertain);
    }

    /** Answers other than a clean 200, for failure messages. */
    public List<String> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    /**
     * Posts batches of {@code perBatch} events on a background thread, {@code batchesPerSecond} of them
     * a second, until {@link Traffic#stop()}; at most {@code maxBatches} of them and for at most
     * {@code maxTime}: traffic in a test always ends by itself.
     */
    public Traffic startTraffic(int perBatch, double batchesPerSecond, int maxBatches, Duration maxTime) {
        return new Traffic(this, perBatch, batchesPerSecond, maxBatches, maxTime);
    }

    /** A stream of batches to one collector, on its own thread. */
    public static final class Traffic {
        private final Events events;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private volatile Throwable failure;

        Traffic(Events events, int perBatch, double batchesPerSecond, int maxBatches, Duration maxTime) {
            this.events = events;
            Deadline deadline = Deadline.of(maxTime);
            long intervalNanos = (long) (1e9 / batchesPerSecond);
            this.thread = new Thread(
                    () -> {
                        try {
                            long next = System.nanoTime();
                            for (int i = 0; i < maxBatches && !stop.get() && !deadline.passed(); i++) {
                                events.postBatch(perBatch);
                                next += intervalNanos;
                                // pacing, so a slow writer start does not pile up a huge journal
                                long wait = next - System.nanoTime();
                                if (wait > 0) {
                                    LockSupport.parkNanos(wait);
                                }
                            }
                        } catch (Throwable t) {
                            failure = t;
                        }
                    },
                    "traffic-" + events.idPrefix);
            thread.setDaemon(true);
            thread.start();
        }

        public Events events() {
            return events;
        }

        public int acknowledgedCount() {
            return events.acknowledgedCount();
        }

        /** Stops posting (the request in flight finishes) and returns every acknowledged id. */
        public Set<String> stop() throws InterruptedException {
            stop.set(true);
            thread.join(Duration.ofSeconds(60).toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("the traffic thread " + thread.getName() + " did not stop within 60 s");
            }
            if (failure != null) {
                throw new AssertionError("the traffic thread " + thread.getName() + " failed", failure);
            }
            return events.acknowledged();
        }
    }
}
