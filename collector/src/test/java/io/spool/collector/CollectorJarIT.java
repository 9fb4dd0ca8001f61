package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalTailer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executable jar, run as a user runs it: {@code java -jar target/spool-collector.jar}, nothing else. */
class CollectorJarIT {
    private static final Path JAR = Path.of("target", "spool-collector.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    @TempDir
    Path dir;

    Process process;
    final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.command().set(2, JAR.toAbsolutePath().toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("SPOOL_"));
        process = builder.start();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            stderr.add(line);
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "collector-stderr");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    /** Waits for the start-up line and returns the port it names. */
    private int awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = stderr.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                assertThat(process.isAlive())
                        .as("collector exited early: " + seen)
                        .isTrue();
                continue;
            }
            seen.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no start-up line within 60 s: " + seen);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void startsWithJavaJarAnswersHealthAndExitsZeroOnSigtermAfterAnsweringTheRequestInFlight() throws Exception {
        start("--port", "0", "--host", "127.0.0.1", "--journal-dir", "journal", "--write-key", "K");
        int port = awaitListening();
        URI base = URI.create("http://127.0.0.1:" + port);

        HttpResponse<String> health =
                send(HttpRequest.newBuilder(base.resolve("/health")).GET().build());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(base.resolve("/v1/import/"))
                .header("Authorization", basic("K"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"batch\":[{\"type\":\"identify\",\"userId\":\"before\"}]}"))
                .build());
        assertThat(accepted.statusCode()).isEqualTo(200);

        byte[] body = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"in-flight\"}]}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic("K")
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            awaitInFlight(base, 1);

            process.destroy(); // SIGTERM

            awaitShuttingDown(base);
            out.write(body, 10, body.length - 10);
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();

        List<String> users = new ArrayList<>();
        try (Journal journal = Journal.open(dir.resolve("journal"));
                JournalTailer tailer = journal.events().newTailer()) {
            EventRecord record = new EventRecord();
            while (tailer.readBatch((index, batch) -> {
                while (batch.next()) {
                    users.add(batch.view().copyTo(record).userId());
                }
            })) {
                // read on
            }
        }
        assertThat(users).containsExactly("before", "in-flight");
    }

    private void awaitInFlight(URI base, int requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build())
                .body()
                .contains("spool_collector_requests_in_flight " + requests + ".0")) {
            assertThat(System.nanoTime()).as("request in flight").isLessThan(deadline);
        }
    }

    /** Polls until new requests get 503 (the collector got SIGTERM and is draining). */
    private void awaitShuttingDown(URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/batch"))
                        .header("Authorization", basic("K"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[]}"))
                        .build());
                if (r.statusCode() == 503) {
                    assertThat(r.body()).contains("shutting down");
                    return;
                }
            } catch (ConnectException e) {
                throw new AssertionError("the collector stopped listening before answering the request in flight", e);
            }
            assertThat(System.nanoTime()).as("503 while shutting down").isLessThan(deadline);
        }
    }

    @Test
    void kill9UnderLoadLosesNoAcknowledgedEvent() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 3; round++) {
            start("--port", "0", "--host", "127.0.0.1", "--journal-dir", "journal", "--write-key", "K");
            URI batch = URI.create("http://127.0.0.1:" + awaitListening() + "/v1/batch");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger acksThisRound = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String prefix = "r" + round + "-t" + t + "-";
                Thread sender = new Thread(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        List<String> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"batch\":[");
                        for (int i = 0; i < 20; i++) {
                            String id = prefix + n + "-" + i;
                            ids.add(id);
                            body.append(i == 0 ? "" : ",")
                                    .append("{\"type\":\"track\",\"event\":\"Played\",")
                                    .append("\"userId\":\"u\",\"messageId\":\"")
                                    .append(id)
                                    .append("\"}");
                        }
                        try {
                            HttpResponse<String> r = send(HttpRequest.newBuilder(batch)
                                    .header("Authorization", basic("K"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            body.append("]}").toString()))
                                    .build());
                            if (r.statusCode() == 200) {
                                acknowledged.addAll(ids);
                                acksThisRound.addAndGet(ids.size());
                            }
                        } catch (Exception e) {
                            return; // the collector died under this request: not acknowledged
                        }
                    }
                });
                sender.start();
                senders.add(sender);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acksThisRound.get() < 5_000) {
                assertThat(System.nanoTime())
                        .as("acknowledgements in round " + round)
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
            process.destroyForcibly(); // SIGKILL, requests in flight
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            for (Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
        Set<String> stored = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        try (Journal journal = Journal.open(dir.resolve("journal"));
                JournalTailer tailer = journal.events().newTailer()) {
            EventRecord record = new EventRecord();
            while (tailer.readBatch((index, b) -> {
                while (b.next()) {
                    String id = b.view().copyTo(record).messageId();
                    if (!stored.add(id)) {
                        duplicates.add(id);
                    }
                }
            })) {
                // read on
            }
        }
        assertThat(duplicates).isEmpty();
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(stored);
        assertThat(lost)
                .as("acknowledged but not in the journal after three kill -9")
                .isEmpty();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(15_000);
    }

    @Test
    void refusesToStartWithoutAWriteKeyInOneClearLine() throws Exception {
        start("--port", "0", "--journal-dir", "journal");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        List<String> lines = drainStderr();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .startsWith("spool-collector: no write key configured")
                .contains("--write-key")
                .contains("--allow-anonymous");
        assertThat(Files.exists(dir.resolve("journal")))
                .as("nothing is created")
                .isFalse();
    }

    @Test
    void aKeystoreWithTheWrongPasswordStopsStartUpInOneClearLine() throws Exception {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", "right-password");
        start(
                "--port",
                "0",
                "--journal-dir",
                "journal",
                "--write-key",
                "K",
                "--tls-keystore",
                keystore.file().toString(),
                "--tls-keystore-password",
                "wrong-password");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(drainStderr())
                .containsExactly("spool-collector: TLS keystore " + keystore.file() + " did not open: wrong password");
        assertThat(Files.exists(dir.resolve("journal")))
                .as("nothing is created")
                .isFalse();
    }

    @Test
    void aPortInUseStopsStartUpInOneLineWithExit2BeforeAnyJournalExists() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            start(
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(taken.getLocalPort()),
                    "--journal-dir",
                    "journal",
                    "--write-key",
                    "K");

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(drainStderr())
                    .singleElement()
                    .asString()
                    .isEqualTo("spool-collector: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": Address already in use");
            assertThat(Files.exists(dir.resolve("journal")))
                    .as("nothing is created")
                    .isFalse();
        }
    }

    @Test
    void logFormatJsonWritesOneJsonObjectPerLineWithOneSlf4jBinding() throws Exception {
        start(
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--journal-dir",
                "journal",
                "--write-key",
                "K",
                "--log-format",
                "json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode listening = null;
        while (listening == null && System.nanoTime() < deadline) {
            String line = stderr.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                assertThat(process.isAlive())
                        .as("collector exited early: " + seen)
                        .isTrue();
                continue;
            }
            seen.add(line);
            // every line is JSON: no SLF4J provider warnings, no library lines in another format
            com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
            assertThat(node.has("level") && node.has("loggerName") && node.has("formattedMessage"))
                    .as(line)
                    .isTrue();
            if (node.get("formattedMessage").asText().startsWith("Spool collector listening on http://127.0.0.1:")) {
                listening = node;
            }
        }
        assertThat(listening).as("the start-up line, in " + seen).isNotNull();
        assertThat(listening.get("level").asText()).isEqualTo("INFO");
        assertThat(listening.get("loggerName").asText()).isEqualTo("io.spool.collector.internal.CollectorServer");
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        for (String line : drainStderr()) {
            assertThat(json.readTree(line).get("level").asText()).as(line).isNotEmpty();
        }
    }

    @Test
    void helpListsTheOptionsAndExitsZero() throws Exception {
        start("--help");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(out).contains("--write-key").contains("SPOOL_WRITE_KEYS").contains("--journal-dir");
    }

    /** Everything the process wrote to stderr, once its stream has ended. */
    private List<String> drainStderr() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String line = stderr.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                lines.add(line);
            } else if (!process.isAlive()) {
                break;
            }
        }
        return lines;
    }
}
