package io.spool.collector.internal;

import io.spool.journal.EventType;
import java.util.Map;

/** The collector's paths. A trailing slash is tolerated everywhere (Segment's Java client sends one). */
final class Routes {
    static final String HEALTH = "/health";
    static final String METRICS = "/metrics";

    /** What an ingest path takes: a batch, or one event of a type. */
    static final class Ingest {
        final EventType single;

        Ingest(EventType single) {
            this.single = single;
        }
    }

    private static final Ingest BATCH = new Ingest(null);
    private static final Map<String, Ingest> INGEST = Map.ofEntries(
            Map.entry("/v1/batch", BATCH),
            Map.entry("/v1/import", BATCH),
            Map.entry("/v1/b", BATCH), // analytics.js (analytics-next) when it batches
            Map.entry("/v1/track", new Ingest(EventType.TRACK)),
            Map.entry("/v1/t", new Ingest(EventType.TRACK)),
            Map.entry("/v1/identify", new Ingest(EventType.IDENTIFY)),
            Map.entry("/v1/i", new Ingest(EventType.IDENTIFY)),
            Map.entry("/v1/page", new Ingest(EventType.PAGE)),
            Map.entry("/v1/p", new Ingest(EventType.PAGE)),
            Map.entry("/v1/screen", new Ingest(EventType.SCREEN)),
            Map.entry("/v1/s", new Ingest(EventType.SCREEN)),
            Map.entry("/v1/group", new Ingest(EventType.GROUP)),
            Map.entry("/v1/g", new Ingest(EventType.GROUP)),
            Map.entry("/v1/alias", new Ingest(EventType.ALIAS)),
            Map.entry("/v1/a", new Ingest(EventType.ALIAS)));

    private Routes() {
    }

    static String normalize(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The ingest route of a normalized path, or null. */
    static Ingest ingest(String path) {
        return INGEST.get(path);
    }
}
