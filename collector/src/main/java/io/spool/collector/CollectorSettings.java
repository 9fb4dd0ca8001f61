package io.spool.collector;

import io.spool.config.Logging;
import io.spool.config.Setting;
import io.spool.config.SettingsDef;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of {@code spool-collector}, declared once: the command line's options, {@code --help},
 * the {@code SPOOL_*} environment variables and the README's table come from here (a test fails when
 * the README disagrees).
 */
public final class CollectorSettings {
    private CollectorSettings() {}

    public static final Setting<Integer> PORT = Setting.builder("port", Setting.INT)
            .defaultValue(8088)
            .check(Setting.between(0, 65_535))
            .doc("port to listen on; `0` picks a free one (the start-up line names it)")
            .build();
    public static final Setting<String> HOST = Setting.builder("host", Setting.STRING)
            .defaultValue("0.0.0.0")
            .label("ADDRESS")
            .doc("address to bind")
            .build();
    public static final Setting<Path> JOURNAL_DIR = Setting.builder("journal-dir", Setting.PATH)
            .defaultValue(Path.of("data/journal"))
            .doc("the journal folder (created if missing); give the storage writer the same one")
            .build();
    public static final Setting<List<String>> WRITE_KEY = Setting.builder("write-key", Setting.LIST)
            .defaultValue(List.of())
            .defaultText("none")
            .label("KEY")
            .env("SPOOL_WRITE_KEYS")
            .check(CollectorSettings::writeKeysProblem)
            .doc("a write key clients may send; repeat the option (or separate with commas) for several")
            .build();
    public static final Setting<Path> WRITE_KEYS_FILE = Setting.builder("write-keys-file", Setting.PATH)
            .label("FILE")
            .doc("a file of write keys, one a line; blank lines and `#` comments are skipped")
            .build();
    public static final Setting<Boolean> ALLOW_ANONYMOUS = Setting.builder("allow-anonymous", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("accept requests that carry no write key; with no key configured at all, any key is accepted"
                    + " (and stored with the event)")
            .build();
    public static final Setting<Long> MAX_EVENT_SIZE = Setting.builder("max-event-size", Setting.SIZE)
            .defaultValue((long) Collector.Builder.DEFAULT_MAX_EVENT_BYTES)
            .check(Setting.sizeBetween(1, Integer.MAX_VALUE))
            .doc("largest event (its JSON); a larger one is refused and dead-lettered. Sizes: bytes, or `KB`/`MB`/`GB`"
                    + " (powers of 1024)")
            .build();
    public static final Setting<Long> MAX_REQUEST_SIZE = Setting.builder("max-request-size", Setting.SIZE)
            .defaultValue((long) Collector.Builder.DEFAULT_MAX_REQUEST_BYTES)
            .check(Setting.sizeBetween(1, Integer.MAX_VALUE))
            .doc("largest request body after gzip inflation; larger gets `413` (a gzip bomb stops inflating there)")
            .build();
    public static final Setting<Boolean> TRUST_PROXY = Setting.builder("trust-proxy", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("for events without a `context.ip`, take the client IP from the first `X-Forwarded-For` entry; only"
                    + " behind a load balancer you run")
            .build();
    public static final Setting<Boolean> FSYNC = Setting.builder("fsync", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("force each append to disk before answering (survives power loss; costs throughput). Group commit:"
                    + " requests that arrive while a sync runs share the next one (`spool_journal_fsyncs_total`)")
            .build();
    public static final Setting<Double> RATE_LIMIT = Setting.builder("rate-limit", Setting.DOUBLE)
            .defaultValue(0.0)
            .defaultText("0 (off)")
            .label("EVENTS_PER_SECOND")
            .check(v -> v >= 0 && !Double.isInfinite(v) ? null : "must be a finite number, 0 or more")
            .doc("events per second per write key (a token bucket holding one second's worth); past it `429` with"
                    + " `Retry-After`")
            .build();
    public static final Setting<Long> MIN_FREE_DISK = Setting.builder("min-free-disk", Setting.SIZE)
            .defaultValue(256L << 20)
            .check(v -> v < 0 ? "must not be negative" : null)
            .doc("below this much free space on the journal's disk, answer `503` before reading a body (room left for"
                    + " the writer's and the system's files; the journal's own appends are safe to the last byte, see"
                    + " [RELIABILITY.md](RELIABILITY.md#full-disk))")
            .build();
    public static final Setting<Integer> IO_THREADS = Setting.builder("io-threads", Setting.INT)
            .defaultText("one per core")
            .check(Setting.atLeast(1))
            .doc("Undertow I/O threads: accept, read, parse and encode each request, write answers")
            .build();
    public static final Setting<Integer> WORKER_THREADS = Setting.builder("worker-threads", Setting.INT)
            .defaultText("eight per core")
            .check(Setting.atLeast(1))
            .doc("Undertow's worker pool; ingest no longer uses it (the I/O threads parse and one append thread"
                    + " writes and answers), so it matters only for blocking work")
            .build();
    public static final Setting<Duration> READ_TIMEOUT = Setting.builder("read-timeout", Setting.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .check(Setting.durationAtLeast(Duration.ofMillis(1)))
            .doc("how long a client may take to send its headers, then its whole body, or sit idle on a connection (or"
                    + " in a TLS handshake); then the connection is closed. Durations: `500ms`, `30s`, `2m`, `1h`, `7d`,"
                    + " `PT30S`")
            .build();
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.builder("shutdown-timeout", Setting.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .check(Setting.durationAtLeast(Duration.ZERO))
            .doc("on SIGTERM, how long requests in flight get to finish")
            .build();
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.builder("max-connections", Setting.INT)
            .defaultValue(Collector.Builder.DEFAULT_MAX_CONNECTIONS)
            .check(Setting.atLeast(1))
            .doc("open connections at most; past it the collector stops accepting and new connections wait in the"
                    + " kernel's accept queue (1,000 long) until one closes, or their client's connect times out. Idle"
                    + " connections close after `--read-timeout`. Keep `LimitNOFILE` above it")
            .build();
    public static final Setting<Long> MAX_HEADER_SIZE = Setting.builder("max-header-size", Setting.SIZE)
            .defaultValue((long) Collector.Builder.DEFAULT_MAX_HEADER_BYTES)
            .check(Setting.sizeBetween(1024, Integer.MAX_VALUE))
            .doc("largest request line plus headers; a larger request gets `400` with an empty body (Undertow answers"
                    + " before Spool sees it) and its connection closed")
            .build();
    public static final Setting<Path> TLS_KEYSTORE = Setting.builder("tls-keystore", Setting.PATH)
            .label("FILE")
            .doc("serve HTTPS instead of HTTP on `--port`, with the private key and certificate chain in this PKCS12 or"
                    + " JKS keystore (the type is read from the file)")
            .build();
    public static final Setting<String> TLS_KEYSTORE_PASSWORD = Setting.builder("tls-keystore-password", Setting.STRING)
            .defaultText("empty")
            .label("PASSWORD")
            .secret()
            .doc("the keystore's password, which must also be its key's; prefer the environment variable (a command"
                    + " line is visible to every user of the machine)")
            .build();
    public static final Setting<String> METRICS_KEY = Setting.builder("metrics-key", Setting.STRING)
            .defaultText("none (open)")
            .label("KEY")
            .secret()
            .check(v -> printableAscii(v)
                    ? null
                    : "must be printable ASCII without spaces (it is sent in an Authorization header)")
            .doc("`/metrics` then needs `Authorization: Bearer KEY` (or Basic auth with `KEY` as password) and answers"
                    + " `401` otherwise; `/health` stays open")
            .build();
    public static final Setting<Boolean> CONSOLE = Setting.builder("console", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("serve the [live console](#the-live-console-and-tail) at `/console`")
            .build();
    public static final Setting<String> CONSOLE_ADMIN_KEY = Setting.builder("console-admin-key", Setting.STRING)
            .label("KEY")
            .secret()
            .check(v -> v.length() >= 8 && v.indexOf(',') < 0 && printableAscii(v)
                    ? null
                    : "must be at least 8 printable ASCII characters without spaces or commas (it is sent in an"
                            + " Authorization header)")
            .doc("a key (8+ printable ASCII characters, no spaces or commas) with which a console viewer sees every"
                    + " write key's events; without it a viewer sees only the write keys it enters")
            .build();
    public static final Setting<URI> CONSOLE_WRITER_METRICS = Setting.builder("console-writer-metrics", Setting.URL)
            .check(u -> "http".equals(u.getScheme()) || "https".equals(u.getScheme())
                    ? null
                    : "must be an http:// or https:// URL")
            .doc("the storage writer's metrics URL (`http://host:PORT/metrics` of its `--metrics-port`), for the"
                    + " console's writer lag and last commit")
            .build();

    /** All of them, in the order {@code --help} and the README list them. */
    public static final SettingsDef ALL = SettingsDef.of(
            PORT,
            HOST,
            JOURNAL_DIR,
            WRITE_KEY,
            WRITE_KEYS_FILE,
            ALLOW_ANONYMOUS,
            MAX_EVENT_SIZE,
            MAX_REQUEST_SIZE,
            TRUST_PROXY,
            FSYNC,
            RATE_LIMIT,
            MIN_FREE_DISK,
            IO_THREADS,
            WORKER_THREADS,
            READ_TIMEOUT,
            SHUTDOWN_TIMEOUT,
            MAX_CONNECTIONS,
            MAX_HEADER_SIZE,
            TLS_KEYSTORE,
            TLS_KEYSTORE_PASSWORD,
            METRICS_KEY,
            CONSOLE,
            CONSOLE_ADMIN_KEY,
            CONSOLE_WRITER_METRICS,
            Logging.LOG_LEVEL,
            Logging.LOG_FORMAT);

    private static boolean printableAscii(String v) {
        return !v.isEmpty() && v.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e);
    }

    private static String writeKeysProblem(List<String> keys) {
        for (String key : keys) {
            if (key.isEmpty() || key.indexOf(':') >= 0 || !key.strip().equals(key)) {
                return "write key \"" + key + "\" is empty, has a colon or surrounding spaces (it is sent as a Basic"
                        + " auth user name)";
            }
        }
        return null;
    }
}
