package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.spool.collector.TestCollector.Reply;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets its clear status and JSON error, stores nothing, and the server keeps serving. */
class HostileInputTest {
    private static final String GOOD = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}";

    @TempDir
    Path dir;

    TestCollector c;

    @BeforeEach
    void start() {
        c = new TestCollector(dir, b -> b.readTimeout(Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() {
        c.close();
    }

    private Reply postBytes(String path, byte[] body, String encoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(c.uri(path))
                .header("Authorization", basic(KEY))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return c.send(b);
    }

    private void assertStillServing() {
        int before = c.events().size();
        // a new client, hence a new connection: with a 1 s timeout an idle pooled one may be closed under it
        HttpClient fresh = HttpClient.newHttpClient();
        HttpResponse<String> reply;
        try {
            reply = fresh.send(
                    HttpRequest.newBuilder(c.uri("/v1/batch"))
                            .header("Authorization", basic(KEY))
                            .POST(HttpRequest.BodyPublishers.ofString(GOOD))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("the server stopped serving", e);
        }
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(c.events()).hasSize(before + 1);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"batch\":[{\"type\":                    | malformed JSON",
                "{\"batch\":[{\"type\":\"track\"}          | malformed JSON",
                "{\"batch\":[{\"type\" \"track\"}]}        | malformed JSON",
                "{\"batch\":[], }                          | malformed JSON",
                "{\"batch\":[]} {}                         | unexpected content after the JSON object",
                "{\"batch\":[]} garbage                    | malformed JSON",
                "[{\"type\":\"track\"}]                    | body is not a JSON object",
                "\"batch\"                                 | body is not a JSON object",
                "{}                                        | body has no batch array",
                "{\"batch\":{\"type\":\"track\"}}          | batch is not an array",
                "{\"batch\":[],\"sentAt\":12}              | sentAt must be an ISO-8601 time string",
                "{\"batch\":[],\"sentAt\":\"soon\"}        | sentAt is not an ISO-8601 time: \"soon\"",
                "{\"batch\":[],\"context\":[]}             | context must be a JSON object",
                "{\"batch\":[],\"writeKey\":5}             | writeKey must be a string",
            })
    void malformedOrWronglyShapedBodiesAre400(String body, String error) {
        Reply reply = c.post("/v1/batch", body.trim());

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertThat(reply.json().get("error").asText()).startsWith(error);
        assertThat(c.events()).isEmpty();
        assertThat(c.deadLetters()).isEmpty();
        assertStillServing();
    }

    @Test
    void emptyBodyIs400() {
        Reply reply = postBytes("/v1/track", new byte[0], null);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("body is not a JSON object");
    }

    @Test
    void invalidUtf8AnywhereIs400EvenInsideObjectsTheCollectorDoesNotDecode() {
        byte[] head = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"n\":\""
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}]}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {
            {(byte) 0xC3, 0x28},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xFF},
            {(byte) 0xE2, (byte) 0x82}
        }) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(head);
            body.writeBytes(bad);
            body.writeBytes(tail);

            Reply reply = postBytes("/v1/batch", body.toByteArray(), null);

            assertThat(reply.status()).as(Arrays.toString(bad)).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).startsWith("body is not valid UTF-8");
        }
        assertThat(c.events()).isEmpty();
        assertStillServing();
    }

    @Test
    void gzipBombIs413() throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
            gz.write("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"x\":\"".getBytes());
            byte[] zeros = new byte[1 << 20];
            Arrays.fill(zeros, (byte) '0');
            for (int i = 0; i < 64; i++) {
                gz.write(zeros); // 64 MB inflated
            }
            gz.write("\"}}]}".getBytes());
        }
        assertThat(compressed.size()).isLessThan(500 * 1024);

        Reply reply = postBytes("/v1/batch", compressed.toByteArray(), "gzip");

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("error").asText()).isEqualTo("inflated body is over the limit of 512000 bytes");
        assertStillServing();
    }

    @Test
    void bodyThatIsNotWhatItsEncodingSaysIs400() {
        byte[] gz = TestCollector.gzip(GOOD.getBytes());
        Reply notGzip = postBytes("/v1/batch", GOOD.getBytes(), "gzip");
        Reply truncated = postBytes("/v1/batch", Arrays.copyOf(gz, gz.length - 12), "gzip");
        byte[] corrupt = gz.clone();
        corrupt[gz.length - 6] ^= 0x55; // the length trailer
        Reply badTrailer = postBytes("/v1/batch", corrupt, "gzip");

        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.json().get("error").asText()).contains("not gzip");
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(badTrailer.status()).isEqualTo(400);
        assertThat(c.events()).isEmpty();
        assertStillServing();
    }

    @Test
    void unknownContentEncodingIs415() {
        Reply reply = postBytes("/v1/batch", GOOD.getBytes(), "compress");

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertStillServing();
    }

    @Test
    void deeplyNestedJsonIs400() {
        String body = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"x\":" + "[".repeat(5000)
                + "]".repeat(5000) + "}}]}";

        Reply reply = c.post("/v1/batch", body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).startsWith("malformed JSON");
        assertStillServing();
    }

    @Test
    void clientThatSendsHeadersSlowlyAndNeverFinishesIsCutOffWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", c.collector.port())) {
            OutputStream out = slow.getOutputStream();
            out.write("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthor".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertStillServing();

            assertThat(closedByServerWithin(slow, Duration.ofSeconds(15))).isTrue();
        }
        assertStillServing();
    }

    @Test
    void clientThatNeverFinishesItsBodyIsCutOffWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", c.collector.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                            + "\r\nContent-Length: 1000\r\n\r\n{\"batch\":[")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertStillServing();

            assertThat(closedByServerWithin(slow, Duration.ofSeconds(15))).isTrue();
        }
        assertThat(c.events()).hasSize(1);
        assertStillServing();
    }

    /** Reads until the server closes the connection (true) or the deadline passes (false). */
    private static boolean closedByServerWithin(Socket socket, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        socket.setSoTimeout(200);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // not yet
            } catch (java.net.SocketException e) {
                return true; // reset by the server
            }
        }
        return false;
    }
}
