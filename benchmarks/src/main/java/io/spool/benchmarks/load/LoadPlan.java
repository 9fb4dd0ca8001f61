package io.spool.benchmarks.load;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a load run sends, immutable: where, with which write key, over how many connections, in batches
 * of how many events, plain or gzip, at a fixed rate or flat out, for how long after how much warm-up.
 * {@link #builder(URI)} makes one; {@link Builder#build()} checks every value and names the bad one.
 */
public final class LoadPlan {
    private final URI endpoint;
    private final String writeKey;
    private final int connections;
    private final int threads;
    private final int batchSize;
    private final boolean gzip;
    private final double eventsPerSecond;
    private final Duration duration;
    private final Duration warmup;
    private final Duration timeout;
    private final int bodyPool;
    private final byte[] batchBody;

    private LoadPlan(Builder b) {
        this.endpoint = b.endpoint;
        this.writeKey = b.writeKey;
        this.connections = b.connections;
        this.threads = b.threads;
        this.batchSize = b.batchSize;
        this.gzip = b.gzip;
        this.eventsPerSecond = b.eventsPerSecond;
        this.duration = b.duration;
        this.warmup = b.warmup;
        this.timeout = b.timeout;
        this.bodyPool = b.bodyPool;
        this.batchBody = b.batchBody;
    }

    /**
     * A plan for the collector at {@code endpoint}: {@code http://host:port} (requests go to
     * {@code /v1/batch}) or a full URL with its own path.
     */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String writeKey() {
        return writeKey;
    }

    public int connections() {
        return connections;
    }

    /** Sending threads, each an event loop over its share of the connections (at most one thread a connection). */
    public int threads() {
        return threads;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean gzip() {
        return gzip;
    }

    /** The fixed rate in events per second; 0 means flat out (each connection sends as soon as it is answered). */
    public double eventsPerSecond() {
        return eventsPerSecond;
    }

    public boolean fixedRate() {
        return eventsPerSecond > 0;
    }

    /** How long the measured part lasts (after the warm-up). */
    public Duration duration() {
        return duration;
    }

    /** Load sent before measuring (the JIT, the page cache and the pools warm up); not in the figures. */
    public Duration warmup() {
        return warmup;
    }

    /** How long one request may take before it counts as a timeout and its connection is replaced. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * 0: every request carries new {@code messageId}s (a gzip body is then compressed per request, about
     * 100 µs of the generator's CPU per 100 events). N: N bodies are prepared (and compressed) once and sent
     * in turn, the cheapest for the generator, but their ids repeat, so the writer drops the repeats.
     */
    public int bodyPool() {
        return bodyPool;
    }

    /**
     * The batch sent (before its ids are rewritten), or null for {@link
     * io.spool.benchmarks.collector.LoadBodies#batch(int)}'s server-side events.
     */
    byte[] batchBody() {
        return batchBody;
    }

    /** Requests per second at the fixed rate (0 when flat out). */
    double requestsPerSecond() {
        return eventsPerSecond / batchSize;
    }

    @Override
    public String toString() {
        return connections + " connections" + (threads > 1 ? " on " + Math.min(threads, connections) + " threads" : "")
                + ", batches of " + batchSize + " events, " + (gzip ? "gzip" : "plain")
                + ", " + (fixedRate() ? String.format("fixed rate %,.0f events/s", eventsPerSecond) : "flat out")
                + ", " + duration.toSeconds() + " s after " + warmup.toSeconds() + " s of warm-up"
                + (bodyPool > 0 ? ", a pool of " + bodyPool + " bodies (ids repeat)" : ", new ids in every request");
    }

    /** Mutable; {@link #build()} validates. */
    public static final class Builder {
        private final URI endpoint;
        private String writeKey = "bench";
        private int connections = 16;
        private int threads = 1;
        private int batchSize = 100;
        private boolean gzip;
        private double eventsPerSecond;
        private Duration duration = Duration.ofSeconds(30);
        private Duration warmup = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(30);
        private int bodyPool;
        private byte[] batchBody;

        private Builder(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** Sent as HTTP Basic auth, the key as user name and an empty password (as Segment's clients do). Default "bench". */
        public Builder writeKey(String writeKey) {
            this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
            return this;
        }

        /** Keep-alive connections, one request in flight on each. Default 16. */
        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        /** Sending threads (event loops) the connections are shared out over. Default 1. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Events per request. Default 100. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Send {@code Content-Encoding: gzip} bodies. */
        public Builder gzip() {
            this.gzip = true;
            return this;
        }

        /** Plain JSON bodies (the default). */
        public Builder plain() {
            this.gzip = false;
            return this;
        }

        /** A fixed rate; latency is then measured from each request's intended send time. */
        public Builder eventsPerSecond(double eventsPerSecond) {
            this.eventsPerSecond = eventsPerSecond;
            return this;
        }

        /** As fast as the collector answers (the default). */
        public Builder flatOut() {
            this.eventsPerSecond = 0;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        public Builder warmup(Duration warmup) {
            this.warmup = Objects.requireNonNull(warmup, "warmup");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** See {@link LoadPlan#bodyPool()}. Default 0 (new ids in every request). */
        public Builder bodyPool(int bodyPool) {
            this.bodyPool = bodyPool;
            return this;
        }

        /**
         * Sends this {@code {"batch":[…]}} body instead of the server-side events of {@link
         * io.spool.benchmarks.collector.LoadBodies}: {@link #batchSize} events, each with a 36-character
         * {@code "messageId"} (rewritten per request as usual), e.g. a batch as an SDK client encodes it, so
         * the generator and the client can be compared on the same bytes.
         */
        public Builder batchBody(byte[] batchBody) {
            this.batchBody = batchBody.clone();
            return this;
        }

        public LoadPlan build() {
            if (!"http".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("endpoint must be http://host[:port][/path], not " + endpoint);
            }
            if (connections < 1 || connections > 10_000) {
                throw new IllegalArgumentException("connections must be 1..10000, not " + connections);
            }
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads must be 1..256, not " + threads);
            }
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batch size must be 1..100000 events, not " + batchSize);
            }
            if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
                throw new IllegalArgumentException(
                        "rate must be 0 (flat out) or a positive number of events/s, not " + eventsPerSecond);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, not " + duration);
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warm-up must not be negative, not " + warmup);
            }
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("timeout must be positive (and under 24 days), not " + timeout);
            }
            if (bodyPool < 0) {
                throw new IllegalArgumentException(
                        "body pool must be 0 (new ids in every request) or a count of bodies, not " + bodyPool);
            }
            return new LoadPlan(this);
        }
    }
}
