package io.spool.collector;

import io.spool.collector.internal.CollectorServer;
import io.spool.collector.internal.Settings;
import io.spool.collector.internal.TlsKeystore;
import io.spool.collector.internal.console.ConsoleSettings;
import io.spool.config.Setting;
import io.spool.journal.Journal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Spool's HTTP collector: speaks Segment's tracking API, stores every accepted event in the journal,
 * and answers 200 only once they are stored. Embeddable (the quickstart runs it beside the writer and
 * the app in one JVM); {@code CollectorMain} is the command line around it.
 *
 * <pre>{@code
 * try (Collector collector = Collector.builder()
 *         .port(0)                       // any free port
 *         .journalDir(Path.of("data/journal"))
 *         .writeKey("KEY")
 *         .build()
 *         .start()) {
 *     int port = collector.port();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} is graceful: new requests get 503, requests in flight are answered (up to the
 * shutdown timeout), then the journal is closed when the collector opened it.
 */
public final class Collector implements AutoCloseable {
    private final CollectorServer server;

    private Collector(CollectorServer server) {
        this.server = server;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port, then opens the journal (when built with a folder) and starts serving; returns this
     * collector. Binding first: a port in use fails here before anything is created on disk.
     *
     * @throws IllegalStateException naming host:port when the port cannot be bound (in use, not an
     *     address of this machine), or the journal when it cannot be opened
     */
    public Collector start() {
        server.start();
        return this;
    }

    /** The port the collector listens on; the real one when it was built with port 0. */
    public int port() {
        return server.port();
    }

    /** Stops accepting, answers requests in flight, closes the journal it opened. Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    /** The collector's settings. Every setting has a default except the journal and the write keys. */
    public static final class Builder {
        /** Segment's per-event limit. */
        public static final int DEFAULT_MAX_EVENT_BYTES = 32 * 1024;
        /** Segment's per-request limit (inflated). */
        public static final int DEFAULT_MAX_REQUEST_BYTES = 500 * 1024;
        /** Open connections past which new ones wait in the kernel's accept queue. */
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
        /** The largest request line plus headers; Segment's clients send well under 1 KB. */
        public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

        // The defaults are CollectorSettings' (the command line's), as are the rules build() applies.
        private String host = CollectorSettings.HOST.defaultValue();
        private int port = CollectorSettings.PORT.defaultValue();
        private Path journalDir;
        private Journal journal;
        private boolean fsync;
        private final Set<String> writeKeys = new LinkedHashSet<>();
        private boolean allowAnonymous;
        private boolean trustProxy;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private double rateLimit;
        private long minFreeDiskBytes = CollectorSettings.MIN_FREE_DISK.defaultValue();
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int workerThreads = 8 * Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration readTimeout = CollectorSettings.READ_TIMEOUT.defaultValue();
        private Duration shutdownTimeout = CollectorSettings.SHUTDOWN_TIMEOUT.defaultValue();
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private boolean console;
        private String consoleAdminKey;
        private URI consoleWriterMetrics;
        private Path tlsKeystore;
        private char[] tlsKeystorePassword;
        private String metricsKey;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The address to bind; {@code 0.0.0.0} (all interfaces) by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; 8088 by default, 0 for any free port (read it back with {@link Collector#port()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The journal folder; the collector opens the journal there and closes it on {@link #close()}. */
        public Builder journalDir(Path dir) {
            this.journalDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** A journal the caller opened and keeps owning: the collector appends to it and never closes it. */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * Whether each append is forced to disk before the 200 (survives power loss, costs throughput).
         * Off by default; applies when the collector opens the journal ({@link #journalDir}).
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** Adds a write key that may send events. */
        public Builder writeKey(String key) {
            writeKeys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Adds write keys that may send events. */
        public Builder writeKeys(Collection<String> keys) {
            for (String key : keys) {
                writeKey(key);
            }
            return this;
        }

        /**
         * Whether requests without a write key are accepted. Off by default: a collector with no key
         * refuses to build unless this is on. With no keys configured at all, any key is accepted.
         */
        public Builder allowAnonymous(boolean allow) {
            this.allowAnonymous = allow;
            return this;
        }

        /** Whether the client IP is taken from {@code X-Forwarded-For} (only behind a proxy you run). */
        public Builder trustProxy(boolean trust) {
            this.trustProxy = trust;
            return this;
        }

        /** The largest event, in bytes of JSON; larger ones are refused (dead-lettered). */
        public Builder maxEventBytes(int bytes) {
            this.maxEventBytes = bytes;
            return this;
        }

        /** The largest request body after inflating; larger ones get 413. */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        /** Events per second allowed per write key (429 with Retry-After past it); 0, the default, is no limit. */
        public Builder rateLimit(double eventsPerSecond) {
            this.rateLimit = eventsPerSecond;
            return this;
        }

        /** Below this much free disk space under the journal, requests get 503; 256 MB by default. */
        public Builder minFreeDiskBytes(long bytes) {
            this.minFreeDiskBytes = bytes;
            return this;
        }

        /** Undertow I/O threads; one per core by default. */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** Threads that parse and append; eight per core by default. */
        public Builder workerThreads(int threads) {
            this.workerThreads = threads;
            return this;
        }

        /** How long a client may take to send its headers or body, or stay idle; 30 s by default. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long {@link Collector#close()} waits for requests in flight; 30 s by default. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How many connections may be open at once; 10,000 by default. At the cap the collector stops
         * accepting: a new connection waits in the kernel's accept queue (1,000 long) until an open one
         * closes (idle ones close after the read timeout), or its client's connect times out. Requests
         * on open connections are served as before.
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        /**
         * The largest request line and headers together, in bytes; 16 KB by default. A larger request is
         * answered {@code 400} (by Undertow, before any handler, so with an empty body) and its
         * connection closed; its headers are never held in full.
         */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /**
         * Serve HTTPS, with the certificate chain and private key of a PKCS12 or JKS keystore (the type is
         * read from the file), instead of plain HTTP on the same port. The private key must have the
         * keystore's password. The file is read by {@link #build()}, which names the file and the cause
         * when it is missing, unreadable, not a keystore or the password is wrong.
         */
        public Builder tlsKeystore(Path keystore, String password) {
            this.tlsKeystore = Objects.requireNonNull(keystore, "keystore");
            this.tlsKeystorePassword =
                    Objects.requireNonNull(password, "password").toCharArray();
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <key>} (what Prometheus' {@code authorization} setting
         * sends) or Basic auth with the key as password on {@code /metrics}; others get 401. Unset by
         * default: {@code /metrics} is open. {@code /health} stays open either way.
         */
        public Builder metricsKey(String key) {
            this.metricsKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Serves the live console at {@code /console}: recent events as stored, dead letters with their
         * reasons, rates, the writer's lag and the properties seen per event name. Off by default. A
         * viewer sees the events of the write keys it holds, or all of them with the admin key.
         */
        public Builder console(boolean enabled) {
            this.console = enabled;
            return this;
        }

        /** The key with which a console viewer sees every write key's events (unset: write keys only). */
        public Builder consoleAdminKey(String key) {
            this.consoleAdminKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * The storage writer's metrics endpoint ({@code http://host:port/metrics} of its
         * {@code --metrics-port}), from which the console shows the writer's lag and last commit.
         */
        public Builder consoleWriterMetrics(URI uri) {
            this.consoleWriterMetrics = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The clock that sets {@code receivedAt} (tests fix it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks the settings, by the rules of {@link CollectorSettings} (a value the command line refuses
         * is refused here in the same words: {@code port(70000): must be between 0 and 65535}), and loads
         * the TLS keystore. Opens nothing else and binds nothing: {@link Collector#start()} binds the
         * port, then opens the journal.
         *
         * @throws IllegalArgumentException naming the first bad setting
         * @throws IllegalStateException when no write key is configured and anonymous requests are not allowed
         */
        public Collector build() {
            check(CollectorSettings.PORT, "port", port);
            if ((journalDir == null) == (journal == null)) {
                throw new IllegalArgumentException(
                        journal == null
                                ? "no journal: set journalDir(path) or journal(journal)"
                                : "both journalDir and journal are set; set one");
            }
            if (fsync && journal != null) {
                throw new IllegalArgumentException("fsync applies to a journal the collector opens (journalDir); "
                        + "open yours with Journal.builder(dir).fsync(true)");
            }
            for (String key : writeKeys) {
                check(CollectorSettings.WRITE_KEY, "writeKey", List.of(key));
            }
            if (writeKeys.isEmpty() && !allowAnonymous) {
                throw new IllegalStateException("no write key configured: give at least one write key,"
                        + " or allow anonymous requests explicitly");
            }
            check(CollectorSettings.MAX_REQUEST_SIZE, "maxRequestBytes", (long) maxRequestBytes);
            check(CollectorSettings.MAX_EVENT_SIZE, "maxEventBytes", (long) maxEventBytes);
            if (maxEventBytes > maxRequestBytes) {
                throw new IllegalArgumentException("maxEventBytes(" + maxEventBytes + "): must not exceed"
                        + " maxRequestBytes (" + maxRequestBytes + ")");
            }
            check(CollectorSettings.RATE_LIMIT, "rateLimit", rateLimit);
            check(CollectorSettings.MIN_FREE_DISK, "minFreeDiskBytes", minFreeDiskBytes);
            check(CollectorSettings.IO_THREADS, "ioThreads", ioThreads);
            check(CollectorSettings.WORKER_THREADS, "workerThreads", workerThreads);
            check(CollectorSettings.READ_TIMEOUT, "readTimeout", readTimeout);
            check(CollectorSettings.SHUTDOWN_TIMEOUT, "shutdownTimeout", shutdownTimeout);
            check(CollectorSettings.MAX_CONNECTIONS, "maxConnections", maxConnections);
            check(CollectorSettings.MAX_HEADER_SIZE, "maxHeaderBytes", (long) maxHeaderBytes);
            check(CollectorSettings.METRICS_KEY, "metricsKey", metricsKey);
            check(CollectorSettings.CONSOLE_ADMIN_KEY, "consoleAdminKey", consoleAdminKey);
            check(CollectorSettings.CONSOLE_WRITER_METRICS, "consoleWriterMetrics", consoleWriterMetrics);
            ConsoleSettings consoleSettings = new ConsoleSettings(console, consoleAdminKey, consoleWriterMetrics);
            SSLContext tls = tlsKeystore == null ? null : TlsKeystore.load(tlsKeystore, tlsKeystorePassword);
            Settings settings = new Settings(
                    host,
                    port,
                    Set.copyOf(writeKeys),
                    allowAnonymous,
                    trustProxy,
                    maxEventBytes,
                    maxRequestBytes,
                    rateLimit,
                    minFreeDiskBytes,
                    ioThreads,
                    workerThreads,
                    readTimeout,
                    shutdownTimeout,
                    maxConnections,
                    maxHeaderBytes,
                    tls,
                    tlsKeystore,
                    metricsKey,
                    clock);
            boolean owns = journal == null;
            Journal given = journal;
            Path dir = journalDir;
            boolean sync = fsync;
            Supplier<Journal> opener =
                    owns ? () -> Journal.builder(dir).fsync(sync).build() : () -> given;
            return new Collector(new CollectorServer(settings, consoleSettings, opener, owns));
        }

        /** Applies {@code setting}'s rule, naming the builder method: the command line names the flag. */
        private static <T> void check(Setting<T> setting, String method, T value) {
            try {
                setting.validate(value);
            } catch (IllegalArgumentException e) {
                String shown = setting.secret() ? "" : setting.type().format(value);
                throw new IllegalArgumentException(method + "(" + shown + "): " + e.getMessage(), e);
            }
        }
    }
}
