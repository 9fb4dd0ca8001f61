package io.spool.collector;

import io.spool.journal.Journal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar spool-collector.jar}: runs the collector until SIGTERM or SIGINT, then shuts it
 * down gracefully (new requests get 503, requests in flight are answered, the journal is closed) and
 * exits 0. Every option also reads an environment variable.
 */
@Command(name = "spool-collector", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = CollectorMain.Version.class, subcommands = TailCommand.class,
        description = "Receives events over Segment's HTTP tracking API and stores them in the Spool journal "
                + "before answering.%nEvery option also reads the environment variable named in its description.")
public final class CollectorMain implements Callable<Integer> {
    /** The command line running this, so that errors go to its error stream (tests capture it). */
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "${env:SPOOL_PORT:-8088}",
            description = "Port to listen on (0: any free port). Env SPOOL_PORT. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "${env:SPOOL_HOST:-0.0.0.0}",
            description = "Address to bind. Env SPOOL_HOST. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--journal-dir", defaultValue = "${env:SPOOL_JOURNAL_DIR:-data/journal}",
            description = "Journal folder (created if missing). Env SPOOL_JOURNAL_DIR. Default: ${DEFAULT-VALUE}.")
    Path journalDir;

    @Option(names = "--write-key", paramLabel = "KEY", split = ",", defaultValue = "${env:SPOOL_WRITE_KEYS}",
            description = "A write key clients may send (repeatable). Env SPOOL_WRITE_KEYS (comma-separated).")
    List<String> writeKeys = new ArrayList<>();

    @Option(names = "--write-keys-file", paramLabel = "FILE", defaultValue = "${env:SPOOL_WRITE_KEYS_FILE}",
            description = "A file of write keys, one a line (blank lines and # comments skipped). Env SPOOL_WRITE_KEYS_FILE.")
    Path writeKeysFile;

    @Option(names = "--allow-anonymous", defaultValue = "${env:SPOOL_ALLOW_ANONYMOUS:-false}",
            description = "Accept requests without a write key (and, with no keys configured, any key). Env SPOOL_ALLOW_ANONYMOUS.")
    boolean allowAnonymous;

    @Option(names = "--max-event-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SPOOL_MAX_EVENT_SIZE:-32KB}",
            description = "Largest event (JSON bytes); larger ones are dead-lettered. 1 KB = 1024 bytes. Env SPOOL_MAX_EVENT_SIZE. Default: ${DEFAULT-VALUE}.")
    long maxEventSize;

    @Option(names = "--max-request-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SPOOL_MAX_REQUEST_SIZE:-500KB}",
            description = "Largest request body after gzip inflation; larger get 413. Env SPOOL_MAX_REQUEST_SIZE. Default: ${DEFAULT-VALUE}.")
    long maxRequestSize;

    @Option(names = "--trust-proxy", defaultValue = "${env:SPOOL_TRUST_PROXY:-false}",
            description = "Take the client IP from X-Forwarded-For (only behind a proxy you run). Env SPOOL_TRUST_PROXY.")
    boolean trustProxy;

    @Option(names = "--fsync", defaultValue = "${env:SPOOL_FSYNC:-false}",
            description = "Force each append to disk before answering 200 (survives power loss; slower). Env SPOOL_FSYNC.")
    boolean fsync;

    @Option(names = "--rate-limit", paramLabel = "EVENTS_PER_SECOND", defaultValue = "${env:SPOOL_RATE_LIMIT:-0}",
            description = "Events per second per write key; past it 429 with Retry-After. 0: no limit. Env SPOOL_RATE_LIMIT. Default: ${DEFAULT-VALUE}.")
    double rateLimit;

    @Option(names = "--min-free-disk", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SPOOL_MIN_FREE_DISK:-256MB}",
            description = "Answer 503 when the journal's disk has less free space. Env SPOOL_MIN_FREE_DISK. Default: ${DEFAULT-VALUE}.")
    long minFreeDisk;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "${env:SPOOL_IO_THREADS:-0}",
            description = "Undertow I/O threads (0: one per core). Env SPOOL_IO_THREADS.")
    int ioThreads;

    @Option(names = "--worker-threads", paramLabel = "N", defaultValue = "${env:SPOOL_WORKER_THREADS:-0}",
            description = "Threads that parse and append (0: eight per core). Env SPOOL_WORKER_THREADS.")
    int workerThreads;

    @Option(names = "--read-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:SPOOL_READ_TIMEOUT:-30s}",
            description = "How long a client may take to send headers or body, or idle. Env SPOOL_READ_TIMEOUT. Default: ${DEFAULT-VALUE}.")
    Duration readTimeout;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:SPOOL_SHUTDOWN_TIMEOUT:-30s}",
            description = "On SIGTERM, how long to wait for requests in flight. Env SPOOL_SHUTDOWN_TIMEOUT. Default: ${DEFAULT-VALUE}.")
    Duration shutdownTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:SPOOL_MAX_CONNECTIONS:-10000}",
            description = "Open connections past which new ones wait in the kernel's accept queue. Env SPOOL_MAX_CONNECTIONS. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-header-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SPOOL_MAX_HEADER_SIZE:-16KB}",
            description = "Largest request line plus headers; larger get 400 and the connection closed. Env SPOOL_MAX_HEADER_SIZE. Default: ${DEFAULT-VALUE}.")
    long maxHeaderSize;

    @Option(names = "--tls-keystore", paramLabel = "FILE", defaultValue = "${env:SPOOL_TLS_KEYSTORE}",
            description = "Serve HTTPS (instead of HTTP) with the key and certificate in this PKCS12 or JKS keystore. Env SPOOL_TLS_KEYSTORE.")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", defaultValue = "${env:SPOOL_TLS_KEYSTORE_PASSWORD}",
            description = "The keystore's password (also the key's). Env SPOOL_TLS_KEYSTORE_PASSWORD (better: a command line is visible to every user).")
    String tlsKeystorePassword;

    @Option(names = "--metrics-key", paramLabel = "KEY", defaultValue = "${env:SPOOL_METRICS_KEY}",
            description = "Require Authorization: Bearer KEY (or Basic auth with KEY as password) on /metrics; /health stays open. Env SPOOL_METRICS_KEY.")
    String metricsKey;

    @Option(names = "--console", defaultValue = "${env:SPOOL_CONSOLE:-false}",
            description = "Serve the live console at /console (recent events as stored, dead letters, rates, the"
                    + " writer's lag, properties by event name). Env SPOOL_CONSOLE.")
    boolean console;

    @Option(names = "--console-admin-key", paramLabel = "KEY", defaultValue = "${env:SPOOL_CONSOLE_ADMIN_KEY}",
            description = "A key with which a console viewer sees every write key's events (without it, a viewer"
                    + " sees only the write keys it enters). Env SPOOL_CONSOLE_ADMIN_KEY.")
    String consoleAdminKey;

    @Option(names = "--console-writer-metrics", paramLabel = "URL", defaultValue = "${env:SPOOL_CONSOLE_WRITER_METRICS}",
            description = "The storage writer's metrics (http://host:PORT/metrics of its --metrics-port), for the"
                    + " console's lag and last commit. Env SPOOL_CONSOLE_WRITER_METRICS.")
    String consoleWriterMetrics;

    public static void main(String[] args) {
        Journal.disableChronicleAnalytics();
        quietLibraryLogs();
        CommandLine cli = new CommandLine(new CollectorMain());
        // UTF-8 whatever the locale says: tail prints stored events, whose text is UTF-8.
        cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("spool-collector: " + e.getMessage());
            return 1;
        });
        int status;
        try {
            status = cli.execute(args);
        } catch (Throwable t) {
            // Undertow's worker threads are not daemons: without an exit here the JVM would linger.
            System.err.println("spool-collector: " + t);
            status = 1;
        }
        System.exit(status);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> keys = new ArrayList<>();
        for (String key : writeKeys) {
            if (!key.isBlank()) {
                keys.add(key.strip());
            }
        }
        if (writeKeysFile != null) {
            try {
                for (String line : Files.readAllLines(writeKeysFile)) {
                    String key = line.strip();
                    if (!key.isEmpty() && !key.startsWith("#")) {
                        keys.add(key);
                    }
                }
            } catch (IOException e) {
                err.println("spool-collector: cannot read the write keys file " + writeKeysFile + ": " + e);
                return 2;
            }
        }
        if (keys.isEmpty() && !allowAnonymous) {
            err.println("spool-collector: no write key configured; pass --write-key KEY (or --write-keys-file,"
                    + " SPOOL_WRITE_KEYS), or --allow-anonymous to accept events without one");
            return 2;
        }
        if (tlsKeystorePassword != null && !tlsKeystorePassword.isEmpty()
                && (tlsKeystore == null || tlsKeystore.toString().isEmpty())) {
            err.println("spool-collector: --tls-keystore-password (SPOOL_TLS_KEYSTORE_PASSWORD) is set but --tls-keystore"
                    + " (SPOOL_TLS_KEYSTORE) is not");
            return 2;
        }
        Collector.Builder builder = Collector.builder()
                .host(host)
                .port(port)
                .journalDir(journalDir)
                .fsync(fsync)
                .writeKeys(keys)
                .allowAnonymous(allowAnonymous)
                .trustProxy(trustProxy)
                .maxEventBytes(toInt(maxEventSize, "--max-event-size"))
                .maxRequestBytes(toInt(maxRequestSize, "--max-request-size"))
                .rateLimit(rateLimit)
                .minFreeDiskBytes(minFreeDisk)
                .readTimeout(readTimeout)
                .shutdownTimeout(shutdownTimeout)
                .maxHeaderBytes(toInt(maxHeaderSize, "--max-header-size"));
        if (tlsKeystore != null && !tlsKeystore.toString().isEmpty()) {
            builder.tlsKeystore(tlsKeystore, tlsKeystorePassword == null ? "" : tlsKeystorePassword);
        }
        if (metricsKey != null && !metricsKey.isEmpty()) {
            builder.metricsKey(metricsKey);
        }
        builder.console(console);
        if (consoleAdminKey != null && !consoleAdminKey.isEmpty()) {
            builder.consoleAdminKey(consoleAdminKey);
        }
        if (consoleWriterMetrics != null && !consoleWriterMetrics.isEmpty()) {
            try {
                builder.consoleWriterMetrics(java.net.URI.create(consoleWriterMetrics));
            } catch (IllegalArgumentException e) {
                err.println("spool-collector: --console-writer-metrics '" + consoleWriterMetrics + "' is not a URL");
                return 2;
            }
        }
        if (ioThreads > 0) {
            builder.ioThreads(ioThreads);
        }
        if (workerThreads > 0) {
            builder.workerThreads(workerThreads);
        }
        builder.maxConnections(maxConnections);
        Collector collector;
        try {
            collector = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("spool-collector: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Handling TERM and INT ourselves (rather than in a shutdown hook) is what lets the JVM exit 0.
        SignalTrap.onTermination(stop::countDown);
        try {
            collector.start();
        } catch (IllegalStateException e) {
            collector.close();
            err.println("spool-collector: " + e.getMessage());
            return 1;
        }
        stop.await();
        collector.close();
        return 0;
    }

    private static int toInt(long bytes, String option) {
        if (bytes > Integer.MAX_VALUE) {
            throw new CommandLine.ParameterException(new CommandLine(new CollectorMain()),
                    option + " " + bytes + " is over 2 GB");
        }
        return (int) bytes;
    }

    /** Keeps Undertow's and XNIO's start-up chatter out of the log; warnings still show. */
    private static void quietLibraryLogs() {
        System.setProperty("org.jboss.logging.provider", "slf4j");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setIfAbsent("org.slf4j.simpleLogger.log.org.xnio", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.jboss", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.undertow", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft", "warn");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Sizes like {@code 32768}, {@code 32KB}, {@code 500kb}, {@code 256MB}, {@code 1GB} (powers of 1024). */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.strip().toUpperCase(Locale.ROOT).replace("IB", "B");
            long unit = 1;
            if (v.endsWith("KB") || v.endsWith("K")) {
                unit = 1024;
            } else if (v.endsWith("MB") || v.endsWith("M")) {
                unit = 1024 * 1024;
            } else if (v.endsWith("GB") || v.endsWith("G")) {
                unit = 1024L * 1024 * 1024;
            }
            String digits = v.replaceAll("[KMGB]+$", "").strip();
            try {
                long n = Long.parseLong(digits);
                if (n < 0) {
                    throw new CommandLine.TypeConversionException("size '" + value + "' is negative");
                }
                return Math.multiplyExact(n, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size like 32KB or 500000");
            }
        }
    }

    /** Durations like {@code 30s}, {@code 500ms}, {@code 2m}, or ISO-8601 {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt") || v.startsWith("p")) {
                    return Duration.parse(value.strip());
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("h")) {
                    return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("d")) {
                    return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 30s, 500ms or 2m");
            }
        }
    }

    /** The version in the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CollectorMain.class.getPackage().getImplementationVersion();
            return new String[] {"spool-collector " + (v == null ? "(development build)" : v)};
        }
    }
}
