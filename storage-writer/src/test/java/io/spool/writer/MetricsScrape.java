package io.spool.writer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One scrape of a writer's metrics port, as Prometheus (or a probe) does it: its values by name. */
public record MetricsScrape(String metrics, int healthStatus, String health) {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Scrapes {@code /metrics} and {@code /health} of {@code port} on this machine. */
    public static MetricsScrape of(int port) throws IOException, InterruptedException {
        String metrics = get(port, "/metrics").body();
        HttpResponse<String> health = get(port, "/health");
        return new MetricsScrape(metrics, health.statusCode(), health.body());
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the unlabelled metric {@code name}; fails when the scrape has none. */
    public double value(String name) {
        for (String line : metrics.lines().toList()) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in the scrape:\n" + metrics);
    }

    public double lagSeconds() {
        return value("spool_writer_lag_seconds");
    }

    public double pendingRecords() {
        return value("spool_writer_pending_records");
    }
}
