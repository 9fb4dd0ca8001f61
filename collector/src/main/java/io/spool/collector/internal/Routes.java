package io.spool.collector.internal;

import io.spool.journal.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The collector's paths. A trailing slash is tolerated everywhere (Segment's Java client sends one). */
final class Routes {
    static final String HEALTH = "/health";
    static final String METRICS = "/metrics";

    /** The label of requests to a path that is none of the collector's; the set of route labels stays fixed. */
    static final String OTHER = "other";

    static final String CONSOLE = "/console";

    /** The metric ids of the routes that are no ingest path. */
    static final int HEALTH_ID = 0;

    static final int METRICS_ID = 1;
    static final int CONSOLE_ID = 2;
    static final int OTHER_ID = 3;

    /** What an ingest path takes: a batch, or one event of a type; and its id among the metric's routes. */
    static final class Ingest {
        final EventType single;
        final int id;

        private Ingest(EventType single, int id) {
            this.single = single;
            this.id = id;
        }
    }

    /** Every route label, by id: the non-ingest ones first, then the ingest paths. */
    static final List<String> LABELS;

    private static final Map<String, Ingest> INGEST;

    static {
        List<String> labels = new ArrayList<>(List.of(HEALTH, METRICS, CONSOLE, OTHER));
        Map<String, Ingest> ingest = new HashMap<>();
        Object[][] paths = {
            {"/v1/batch", null},
            {"/v1/import", null},
            {"/v1/b", null}, // analytics.js (analytics-next) when it batches
            {"/v1/track", EventType.TRACK},
            {"/v1/t", EventType.TRACK},
            {"/v1/identify", EventType.IDENTIFY},
            {"/v1/i", EventType.IDENTIFY},
            {"/v1/page", EventType.PAGE},
            {"/v1/p", EventType.PAGE},
            {"/v1/screen", EventType.SCREEN},
            {"/v1/s", EventType.SCREEN},
            {"/v1/group", EventType.GROUP},
            {"/v1/g", EventType.GROUP},
            {"/v1/alias", EventType.ALIAS},
            {"/v1/a", EventType.ALIAS},
        };
        for (Object[] p : paths) {
            ingest.put((String) p[0], new Ingest((EventType) p[1], labels.size()));
            labels.add((String) p[0]);
        }
        LABELS = List.copyOf(labels);
        INGEST = Map.copyOf(ingest);
    }

    private Routes() {}

    static String normalize(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The ingest route of a normalized path, or null. */
    static Ingest ingest(String path) {
        return INGEST.get(path);
    }
}
