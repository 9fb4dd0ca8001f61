package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.spool.collector.TestCollector.Stored;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's limits on connections, real sockets against a real collector: a cap on open
 * connections, a cap on the request line and headers, and timeouts for connections that idle or send
 * their body too slowly. Each one holds while other clients are served and stores nothing partial.
 */
class ConnectionLimitsTest {
    @TempDir
    Path dir;

    /** A raw keep-alive HTTP/1.1 connection: write a request, read one response. */
    static final class Connection implements AutoCloseable {
        final Socket socket;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            in = socket.getInputStream();
        }

        void send(String head, byte[] body) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }

        void post(String userId) throws IOException {
            byte[] body = ("{\"batch\":[{\"type\":\"identify\",\"userId\":\"" + userId + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            send(
                    "POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n",
                    body);
        }

        /** The status line of the next response, reading its headers and body; null if none came within {@code wait}. */
        String response(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            try {
                String status = line();
                int length = 0;
                for (String header = line(); !header.isEmpty(); header = line()) {
                    if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                return status;
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void pastTheConnectionCapANewConnectionWaitsUntilAnOpenOneClosesThenIsServed() throws Exception {
        try (TestCollector c = new TestCollector(dir, b -> b.maxConnections(3).ioThreads(2))) {
            List<Connection> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Connection connection = new Connection(c.collector.port());
                connection.post("held-" + i);
                assertThat(connection.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 200 OK");
                open.add(connection);
            }
            // Each round: one more connection is left waiting (absence of an answer can only be shown by
            // waiting for one), then one of the open ones closes and the waiting one is served.
            for (int round = 0; round < 3; round++) {
                Connection waiting = new Connection(c.collector.port());
                waiting.post("waited-" + round);
                assertThat(waiting.response(Duration.ofMillis(700)))
                        .as("answered past the cap")
                        .isNull();

                open.remove(0).close();

                assertThat(waiting.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 200 OK");
                open.add(waiting);
                // the connections at the cap are still served
                for (Connection connection : open) {
                    connection.post("again-" + round);
                    assertThat(connection.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 200 OK");
                }
            }
            for (Connection connection : open) {
                connection.close();
            }
            assertThat(c.events())
                    .extracting(Stored::userId)
                    .contains("held-0", "held-1", "held-2", "waited-0", "waited-1", "waited-2")
                    .hasSize(3 + 3 + 9);
        }
    }

    @Test
    void headersOverTheCapGet400AndTheConnectionClosedHeadersUnderItAreServed() throws Exception {
        try (TestCollector c = new TestCollector(dir)) { // the default cap, 16 KB
            byte[] body = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}".getBytes(StandardCharsets.UTF_8);
            String head = "POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                    + "\r\nContent-Length: " + body.length + "\r\n";
            try (Connection small = new Connection(c.collector.port())) {
                small.send(head + "X-Padding: " + "a".repeat(15 * 1024) + "\r\n\r\n", body);
                assertThat(small.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 200 OK");
            }
            try (Connection large = new Connection(c.collector.port())) {
                large.send(head + "X-Padding: " + "a".repeat(17 * 1024) + "\r\n\r\n", body);
                assertThat(large.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 400 Bad Request");
                assertThat(TlsTest.readUntilClosed(large.socket, Duration.ofSeconds(10)))
                        .isEmpty();
            }
            // many headers, each small, add up the same way
            try (Connection many = new Connection(c.collector.port())) {
                StringBuilder headers = new StringBuilder(head);
                for (int i = 0; i < 150; i++) {
                    headers.append("X-Header-")
                            .append(i)
                            .append(": ")
                            .append("b".repeat(120))
                            .append("\r\n");
                }
                many.send(headers.append("\r\n").toString(), body);
                assertThat(many.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 400 Bad Request");
            }
            assertThat(c.events()).hasSize(1);
        }
    }

    @Test
    void aSmallerHeaderCapIsHonoured() throws Exception {
        try (TestCollector c = new TestCollector(dir, b -> b.maxHeaderBytes(2048));
                Connection connection = new Connection(c.collector.port())) {
            connection.send(
                    "GET /health HTTP/1.1\r\nHost: localhost\r\nCookie: " + "c".repeat(2100) + "\r\n\r\n", new byte[0]);

            assertThat(connection.response(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void aKeepAliveConnectionServesRequestAfterRequestThenClosesAfterIdlingTheReadTimeout() throws Exception {
        try (TestCollector c = new TestCollector(dir, b -> b.readTimeout(Duration.ofSeconds(1)));
                Connection connection = new Connection(c.collector.port())) {
            for (int i = 0; i < 5; i++) {
                connection.post("u" + i);
                assertThat(connection.response(Duration.ofSeconds(10)))
                        .as("request %d on one connection", i)
                        .isEqualTo("HTTP/1.1 200 OK");
            }
            long answered = System.nanoTime();

            assertThat(TlsTest.readUntilClosed(connection.socket, Duration.ofSeconds(15)))
                    .isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(c.events()).hasSize(5);
        }
    }

    @Test
    void headersSentOneByteAtATimeAreCutOffAtTheReadTimeout() throws Exception {
        try (TestCollector c = new TestCollector(dir, b -> b.readTimeout(Duration.ofSeconds(1)));
                Connection dribble = new Connection(c.collector.port())) {
            byte[] head = ("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                            + "\r\nContent-Length: 2\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            int sent = 0;
            // A byte every 100 ms: each read comes well within the timeout, the whole head (6 s) does not.
            try {
                while (sent < head.length && dribble.response(Duration.ofMillis(100)) == null) {
                    dribble.socket.getOutputStream().write(head[sent++]);
                    dribble.socket.getOutputStream().flush();
                }
            } catch (IOException e) {
                // cut off
            }
            Duration cutAfter = Duration.ofNanos(System.nanoTime() - start);

            assertThat(sent).as("bytes of the head sent before the cut").isLessThan(head.length);
            assertThat(cutAfter).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            assertThat(c.post("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}")
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aBodySentOneByteAtATimeIsCutOffAtTheReadTimeoutAndNothingIsStored() throws Exception {
        try (TestCollector c = new TestCollector(dir, b -> b.readTimeout(Duration.ofSeconds(1)));
                Connection dribble = new Connection(c.collector.port())) {
            byte[] body = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"slow\"}]}".getBytes(StandardCharsets.UTF_8);
            dribble.send(
                    "POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n",
                    new byte[0]);
            long start = System.nanoTime();
            // A byte every 100 ms: each read comes well within the timeout, the whole body (4.5 s) does not.
            int sent = 0;
            String answer = null;
            try {
                while (sent < body.length && answer == null) {
                    dribble.socket.getOutputStream().write(body[sent++]);
                    dribble.socket.getOutputStream().flush();
                    answer = dribble.response(Duration.ofMillis(100));
                }
            } catch (IOException e) {
                // cut off: a write or read on the closed connection failed
            }
            Duration cutAfter = Duration.ofNanos(System.nanoTime() - start);

            assertThat(answer).as("answered a body sent in %s", cutAfter).isNull();
            assertThat(sent).as("bytes sent before the cut").isLessThan(body.length);
            assertThat(cutAfter).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            ShutdownTest.awaitInFlight(c, 0);
            assertThat(c.events()).isEmpty();
            assertThat(c.post("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}")
                            .status())
                    .isEqualTo(200);
        }
    }
}
