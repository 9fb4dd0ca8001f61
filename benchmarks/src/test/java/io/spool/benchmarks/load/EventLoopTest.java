package io.spool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event loops against a real Undertow on loopback (and a raw socket server where Undertow is too polite). */
class EventLoopTest {
    private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.US_ASCII);

    private Undertow server;
    private ServerSocket raw;
    private Thread rawThread;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (raw != null) {
            raw.close();
            rawThread.join(10_000);
        }
    }

    @Test
    void severalThreadsShareTheConnectionsAndKeepTheRate() {
        serve(exchange -> {
            exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                ex.getResponseSender().send(new String(OK, StandardCharsets.US_ASCII));
            });
        });
        LoadReport report = LoadRun.run(
                LoadPlan.builder(uri())
                        .connections(6)
                        .threads(3)
                        .batchSize(10)
                        .eventsPerSecond(6_000)
                        .warmup(Duration.ZERO)
                        .duration(Duration.ofSeconds(2))
                        .build(),
                line -> {});

        assertThat(report.errors()).isZero();
        assertThat(report.behind()).isZero();
        assertThat(report.stillSending()).isZero();
        // 600 requests/s for 2 s, give or take the one in flight at each end
        assertThat(report.requests()).isBetween(1_150L, 1_210L);
        assertThat(report.acknowledgedEvents()).isEqualTo(report.requests() * 10);
        assertThat(report.plan()).contains("6 connections on 3 threads");
    }

    @Test
    void aServerSlowerThanTheRateShowsItsQueueInTheLatencyNotJustItsServiceTime() {
        // 20 ms an answer on one connection (50 requests/s at most), asked for 100 requests/s
        serve(exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this::slowAnswer);
                return;
            }
            slowAnswer(exchange);
        });
        LoadReport fixed = LoadRun.run(
                LoadPlan.builder(uri())
                        .connections(1)
                        .batchSize(10)
                        .eventsPerSecond(1_000)
                        .warmup(Duration.ZERO)
                        .duration(Duration.ofSeconds(2))
                        .build(),
                line -> {});
        LoadReport flatOut = LoadRun.run(
                LoadPlan.builder(uri())
                        .connections(1)
                        .batchSize(10)
                        .warmup(Duration.ZERO)
                        .duration(Duration.ofSeconds(1))
                        .build(),
                line -> {});

        assertThat(fixed.errors()).isZero();
        // each request waits for all the ones before it: by the end the queue is ~1 s long
        assertThat(fixed.latency().max()).as("max ms").isGreaterThan(600);
        assertThat(fixed.latency().p50())
                .as("p50 ms, from the intended send time")
                .isGreaterThan(150);
        assertThat(fixed.behind()).as("due and never sent").isGreaterThan(50);
        // the connection was busy whenever a request fell due (but the first): no lag of the generator's own
        assertThat(fixed.sendDelay().count()).isLessThanOrEqualTo(2);
        assertThat(flatOut.latency().p50()).as("flat out, the service time").isBetween(19.0, 100.0);
    }

    @Test
    void aServerThatClosesItsConnectionsIsReconnectedToEitherWay() throws Exception {
        // Connection: close on every answer
        serve(exchange -> exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
            ex.getResponseHeaders().put(Headers.CONNECTION, "close");
            ex.getResponseSender().send(new String(OK, StandardCharsets.US_ASCII));
        }));
        LoadReport closing = LoadRun.run(fixedRate(uri(), 2_000), line -> {});
        assertThat(closing.errors()).isZero();
        assertThat(closing.requests()).isGreaterThan(150);

        // a raw server that answers once per connection and closes without saying so (as after a keep-alive
        // timeout), then one that closes without answering at all
        AtomicInteger accepted = new AtomicInteger();
        int port = rawServer(accepted, true);
        LoadReport silentClose = LoadRun.run(fixedRate(URI.create("http://127.0.0.1:" + port), 2_000), line -> {});
        assertThat(silentClose.errors())
                .as("closed while idle is not an error: %s", silentClose.text())
                .isZero();
        assertThat(silentClose.requests()).isGreaterThan(150);
        assertThat(accepted.get()).as("a connection a request").isGreaterThanOrEqualTo((int) silentClose.requests());
        raw.close();
        rawThread.join(10_000);

        port = rawServer(accepted, false);
        LoadReport hangUp = LoadRun.run(fixedRate(URI.create("http://127.0.0.1:" + port), 2_000), line -> {});
        assertThat(hangUp.acknowledgedEvents()).isZero();
        assertThat(hangUp.errorsByIoError()).containsOnlyKeys("closed by the server before answering");
        assertThat(hangUp.errors()).isGreaterThan(150);
    }

    @Test
    void chunkedAnswersAreReadWholeAndTheirStatusAndRejectionsCounted() {
        AtomicInteger seen = new AtomicInteger();
        serve(exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(ex -> chunked(ex, seen.incrementAndGet()));
                return;
            }
            chunked(exchange, seen.incrementAndGet());
        });
        LoadReport report = LoadRun.run(fixedRate(uri(), 3_000), line -> {});

        assertThat(report.errorsByIoError()).isEmpty();
        assertThat(report.errorsByStatus()).containsOnlyKeys("503", "200 with rejected events");
        long thirds = report.requests() / 3;
        assertThat(report.errorsByStatus().get("503")).isBetween(thirds - 1, thirds + 1);
        assertThat(report.errorsByStatus().get("200 with rejected events")).isBetween(thirds - 1, thirds + 1);
        assertThat(report.acknowledgedEvents()).isEqualTo((report.requests() - report.errors()) * 10);
        assertThat(report.text()).contains("HTTP 503", "journal full");
    }

    private void chunked(io.undertow.server.HttpServerExchange exchange, int n) throws IOException {
        exchange.startBlocking();
        try (InputStream in = exchange.getInputStream()) {
            in.readAllBytes();
        }
        exchange.setStatusCode(n % 3 == 0 ? 503 : 200);
        // no length and two flushed writes: Undertow sends chunks
        try (OutputStream out = exchange.getOutputStream()) {
            String[] pieces = n % 3 == 0
                    ? new String[] {"{\"success\":false,\"error\":\"jour", "nal full\"}"}
                    : n % 3 == 1
                            ? new String[] {"{\"success\":true,\"rej", "ected\":[{\"index\":0}]}"}
                            : new String[] {"{\"success\":", "true}"};
            for (String piece : pieces) {
                out.write(piece.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
    }

    private void slowAnswer(io.undertow.server.HttpServerExchange exchange) throws IOException {
        exchange.startBlocking();
        exchange.getInputStream().readAllBytes();
        try {
            Thread.sleep(20); // the slow server being simulated, not a wait for work
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.getResponseSender().send(new String(OK, StandardCharsets.US_ASCII));
    }

    private static LoadPlan fixedRate(URI uri, double eventsPerSecond) {
        // 10-event requests on 2 connections for 1 s: each connection idles between its requests
        return LoadPlan.builder(uri)
                .connections(2)
                .batchSize(10)
                .eventsPerSecond(eventsPerSecond)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .build();
    }

    private void serve(HttpHandler handler) {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(handler)
                .build();
        server.start();
    }

    private URI uri() {
        InetSocketAddress address =
                (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        return URI.create("http://127.0.0.1:" + address.getPort());
    }

    /**
     * A server that reads one request a connection (up to the end of its body) and then either answers it
     * with a length and closes, or closes without a word.
     */
    private int rawServer(AtomicInteger accepted, boolean answer) throws IOException {
        raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket listening = raw;
        rawThread = new Thread(() -> {
            while (!listening.isClosed()) {
                try (Socket s = listening.accept()) {
                    accepted.incrementAndGet();
                    readRequest(s.getInputStream());
                    if (answer) {
                        s.getOutputStream()
                                .write(("HTTP/1.1 200 OK\r\nContent-Length: " + OK.length + "\r\n\r\n"
                                                + new String(OK, StandardCharsets.US_ASCII))
                                        .getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // closed at the end of the test, or a client gone: next
                }
            }
        });
        rawThread.setDaemon(true);
        rawThread.start();
        return raw.getLocalPort();
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        int at = head.indexOf("Content-Length: ") + "Content-Length: ".length();
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        in.readNBytes(length);
    }
}
