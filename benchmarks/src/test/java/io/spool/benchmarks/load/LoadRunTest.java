package io.spool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator against a scripted server (the JDK's): what it sends, and what it reports. */
class LoadRunTest {
    private static final Pattern ID = Pattern.compile("\"messageId\":\"([^\"]+)\"");
    private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);

    static {
        // the JDK's server writes head and body apart: without this, Nagle + delayed ACK add 40 ms to each answer
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private HttpServer server;
    private ExecutorService executor;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Test
    void everyRequestCarriesNewMessageIdsAndAGzipBodyInflatesToTheBatch() throws IOException {
        LoadPlan plain =
                LoadPlan.builder(URI.create("http://127.0.0.1:9")).batchSize(50).build();
        LoadPlan gzip = LoadPlan.builder(URI.create("http://127.0.0.1:9"))
                .batchSize(50)
                .gzip()
                .build();
        Requests.Template template = new Requests.Template(plain, 7);
        Set<String> ids = new HashSet<>();
        for (int connection = 0; connection < 2; connection++) {
            Requests requests = new Requests(template, connection);
            for (int i = 0; i < 3; i++) {
                requests.next();
                String request = new String(requests.bytes(), 0, requests.length(), StandardCharsets.UTF_8);
                String body = request.substring(request.indexOf("\r\n\r\n") + 4);
                assertThat(request)
                        .startsWith("POST /v1/batch HTTP/1.1\r\n")
                        .contains(
                                "\r\nAuthorization: Basic YmVuY2g6\r\n",
                                "\r\nContent-Length: " + body.length() + "\r\n");
                ids.addAll(ids(body));
            }
        }
        assertThat(ids)
                .as("ids of 2 connections x 3 requests x 50 events")
                .hasSize(300)
                .allMatch(id -> id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));

        Requests zipped = new Requests(new Requests.Template(gzip, 7), 0);
        zipped.next();
        byte[] request = java.util.Arrays.copyOf(zipped.bytes(), zipped.length());
        String head = new String(request, StandardCharsets.ISO_8859_1);
        int bodyAt = head.indexOf("\r\n\r\n") + 4;
        assertThat(head.substring(0, bodyAt))
                .contains(
                        "\r\nContent-Encoding: gzip\r\n", "\r\nContent-Length: " + (request.length - bodyAt) + "\r\n");
        byte[] inflated =
                new GZIPInputStream(new ByteArrayInputStream(request, bodyAt, request.length - bodyAt)).readAllBytes();
        Requests same = new Requests(template, 0);
        same.next();
        String plainRequest = new String(same.bytes(), 0, same.length(), StandardCharsets.UTF_8);
        assertThat(new String(inflated, StandardCharsets.UTF_8))
                .isEqualTo(plainRequest.substring(plainRequest.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void atAFixedRateAStallIsInTheLatencyOfEveryRequestThatFellDueDuringIt() throws IOException {
        AtomicInteger seen = new AtomicInteger();
        serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (seen.incrementAndGet() == 100) {
                sleep(1_000); // one stall of a second, a third of the way in
            }
            respond(exchange, 200, OK);
        });
        // 100 requests a second on one connection for 3 s: ~100 of the 300 fall due during the stall
        LoadPlan plan = LoadPlan.builder(uri())
                .connections(1)
                .batchSize(10)
                .eventsPerSecond(1_000)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(3))
                .build();
        List<String> progress = new ArrayList<>();

        LoadReport report = LoadRun.run(plan, progress::add);

        assertThat(report.errors()).isZero();
        assertThat(report.acknowledgedEvents())
                .isEqualTo(report.requests() * 10)
                .isGreaterThanOrEqualTo(2_900);
        assertThat(report.latency().max()).as("the stalled request").isGreaterThanOrEqualTo(950);
        // measured from when each was sent, only the stalled request would be slow and p90 ~1 ms
        assertThat(report.latency().p90())
                .as("p90 ms: the requests due during the stall waited for it")
                .isGreaterThanOrEqualTo(400);
        assertThat(report.sendDelay().p50()).as("the generator's own lag, ms").isLessThan(5);
        assertThat(progress).hasSize(3).allMatch(line -> line.contains("events/s") && line.contains("p99"));
        assertThat(report.json())
                .contains(
                        "\"acknowledged_events\": " + report.acknowledgedEvents() + ",",
                        "\"latency_ms\": {\"count\": " + report.requests() + ",");
    }

    @Test
    void errorsAreCountedByStatusAndByIoErrorKind() throws IOException {
        AtomicInteger seen = new AtomicInteger();
        serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (seen.incrementAndGet() % 2 == 0) {
                // chunked (length 0 to the JDK's server), as a proxy might answer
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(503, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write("{\"success\":false,\"error\":\"journal full\"}".getBytes(StandardCharsets.UTF_8));
                }
            } else if (seen.get() % 3 == 0) {
                respond(
                        exchange,
                        200,
                        "{\"success\":true,\"rejected\":[{\"index\":0,\"error\":\"no userId\"}]}"
                                .getBytes(StandardCharsets.UTF_8));
            } else {
                respond(exchange, 200, OK);
            }
        });
        LoadReport answered = LoadRun.run(
                LoadPlan.builder(uri())
                        .connections(2)
                        .batchSize(5)
                        .eventsPerSecond(500)
                        .warmup(Duration.ZERO)
                        .duration(Duration.ofSeconds(1))
                        .build(),
                line -> {});

        assertThat(answered.errorsByStatus()).containsOnlyKeys("503", "200 with rejected events");
        assertThat(answered.errorsByStatus().get("503")).isEqualTo(answered.requests() / 2);
        assertThat(answered.errors())
                .isEqualTo(answered.errorsByStatus().values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        assertThat(answered.acknowledgedEvents()).isEqualTo((answered.requests() - answered.errors()) * 5);
        assertThat(answered.text()).contains("HTTP 503", "journal full");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        LoadReport refused = LoadRun.run(
                LoadPlan.builder(URI.create("http://127.0.0.1:" + closedPort))
                        .connections(1)
                        .eventsPerSecond(1_000)
                        .warmup(Duration.ZERO)
                        .duration(Duration.ofSeconds(1))
                        .build(),
                line -> {});
        assertThat(refused.acknowledgedEvents()).isZero();
        assertThat(refused.errorsByIoError()).containsOnlyKeys("connect: Connection refused");
        assertThat(refused.errors())
                .isEqualTo(refused.errorsByIoError().get("connect: Connection refused"))
                .isPositive();
    }

    @Test
    void aBadPlanIsRefusedNamingTheValue() {
        assertThatThrownBy(() ->
                        LoadPlan.builder(URI.create("https://example.com")).build())
                .hasMessageContaining("https://example.com");
        assertThatThrownBy(() -> LoadPlan.builder(URI.create("http://127.0.0.1:8088"))
                        .connections(0)
                        .build())
                .hasMessageContaining("connections must be 1..10000, not 0");
        assertThatThrownBy(() -> LoadPlan.builder(URI.create("http://127.0.0.1:8088"))
                        .eventsPerSecond(-5)
                        .build())
                .hasMessageContaining("-5");
        assertThat(new LoadGenerator.DurationConverter().convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(new LoadGenerator.DurationConverter().convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(new LoadGenerator.DurationConverter().convert("15")).isEqualTo(Duration.ofSeconds(15));
    }

    private static List<String> ids(String body) {
        List<String> out = new ArrayList<>();
        for (Matcher m = ID.matcher(body); m.find(); ) {
            out.add(m.group(1));
        }
        return out;
    }

    private void serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.start();
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // the stall being simulated, not a wait for work
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
