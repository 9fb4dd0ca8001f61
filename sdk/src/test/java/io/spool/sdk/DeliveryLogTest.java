package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator reads in the log (slf4j-simple, which writes to System.err) during an outage: a line
 * at the first failed attempt naming the endpoint and the cause, then a bounded number of lines with
 * counts, one when delivery works again; a refused write key is an error that never shows the key.
 */
class DeliveryLogTest {
    private CollectorStub collector;
    private PrintStream originalErr;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
        originalErr = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                originalErr.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                originalErr.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        System.setErr(originalErr);
        collector.close();
    }

    /** The lines about {@code endpoint}: other tests' clients may still be logging about theirs. */
    private List<String> linesAbout(String endpoint) {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.contains(endpoint)) {
                lines.add(line);
            }
        }
        return lines;
    }

    private Spool.Builder client(String endpoint) {
        return Spool.builder("k")
                .endpoint(endpoint)
                .drainOnShutdown(Duration.ZERO)
                .linger(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private String batchUrl() {
        return collector.server.url("/v1/batch").toString();
    }

    @Test
    void theFirstFailedAttemptIsAWarningAtOnceAndRecoveryIsOneInfoLine() {
        collector.thenAnswer(CollectorStub.status(503));
        Spool spool = client(collector.endpoint())
                .deliveryTimeout(Duration.ofMinutes(5))
                .build();
        spool.track(Track.builder("E").userId("u").build());

        assertThat(spool.flush(Duration.ofSeconds(10))).isTrue();
        List<String> lines = linesAbout(batchUrl());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("WARN", "delivery to " + batchUrl() + " failed: HTTP 503", "retrying");
        assertThat(lines.get(1)).contains("INFO", "works again", "1 failed attempts");
        spool.close();
    }

    @Test
    void anHttpsEndpointOnAPlainHttpCollectorShowsItsSslErrorAtTheFirstAttempt() throws Exception {
        // a plain-HTTP server that answers whatever it gets (a TLS hello here) with a 400, as a collector would
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(
                    () -> {
                        while (!plain.isClosed()) {
                            try (Socket s = plain.accept()) {
                                s.getInputStream().read(new byte[1024]);
                                s.getOutputStream()
                                        .write(
                                                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                                        .getBytes(StandardCharsets.US_ASCII));
                            } catch (IOException e) {
                                // closed by the test, or the client hung up
                            }
                        }
                    },
                    "plain-http");
            server.setDaemon(true);
            server.start();
            String https = "https://127.0.0.1:" + plain.getLocalPort();
            Spool spool = client(https).deliveryTimeout(Duration.ofMinutes(5)).build();
            spool.track(Track.builder("E").userId("u").build());
            spool.flush();

            String url = https + "/v1/batch";
            Await.until("the first failure to be logged", () -> !linesAbout(url).isEmpty());
            assertThat(linesAbout(url).get(0))
                    .contains("WARN", "delivery to " + url + " failed", "SSL", "does the collector serve HTTPS");
            assertThat(spool.close(Duration.ofMillis(200))).isFalse();
        }
    }

    @Test
    void aThreeSecondOutageLogsABoundedNumberOfLinesWithCounts() {
        long outageEnds = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        collector.answerAlways(r -> System.nanoTime() < outageEnds ? CollectorStub.status(503) : CollectorStub.ok());
        Spool spool = client(collector.endpoint())
                .logInterval(Duration.ofSeconds(1))
                .deliveryTimeout(Duration.ofMinutes(5))
                .build();
        for (int i = 0; i < 20; i++) {
            spool.track(Track.builder("E").userId("u").build());
        }

        assertThat(spool.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(collector.requests.size()).as("attempts in the outage").isGreaterThan(20);
        List<String> lines = linesAbout(batchUrl());
        // the first failure, one line per second at most for 3 s, the recovery
        assertThat(lines).hasSizeBetween(3, 6);
        assertThat(lines.get(0)).contains("WARN", "failed: HTTP 503");
        assertThat(lines.subList(1, lines.size() - 1))
                .allSatisfy(line -> assertThat(line)
                        .contains("WARN", "failing for", "attempts failed", "events waiting", "last: HTTP 503"));
        assertThat(lines.get(lines.size() - 1)).contains("INFO", "works again");
        spool.close();
    }

    @Test
    void aRefusedWriteKeyIsOneErrorNamingTheEndpointAndCloseSumsUpTheBatchesInOneLine() {
        collector.answerAlways(r -> CollectorStub.status(401));
        String key = "sk_live_0123456789abcdef";
        Spool spool = Spool.builder(key)
                .endpoint(collector.endpoint())
                .drainOnShutdown(Duration.ZERO)
                .batchSize(1)
                .linger(Duration.ofHours(1))
                .build();
        for (int i = 0; i < 100; i++) {
            spool.track(Track.builder("E").userId("u").build());
        }

        assertThat(spool.close(Duration.ofSeconds(10))).isFalse();
        List<String> lines = linesAbout(batchUrl());
        assertThat(lines).as("100 refused batches").hasSize(2);
        assertThat(lines.get(0))
                .contains(
                        "ERROR",
                        "the collector at " + batchUrl() + " refused the write key 'sk_l…'",
                        "(24 characters)",
                        "HTTP 401");
        assertThat(lines.get(1)).contains("WARN", "closed with events not delivered", "100 given up on or refused");
        assertThat(String.join("\n", lines)).doesNotContain(key);
    }

    @Test
    void aCollectorThatIsDownIsNamedWithTheConnectionError() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = reserve.getLocalPort(); // nothing listens there
        }
        String endpoint = "http://127.0.0.1:" + port;
        Spool spool = client(endpoint).deliveryTimeout(Duration.ofMinutes(5)).build();
        spool.track(Track.builder("E").userId("u").build());
        spool.flush();

        String url = endpoint + "/v1/batch";
        Await.until("the first failure to be logged", () -> !linesAbout(url).isEmpty());
        assertThat(linesAbout(url).get(0)).contains("WARN", "delivery to " + url + " failed", "ConnectException");
        assertThat(spool.close(Duration.ofMillis(200))).isFalse();
    }
}
