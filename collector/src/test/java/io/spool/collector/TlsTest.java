package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.TrackMessage;
import io.spool.collector.TestCollector.Stored;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With a keystore the collector serves HTTPS on its port (and only HTTPS): real clients that trust the
 * certificate get their events stored; plain HTTP, untrusting clients and bad keystores fail cleanly.
 */
class TlsTest {
    private static final String PASSWORD = "correct-horse";
    private static final String EVENT = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"over-tls\"}]}";

    @TempDir
    Path dir;

    private TestCollector tlsCollector(TestKeystore keystore, Consumer<Collector.Builder> more) {
        return new TestCollector(dir, b -> {
            b.tlsKeystore(keystore.file(), keystore.password());
            more.accept(b);
        });
    }

    private static OkHttpClient trusting(TestKeystore keystore) {
        return new OkHttpClient.Builder()
                .sslSocketFactory(keystore.clientContext().getSocketFactory(), keystore.trustManager())
                .build();
    }

    private static Response post(OkHttpClient client, String url, String body) throws Exception {
        return client.newCall(new Request.Builder()
                        .url(url)
                        .header("Authorization", basic(KEY))
                        .post(RequestBody.create(body, MediaType.get("application/json")))
                        .build())
                .execute();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS12", "JKS"})
    void okHttpTrustingTheCertificateGetsItsEventsStoredOverHttps(String type) throws Exception {
        TestKeystore keystore = TestKeystore.generate(dir, type, PASSWORD);
        try (TestCollector c = tlsCollector(keystore, b -> {})) {
            OkHttpClient client = trusting(keystore);
            String base = "https://localhost:" + c.collector.port();

            try (Response health = client.newCall(
                            new Request.Builder().url(base + "/health").build())
                    .execute()) {
                assertThat(health.code()).isEqualTo(200);
                assertThat(health.handshake()).isNotNull();
                assertThat(health.handshake().tlsVersion().javaName()).startsWith("TLSv1.");
            }
            try (Response stored = post(client, base + "/v1/batch", EVENT)) {
                assertThat(stored.code()).isEqualTo(200);
                assertThat(stored.body().string()).isEqualTo("{\"success\":true}");
            }
            assertThat(c.events()).extracting(Stored::userId).containsExactly("over-tls");
        }
    }

    @Test
    void segmentsJavaClientSendsOverHttpsWithItsOwnOkHttpClient() throws Exception {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", PASSWORD);
        try (TestCollector c = tlsCollector(keystore, b -> {})) {
            List<String> failures = new CopyOnWriteArrayList<>();
            List<String> successes = new CopyOnWriteArrayList<>();
            Analytics analytics = Analytics.builder(KEY)
                    .endpoint("https://127.0.0.1:" + c.collector.port())
                    .client(trusting(keystore))
                    .callback(new Callback() {
                        @Override
                        public void success(Message message) {
                            successes.add(message.messageId());
                        }

                        @Override
                        public void failure(Message message, Throwable throwable) {
                            failures.add(message.messageId() + ": " + throwable);
                        }
                    })
                    .build();
            for (int i = 0; i < 3; i++) {
                analytics.enqueue(
                        TrackMessage.builder("Order Completed").userId("u-" + i).properties(Map.of("i", i)));
            }
            analytics.flush();
            analytics.shutdown(); // waits for the queue to drain

            assertThat(failures).isEmpty();
            assertThat(successes).hasSize(3);
            assertThat(c.events()).extracting(Stored::userId).containsExactly("u-0", "u-1", "u-2");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsItsHandshakeAndStoresNothing() throws Exception {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", PASSWORD);
        try (TestCollector c = tlsCollector(keystore, b -> {})) {
            OkHttpClient jdkTrust = new OkHttpClient();

            assertThatThrownBy(() -> post(jdkTrust, "https://localhost:" + c.collector.port() + "/v1/batch", EVENT))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(c.events()).isEmpty();
        }
    }

    @Test
    void plainHttpToTheTlsPortIsCutOffWithoutAnAnswerAndStoresNothing() throws Exception {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", PASSWORD);
        try (TestCollector c = tlsCollector(keystore, b -> b.readTimeout(Duration.ofSeconds(5)))) {
            byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
            byte[] reply;
            try (Socket plain = new Socket("127.0.0.1", c.collector.port())) {
                OutputStream out = plain.getOutputStream();
                out.write(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                                + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                reply = readUntilClosed(plain, Duration.ofSeconds(15));
            }

            // At most a TLS alert record (content type 21), never an HTTP answer.
            assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/");
            if (reply.length > 0) {
                assertThat(reply[0]).isEqualTo((byte) 21);
            }
            assertThat(c.events()).isEmpty();
            try (Response stillServing =
                    post(trusting(keystore), "https://localhost:" + c.collector.port() + "/v1/batch", EVENT)) {
                assertThat(stillServing.code()).isEqualTo(200);
            }
            assertThat(c.events()).hasSize(1);
        }
    }

    @Test
    void aClientThatOpensTheConnectionAndNeverStartsTheHandshakeIsCutOff() throws Exception {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", PASSWORD);
        try (TestCollector c = tlsCollector(keystore, b -> b.readTimeout(Duration.ofSeconds(1)));
                Socket silent = new Socket("127.0.0.1", c.collector.port())) {
            long start = System.nanoTime();

            assertThat(readUntilClosed(silent, Duration.ofSeconds(15))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aMissingFileAWrongPasswordOrAFileThatIsNoKeystoreFailsBuildInOneLineNamingTheFile() throws Exception {
        TestKeystore pkcs12 = TestKeystore.generate(dir, "PKCS12", PASSWORD);
        TestKeystore jks = TestKeystore.generate(dir, "JKS", PASSWORD);
        Path missing = dir.resolve("missing.p12");
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a keystore\n");
        Path certificateOnly = pkcs12.certificateOnly(dir);

        assertThat(buildError(missing, PASSWORD)).isEqualTo("TLS keystore " + missing + " does not exist");
        assertThat(buildError(pkcs12.file(), "wrong"))
                .isEqualTo("TLS keystore " + pkcs12.file() + " did not open: wrong password");
        assertThat(buildError(jks.file(), "wrong"))
                .isEqualTo("TLS keystore " + jks.file() + " did not open: wrong password");
        assertThat(buildError(text, PASSWORD)).isEqualTo("TLS keystore " + text + " is not a PKCS12 or JKS keystore");
        assertThat(buildError(dir, PASSWORD)).isEqualTo("TLS keystore " + dir + " is not a file");
        assertThat(buildError(certificateOnly, PASSWORD))
                .startsWith("TLS keystore " + certificateOnly + " holds no private key");
        // nothing was left open by the failed builds
        assertThat(OpenFiles.under(dir)).isEmpty();
    }

    private String buildError(Path keystore, String password) {
        try {
            Collector.builder()
                    .journalDir(dir.resolve("journal"))
                    .writeKey(KEY)
                    .tlsKeystore(keystore, password)
                    .build()
                    .close();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("built with keystore " + keystore + " and password " + password);
    }

    /** Everything the server sends until it closes the connection; fails if it does not close in time. */
    static byte[] readUntilClosed(Socket socket, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        socket.setSoTimeout(200);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (System.nanoTime() < deadline) {
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    return received.toByteArray();
                }
                received.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                // not yet
            } catch (SocketException e) {
                return received.toByteArray(); // reset by the server
            }
        }
        throw new AssertionError(
                "the server did not close the connection within " + limit + "; received " + received.size() + " bytes");
    }
}
