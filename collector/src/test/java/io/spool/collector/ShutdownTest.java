package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.spool.collector.TestCollector.Reply;
import io.spool.journal.Journal;
import io.spool.testsupport.Deadline;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close(): new requests get 503, requests in flight are answered and stored, then the journal closes. */
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void requestInFlightIsAnsweredAndStoredWhileNewOnesGet503() throws Exception {
        TestCollector c = new TestCollector(dir);
        String body = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"in-flight\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // Posts that win the race with close() are accepted (and must be stored); count them.
        int[] lateAccepted = {0};
        try (Socket socket = new Socket("127.0.0.1", c.collector.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                            + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 10);
            out.flush();
            awaitInFlight(c, 1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(c.collector::close);
            Reply refused = awaitRefusal(c, lateAccepted);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("error").asText()).isEqualTo("the collector is shutting down");
            assertThat(closing).isNotDone();

            out.write(bytes, 10, bytes.length - 10);
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            closing.get();
        }
        java.util.List<String> stored =
                c.events().stream().map(TestCollector.Stored::userId).toList();
        assertThat(stored).filteredOn("in-flight"::equals).hasSize(1);
        assertThat(stored).filteredOn("late"::equals).hasSize(lateAccepted[0]);
        assertThat(stored).hasSize(1 + lateAccepted[0]);
        c.journal.close();
    }

    /** Polls /metrics (with a deadline) until the server counts this many requests in flight. */
    static void awaitInFlight(TestCollector c, int requests) {
        String expected = "spool_collector_requests_in_flight " + requests + ".0";
        Deadline.of(Duration.ofSeconds(10))
                .every(Duration.ofMillis(1))
                .await(
                        requests + " requests in flight",
                        () -> c.send(HttpRequest.newBuilder(c.uri("/metrics")).GET())
                                .body()
                                .contains(expected));
    }

    /** Polls (with a deadline) until the closing collector answers a new request with 503. */
    private static Reply awaitRefusal(TestCollector c, int[] accepted) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Reply r = c.post("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"late\"}]}");
            if (r.status() == 200) {
                accepted[0]++;
            }
            if (r.status() == 503 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void closingTwiceIsHarmlessAndAnOwnedJournalIsClosed() throws Exception {
        Path journalDir = dir.resolve("j");
        Collector collector = Collector.builder()
                .port(0)
                .host("127.0.0.1")
                .journalDir(journalDir)
                .writeKey("k")
                .build()
                .start();
        HttpResponse<String> stored = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.port() + "/v1/batch"))
                                .header("Authorization", basic("k"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).isEqualTo(200);
        // The check below sees the journal while it is open; otherwise its "nothing left" would prove nothing.
        assertThat(OpenFiles.under(journalDir))
                .as("the running collector's journal files")
                .isNotEmpty();

        collector.close();
        collector.close();

        // Reopening the folder would pass whether or not it was closed (Chronicle allows many openers);
        // no descriptor and no mapping of the journal's files left in this process is what closing means.
        OpenFiles.awaitNoneUnder(journalDir, Duration.ofSeconds(10));
        try (Journal journal = Journal.open(journalDir)) {
            assertThat(journal.events().lastIndex()).isNotEqualTo(-1);
        }
    }
}
