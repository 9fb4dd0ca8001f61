package io.spool.writer.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.spool.writer.WriterHealth;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} in the Prometheus text format and {@code GET /health} (200 with a short
 * JSON body when the writer is committing or idle with nothing waiting, 503 with the reason when not:
 * {@link WriterHealth}) on its own small thread.
 */
public final class MetricsServer implements Closeable {
    /** What writes the metrics; the writer's {@code writeMetrics}. */
    @FunctionalInterface
    public interface Source {
        void write(OutputStream out) throws IOException;
    }

    private final HttpServer server;

    /** Metrics only (no {@code /health}). */
    public MetricsServer(int port, Source source) throws IOException {
        this(port, source, null);
    }

    /** Metrics, and {@code /health} from {@code health} (the writer's {@code health}) unless null. */
    public MetricsServer(int port, Source source, Supplier<WriterHealth> health) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                source.write(body);
                send(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
            }
        });
        if (health != null) {
            server.createContext("/health", exchange -> {
                try (exchange) {
                    if (!"GET".equals(exchange.getRequestMethod())) {
                        exchange.sendResponseHeaders(405, -1);
                        return;
                    }
                    WriterHealth h = health.get();
                    send(
                            exchange,
                            h.healthy() ? 200 : 503,
                            "application/json",
                            (h.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spool-writer-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
