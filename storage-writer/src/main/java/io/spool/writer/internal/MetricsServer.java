package io.spool.writer.internal;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** Serves {@code GET /metrics} in the Prometheus text format on its own small thread. */
public final class MetricsServer implements Closeable {
    /** What writes the metrics; the writer's {@code writeMetrics}. */
    @FunctionalInterface
    public interface Source {
        void write(OutputStream out) throws IOException;
    }

    private final HttpServer server;

    public MetricsServer(int port, Source source) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                source.write(body);
                exchange.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.size());
                exchange.getResponseBody().write(body.toByteArray());
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spool-writer-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
