package io.spool.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalTailer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * A collector on a loopback port over a real journal in a temporary folder, an HTTP client to talk
 * to it, and a reader of what the journal holds.
 */
final class TestCollector implements AutoCloseable {
    static final String KEY = "test-key";
    static final ObjectMapper JSON = new ObjectMapper();

    final Journal journal;
    final Collector collector;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestCollector(Path dir) {
        this(dir, b -> {});
    }

    TestCollector(Path dir, Consumer<Collector.Builder> settings) {
        this(Journal.open(dir.resolve("journal")), settings);
    }

    /** Over a journal the test opened with its own settings (fsync); closed with this collector. */
    TestCollector(Journal journal, Consumer<Collector.Builder> settings) {
        this.journal = journal;
        Collector.Builder builder = Collector.builder()
                .host("127.0.0.1")
                .port(0)
                .journal(journal)
                .writeKey(KEY)
                .ioThreads(1)
                .workerThreads(4);
        settings.accept(builder);
        collector = builder.build().start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + collector.port() + path);
    }

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** POSTs a JSON body with the test key as Basic auth. */
    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", basic(KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Every event record in the journal, in order, copied out. */
    List<Stored> events() {
        List<Stored> out = new ArrayList<>();
        EventRecord record = new EventRecord();
        try (JournalTailer tailer = journal.events().newTailer()) {
            while (tailer.readBatch((index, batch) -> {
                while (batch.next()) {
                    out.add(Stored.of(batch.view().copyTo(record)));
                }
            })) {
                // keep reading
            }
        }
        return out;
    }

    /** Every dead letter in the journal, in order. */
    List<Dead> deadLetters() {
        List<Dead> out = new ArrayList<>();
        DeadLetterRecord record = new DeadLetterRecord();
        try (JournalTailer tailer = journal.deadLetters().newTailer()) {
            while (tailer.readBatch((index, batch) -> {
                while (batch.next()) {
                    DeadLetterRecord d = batch.deadLetter(record);
                    out.add(new Dead(
                            d.batchIndex(),
                            d.reason(),
                            d.writeKey(),
                            d.ip(),
                            d.payload().toString()));
                }
            })) {
                // keep reading
            }
        }
        return out;
    }

    @Override
    public void close() {
        collector.close();
        journal.close();
    }

    record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    record Dead(int index, String reason, String writeKey, String ip, String payload) {}

    /** A journal record with its JSON objects parsed, for comparing meaning rather than bytes. */
    record Stored(
            String type,
            String messageId,
            String userId,
            String anonymousId,
            String event,
            String name,
            String groupId,
            String previousId,
            String writeKey,
            String ip,
            String libraryName,
            String libraryVersion,
            String userAgent,
            long receivedAt,
            long timestamp,
            long originalTimestamp,
            long sentAt,
            JsonNode properties,
            JsonNode traits,
            JsonNode context,
            JsonNode integrations) {
        static Stored of(EventRecord r) {
            return new Stored(
                    r.type().wireName(),
                    r.messageId(),
                    r.userId(),
                    r.anonymousId(),
                    r.event(),
                    r.name(),
                    r.groupId(),
                    r.previousId(),
                    r.writeKey(),
                    r.ip(),
                    r.libraryName(),
                    r.libraryVersion(),
                    r.userAgent(),
                    r.receivedAt(),
                    r.timestamp(),
                    r.originalTimestamp(),
                    r.sentAt(),
                    tree(r.properties().toString()),
                    tree(r.traits().toString()),
                    tree(r.context().toString()),
                    tree(r.integrations().toString()));
        }

        private static JsonNode tree(String json) {
            if (json == null) {
                return null;
            }
            try {
                return JSON.readTree(json);
            } catch (IOException e) {
                throw new AssertionError("the journal holds invalid JSON: " + json, e);
            }
        }
    }
}
