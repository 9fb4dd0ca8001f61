package io.spool.collector.internal.console;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The console's routes under {@code /console}: the page and its two files, and {@code /console/stream},
 * the live feed as server-sent events. A viewer proves what it may see with
 * {@code Authorization: Bearer KEY[,KEY…]}: the admin key sees every write key's events, a write key
 * only its own. The page sends the header from {@code fetch} (an {@code EventSource} cannot), so keys
 * never travel in a URL, where access logs and browser history would keep them.
 */
public final class ConsoleHandler implements HttpHandler {
    public static final String PREFIX = "/console";
    private static final HttpString CSP = new HttpString("Content-Security-Policy");
    private static final HttpString CACHE = new HttpString("Cache-Control");
    private static final HttpString NO_SNIFF = new HttpString("X-Content-Type-Options");

    private final ConsoleFeed feed;
    private final byte[] adminKey;
    private final Predicate<String> writeKeyAccepted;
    private final ServerSentEventHandler stream;
    private final long keepAliveMillis;
    private final Map<String, Asset> assets = Map.of(
            "/console", new Asset("index.html", "text/html; charset=utf-8"),
            "/console/", new Asset("index.html", "text/html; charset=utf-8"),
            "/console/console.js", new Asset("console.js", "text/javascript; charset=utf-8"),
            "/console/console.css", new Asset("console.css", "text/css; charset=utf-8"));

    /**
     * @param adminKey the key that sees everything, or null for none (write keys only)
     * @param writeKeyAccepted whether a key is one the collector accepts events for
     */
    public ConsoleHandler(
            ConsoleFeed feed, String adminKey, Predicate<String> writeKeyAccepted, long readTimeoutMillis) {
        this.feed = feed;
        // A comment line this often keeps the stream from looking idle to the collector's own idle timeout
        // (--read-timeout) and to proxies in between.
        this.keepAliveMillis = Math.max(100, Math.min(15_000, readTimeoutMillis / 3));
        this.adminKey = adminKey == null ? null : adminKey.getBytes(StandardCharsets.UTF_8);
        this.writeKeyAccepted = writeKeyAccepted;
        this.stream = new ServerSentEventHandler(this::connected);
    }

    /** Whether a request path is the console's (the collector routes these here before anything else). */
    public static boolean handles(String path) {
        return path.startsWith(PREFIX) && (path.length() == PREFIX.length() || path.charAt(PREFIX.length()) == '/');
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        exchange.getResponseHeaders().put(CACHE, "no-store");
        exchange.getResponseHeaders().put(NO_SNIFF, "nosniff");
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
            error(exchange, 405, exchange.getRequestMethod() + " is not allowed on " + path + "; use GET");
            return;
        }
        if (path.equals("/console/stream")) {
            Access access = access(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
            if (access.error != null) {
                error(exchange, 401, access.error);
                return;
            }
            stream.handleRequest(exchange);
            return;
        }
        Asset asset = assets.get(path);
        if (asset == null) {
            error(exchange, 404, "no such path: " + path);
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, asset.contentType);
        // Everything the page needs comes from here: no script, style or font from anywhere else.
        exchange.getResponseHeaders()
                .put(
                        CSP,
                        "default-src 'self'; connect-src 'self'; img-src 'self' data:;"
                                + " style-src 'self'; script-src 'self'; frame-ancestors 'none'");
        exchange.getResponseSender().send(ByteBuffer.wrap(asset.bytes()));
    }

    private void connected(ServerSentEventConnection connection, String lastEventId) {
        Access access = access(connection.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (access.error != null) {
            // Checked before the stream opened; a key cannot change in between, but never stream unchecked.
            try {
                connection.close();
            } catch (IOException ignored) {
                // gone
            }
            return;
        }
        Map<String, Deque<String>> q = connection.getQueryParameters();
        Viewer.Filter filter =
                new Viewer.Filter(param(q, "writeKey"), param(q, "type"), param(q, "event"), param(q, "userId"));
        Viewer viewer = new Viewer(access.keys, filter, connection);
        connection.setKeepAliveTime(keepAliveMillis);
        connection.addCloseTask(c -> feed.unsubscribe(viewer));
        feed.subscribe(viewer);
    }

    private static String param(Map<String, Deque<String>> q, String name) {
        Deque<String> values = q.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        String v = values.getFirst().strip();
        return v.isEmpty() ? null : v;
    }

    /** What an {@code Authorization: Bearer KEY[,KEY…]} header may see. */
    Access access(String authorization) {
        if (authorization == null || !authorization.strip().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Access.denied("the console needs Authorization: Bearer <write key or admin key>");
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String key : authorization.strip().substring(7).split(",")) {
            String k = key.strip();
            if (k.isEmpty()) {
                continue;
            }
            if (adminKey != null && MessageDigest.isEqual(adminKey, k.getBytes(StandardCharsets.UTF_8))) {
                return new Access(null, null);
            }
            if (!writeKeyAccepted.test(k)) {
                return Access.denied("not a write key of this collector (nor its console admin key)");
            }
            keys.add(k);
        }
        if (keys.isEmpty()) {
            return Access.denied("no key given");
        }
        return new Access(Set.copyOf(keys), null);
    }

    /** The keys a viewer may see (null: all), or why it may see nothing. */
    record Access(Set<String> keys, String error) {
        static Access denied(String why) {
            return new Access(Set.of(), why);
        }
    }

    private static void error(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        StringBuilder b = new StringBuilder("{\"success\":false,\"error\":");
        Json.string(b, message);
        exchange.getResponseSender().send(b.append('}').toString());
    }

    /** A file of the page, read once from the jar. */
    private static final class Asset {
        private final String contentType;
        private final String resource;
        private volatile byte[] bytes;

        Asset(String resource, String contentType) {
            this.resource = resource;
            this.contentType = contentType;
        }

        byte[] bytes() {
            byte[] b = bytes;
            if (b == null) {
                try (InputStream in =
                        ConsoleHandler.class.getResourceAsStream("/io/spool/collector/console/" + resource)) {
                    if (in == null) {
                        throw new IllegalStateException("the console's " + resource + " is missing from the jar");
                    }
                    b = in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                bytes = b;
            }
            return b;
        }
    }
}
