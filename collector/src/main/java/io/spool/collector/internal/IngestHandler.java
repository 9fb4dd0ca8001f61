package io.spool.collector.internal;

import io.spool.collector.internal.console.ConsoleHandler;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of ingest, all of it on the I/O thread that owns the connection: what needs no body
 * (route, method, CORS, encoding, size, Basic auth, journal state), a non-blocking read of the whole
 * body into a pooled workspace ({@link BodyReader}), then the body's processing up to its encoded
 * records ({@link Ingest#prepare}), which never waits. Without fsync the append, a copy into the
 * mapped journal, is done here too and the request answered at once; with fsync the append and the
 * answer, which wait for the disk, are the {@link AppendLoop}'s (group commit). No worker thread is
 * involved: measured against dispatching each body to one of sixteen workers, and against handing every
 * append to one appender thread (BENCHMARKS.md), this saves the thread hand-offs and wake-ups per
 * request.
 */
final class IngestHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString FORWARDED_FOR = new HttpString("X-Forwarded-For");
    private static final String JSON = "application/json";

    private final Settings settings;
    private final WriteKeys writeKeys;
    private final Ingest ingest;
    private final JournalSink sink;
    private final AppendLoop appends;
    private final CollectorMetrics metrics;
    private final RefusedKeys refusedKeys;
    private final WorkspacePool workspaces = new WorkspacePool();
    private final ShutdownState shutdown;
    private final MetricsKey metricsKey;
    /** The console's routes, or null when it is off; asked only for paths that are no ingest route. */
    private final ConsoleHandler console;

    IngestHandler(
            Settings settings,
            WriteKeys writeKeys,
            Ingest ingest,
            JournalSink sink,
            AppendLoop appends,
            CollectorMetrics metrics,
            RefusedKeys refusedKeys,
            ShutdownState shutdown,
            ConsoleHandler console) {
        this.console = console;
        this.refusedKeys = refusedKeys;
        this.settings = settings;
        this.writeKeys = writeKeys;
        this.ingest = ingest;
        this.sink = sink;
        this.appends = appends;
        this.metrics = metrics;
        this.shutdown = shutdown;
        this.metricsKey = new MetricsKey(settings.metricsKey());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = Routes.normalize(exchange.getRequestPath());
        switch (path) {
            case Routes.HEALTH:
                health(exchange);
                return;
            case Routes.METRICS:
                metrics(exchange);
                return;
            default:
                break;
        }
        Routes.Ingest route = Routes.ingest(path);
        if (route == null && console != null && ConsoleHandler.handles(path)) {
            try {
                console.handleRequest(exchange);
            } catch (Exception e) {
                respond(exchange, Routes.CONSOLE_ID, Outcome.error(500, "the console failed: " + e));
            }
            return;
        }
        if (route == null) {
            respond(
                    exchange,
                    Routes.OTHER_ID,
                    Outcome.error(404, "no such path: " + RequestParser.quote(exchange.getRequestPath())));
            return;
        }
        int id = route.id;
        HeaderMap responseHeaders = exchange.getResponseHeaders();
        responseHeaders.put(ALLOW_ORIGIN, "*");
        if (exchange.getRequestMethod().equals(Methods.OPTIONS)) {
            preflight(exchange, id);
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            responseHeaders.put(Headers.ALLOW, "POST, OPTIONS");
            respond(
                    exchange,
                    id,
                    Outcome.error(405, exchange.getRequestMethod() + " is not allowed on " + path + "; use POST"));
            return;
        }
        if (!shutdown.tryEnter()) {
            respond(exchange, id, Outcome.error(503, "the collector is shutting down"));
            return;
        }
        exchange.addExchangeCompleteListener((ex, next) -> {
            shutdown.exit();
            next.proceed();
        });
        HeaderMap requestHeaders = exchange.getRequestHeaders();
        String encoding = requestHeaders.getFirst(Headers.CONTENT_ENCODING);
        boolean gzip;
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            gzip = false;
        } else if (encoding.trim().equalsIgnoreCase("gzip") || encoding.trim().equalsIgnoreCase("x-gzip")) {
            gzip = true;
        } else {
            respond(
                    exchange,
                    id,
                    Outcome.error(
                            415,
                            "unsupported Content-Encoding " + RequestParser.quote(encoding)
                                    + "; send gzip or no encoding"));
            return;
        }
        long contentLength = exchange.getRequestContentLength();
        if (contentLength > (long) BodyReader.DISCARD_FACTOR * settings.maxRequestBytes()) {
            // Far too large to read and drop: answer now; the client may see a reset instead.
            respond(
                    exchange,
                    id,
                    Outcome.error(
                            413,
                            "body is " + contentLength + " bytes, over the limit of " + settings.maxRequestBytes()
                                    + " bytes"));
            return;
        }
        String headerKey = null;
        String authorization = requestHeaders.getFirst(Headers.AUTHORIZATION);
        if (authorization != null) {
            headerKey = WriteKeys.fromAuthorization(authorization);
            if (headerKey == null) {
                respond(
                        exchange,
                        id,
                        Outcome.error(
                                401, "the Authorization header is not Basic auth with the write key as user name"));
                return;
            }
            if (!writeKeys.accepts(headerKey)) {
                refusedKeys.refused(headerKey);
                respond(exchange, id, Outcome.error(401, "unknown write key"));
                return;
            }
        }
        String unwritable = sink.unwritableReason();
        if (unwritable != null) {
            respond(exchange, id, Outcome.unavailable("events not stored: " + unwritable, 1));
            return;
        }
        String ip = clientIp(exchange);
        String key = headerKey;
        // Undertow's own bound sits above the limit, so that an oversized body can be read and dropped.
        exchange.setMaxEntitySize((long) BodyReader.DISCARD_FACTOR * settings.maxRequestBytes());
        BodyReader.read(exchange, workspaces.take(), settings.maxRequestBytes(), new BodyReader.Callback() {
            @Override
            public void onBody(HttpServerExchange ex, Workspace ws, int length) {
                process(ex, ws, route, length, gzip, key, ip);
            }

            @Override
            public void onTooLarge(HttpServerExchange ex, Workspace ws) {
                workspaces.give(ws);
                respond(
                        ex,
                        id,
                        Outcome.error(413, "body is over the limit of " + settings.maxRequestBytes() + " bytes"));
            }

            @Override
            public void onFailure(HttpServerExchange ex, Workspace ws, java.io.IOException e) {
                workspaces.give(ws);
                // The client went away or stalled past the read timeout: nobody to answer.
                log.debug("Reading a request body failed: {}", e.toString());
                ex.endExchange();
            }
        });
    }

    /** Prepares the body here (on the I/O thread); a request with events to store goes to the append loop. */
    private void process(
            HttpServerExchange exchange,
            Workspace ws,
            Routes.Ingest route,
            int length,
            boolean gzip,
            String key,
            String ip) {
        Outcome refused;
        try {
            refused = ingest.prepare(ws, route.single, length, gzip, key, ip);
        } catch (RuntimeException | Error e) {
            log.error("Processing a request failed; answering 500", e);
            refused = Outcome.internalError();
        }
        if (refused != null) {
            workspaces.give(ws);
            respond(exchange, route.id, refused);
            return;
        }
        if (appends == null) {
            // Without fsync the append is a copy into the mapped file that never waits for the disk: done
            // here, under the journal's lock, it saves two thread hand-offs and a wake-up per request.
            Outcome outcome;
            try {
                outcome = ingest.appendUnsynced(ws, route.single);
            } catch (RuntimeException | Error e) {
                log.error("Appending a request failed; answering 500", e);
                outcome = Outcome.internalError();
            }
            workspaces.give(ws);
            respond(exchange, route.id, outcome);
            return;
        }
        // Dispatched to the same thread: tells Undertow the exchange is not over when the handler
        // returns; the append loop's thread answers it once its group's sync is done.
        exchange.dispatch(
                SameThreadExecutor.INSTANCE,
                () -> appends.submit(ws, route.single, outcome -> {
                    workspaces.give(ws);
                    respond(exchange, route.id, outcome);
                }));
    }

    private String clientIp(HttpServerExchange exchange) {
        if (settings.trustProxy()) {
            String forwarded = exchange.getRequestHeaders().getFirst(FORWARDED_FOR);
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma >= 0 ? forwarded.substring(0, comma) : forwarded).trim();
            }
        }
        return exchange.getSourceAddress().getAddress().getHostAddress();
    }

    private void preflight(HttpServerExchange exchange, int route) {
        HeaderMap h = exchange.getResponseHeaders();
        h.put(ALLOW_METHODS, "POST, OPTIONS");
        h.put(ALLOW_HEADERS, "Authorization, Content-Type, Content-Encoding");
        h.put(MAX_AGE, "86400");
        exchange.setStatusCode(204);
        metrics.request(route, 204);
        exchange.endExchange();
    }

    private void health(HttpServerExchange exchange) {
        if (!isGet(exchange, Routes.HEALTH_ID)) {
            return;
        }
        String reason = shutdown.closing() ? "the collector is shutting down" : sink.unwritableReason();
        if (reason != null) {
            respond(exchange, Routes.HEALTH_ID, Outcome.error(503, reason));
            return;
        }
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
        metrics.request(Routes.HEALTH_ID, 200);
        exchange.getResponseSender().send("{\"status\":\"ok\",\"journal\":\"writable\"}");
    }

    private void metrics(HttpServerExchange exchange) {
        if (!isGet(exchange, Routes.METRICS_ID)) {
            return;
        }
        if (!metricsKey.allows(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"spool-metrics\"");
            respond(
                    exchange,
                    Routes.METRICS_ID,
                    Outcome.error(401, "/metrics needs the metrics key: send Authorization: Bearer <key>"));
            return;
        }
        byte[] text = metrics.scrape();
        metrics.request(Routes.METRICS_ID, 200); // after the scrape, so that a scrape does not count itself
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, CollectorMetrics.CONTENT_TYPE);
        exchange.getResponseSender().send(ByteBuffer.wrap(text));
    }

    private boolean isGet(HttpServerExchange exchange, int route) {
        if (exchange.getRequestMethod().equals(Methods.GET)
                || exchange.getRequestMethod().equals(Methods.HEAD)) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
        respond(
                exchange,
                route,
                Outcome.error(
                        405,
                        exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestPath() + "; use GET"));
        return false;
    }

    private void respond(HttpServerExchange exchange, int route, Outcome outcome) {
        metrics.request(route, outcome.status);
        exchange.setStatusCode(outcome.status);
        HeaderMap h = exchange.getResponseHeaders();
        h.put(Headers.CONTENT_TYPE, JSON);
        if (outcome.retryAfterSeconds > 0) {
            h.put(Headers.RETRY_AFTER, Long.toString(outcome.retryAfterSeconds));
        }
        if ((outcome.status == 503 && shutdown.closing()) || !exchange.isRequestComplete()) {
            // Answered without reading the body (or shutting down): the connection cannot be reused
            // safely, and saying so spares the client a failed request on it.
            h.put(Headers.CONNECTION, "close");
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(outcome.body));
    }
}
