package io.spool.collector.internal;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.spool.journal.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The collector's Prometheus metrics, in a registry of its own (several collectors can live in one
 * JVM, as in tests and the quickstart). Thread safe.
 */
final class CollectorMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests = Counter.builder()
            .name("spool_collector_requests_total")
            .help("HTTP requests answered, by route (the path, one of a fixed set, or other) and status code")
            .labelNames("route", "status")
            .withoutExemplars()
            .register(registry);
    /** Data points by route id, then status, made on first use: no lookup or allocation per request after that. */
    private final CounterDataPoint[][] byRouteStatus = new CounterDataPoint[Routes.LABELS.size()][600];

    private final Counter events = Counter.builder()
            .name("spool_collector_events_total")
            .help("Events of valid requests by write key (a short prefix; bounded, see README), type and outcome"
                    + " (accepted: in the journal; rejected: dead-lettered)")
            .labelNames("write_key", "type", "outcome")
            .withoutExemplars()
            .register(registry);
    private final KeyLabels<KeyPoints> keys;
    private final Counter accepted = Counter.builder()
            .name("spool_collector_events_accepted_total")
            .help("Events appended to the journal")
            .withoutExemplars()
            .register(registry);
    private final Counter rejected = Counter.builder()
            .name("spool_collector_events_rejected_total")
            .help("Events refused inside a valid request (kept in the dead-letter journal)")
            .withoutExemplars()
            .register(registry);
    private final Counter received = Counter.builder()
            .name("spool_collector_received_bytes_total")
            .help("Request body bytes received, as sent (before inflating), by Content-Encoding")
            .labelNames("encoding")
            .withoutExemplars()
            .register(registry);
    private final CounterDataPoint receivedPlain = received.labelValues("identity");
    private final CounterDataPoint receivedGzip = received.labelValues("gzip");
    private final Counter body = Counter.builder()
            .name("spool_collector_body_bytes_total")
            .help("Request body bytes parsed (after inflating)")
            .withoutExemplars()
            .register(registry);
    private final Histogram append = Histogram.builder()
            .name("spool_collector_append_seconds")
            .help("Time to append one request's records to the journal")
            .classicOnly()
            .classicUpperBounds(
                    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                    0.25, 1)
            .withoutExemplars()
            .register(registry);

    /** Publishes the number of ingest requests in flight (read at each scrape). */
    void inFlight(IntSupplier requests) {
        GaugeWithCallback.builder()
                .name("spool_collector_requests_in_flight")
                .help("Ingest requests received and not yet answered")
                .callback(callback -> callback.call(requests.getAsInt()))
                .register(registry);
    }

    /** Publishes the journal's fsyncs (read at each scrape): with --fsync, one serves many requests. */
    void journalSyncs(LongSupplier syncs) {
        CounterWithCallback.builder()
                .name("spool_journal_fsyncs_total")
                .help("Syncs of the journal to disk (--fsync); each serves every append made before it started")
                .callback(callback -> callback.call(syncs.getAsLong()))
                .register(registry);
    }

    CollectorMetrics() {
        this(Set.of());
    }

    /** @param writeKeys the configured write keys (empty: an open collector), which bound the write_key label */
    CollectorMetrics(Set<String> writeKeys) {
        this.keys = new KeyLabels<>(writeKeys, KeyPoints::new);
        // The JVM's and the process's own (memory, GC, threads, CPU, open files): read at each scrape.
        JvmMetrics.builder().register(registry);
    }

    void request(int route, int status) {
        CounterDataPoint[] points = byRouteStatus[route];
        CounterDataPoint point = status >= 0 && status < points.length ? points[status] : null;
        if (point == null) {
            point = requests.labelValues(Routes.LABELS.get(route), Integer.toString(status));
            if (status >= 0 && status < points.length) {
                points[status] = point; // a benign race: the registry hands out the same data point
            }
        }
        point.inc();
    }

    /** Counts a stored request's events, from the per-type counts its parse left in {@code ws}. */
    void events(Workspace ws) {
        int accepted = ws.events.count();
        if (accepted > 0) {
            this.accepted.inc(accepted);
        }
        if (ws.rejected > 0) {
            rejected.inc(ws.rejected);
        }
        KeyPoints points = keys.of(ws.writeKey);
        for (int type = 0; type < Workspace.TYPE_SLOTS; type++) {
            if (ws.acceptedByType[type] > 0) {
                points.point(type, 0).inc(ws.acceptedByType[type]);
            }
            if (ws.rejectedByType[type] > 0) {
                points.point(type, 1).inc(ws.rejectedByType[type]);
            }
        }
    }

    /** One write key label's data points, by type slot and outcome, made on first use. */
    private final class KeyPoints {
        private final String label;
        private final CounterDataPoint[] points = new CounterDataPoint[Workspace.TYPE_SLOTS * 2];

        KeyPoints(String label) {
            this.label = label;
        }

        CounterDataPoint point(int type, int outcome) {
            int i = type * 2 + outcome;
            CounterDataPoint p = points[i];
            if (p == null) {
                EventType t = EventType.fromCode(type);
                p = events.labelValues(
                        label, t == null ? "invalid" : t.wireName(), outcome == 0 ? "accepted" : "rejected");
                points[i] = p; // benign race, as above
            }
            return p;
        }
    }

    void received(long bytes, boolean gzip) {
        (gzip ? receivedGzip : receivedPlain).inc(bytes);
    }

    void body(long bytes) {
        body.inc(bytes);
    }

    void appendNanos(long nanos) {
        append.observe(nanos / 1e9);
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
