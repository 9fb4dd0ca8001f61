package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.collector.TestCollector.Reply;
import io.spool.collector.TestCollector.Stored;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many clients at once: every acknowledged event is in the journal exactly once, nothing else is. */
class ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEventIsStoredExactlyOnce() throws Exception {
        int clients = 16;
        int requestsEach = 25;
        int eventsPerRequest = 20;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestCollector c = new TestCollector(dir, b -> b.workerThreads(8))) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int client = 0; client < clients; client++) {
                    int id = client;
                    futures.add(pool.submit(() -> {
                        for (int r = 0; r < requestsEach; r++) {
                            List<String> ids = new ArrayList<>();
                            StringBuilder body = new StringBuilder("{\"batch\":[");
                            for (int e = 0; e < eventsPerRequest; e++) {
                                String messageId = id + "-" + r + "-" + e;
                                ids.add(messageId);
                                body.append(e == 0 ? "" : ",")
                                        .append("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u")
                                        .append(id)
                                        .append("\",\"messageId\":\"")
                                        .append(messageId)
                                        .append("\",\"properties\":{\"r\":")
                                        .append(r)
                                        .append("}}");
                            }
                            // every third request is gzipped, every other one goes to /v1/import/
                            Reply reply = r % 3 == 0
                                    ? c.send(java.net.http.HttpRequest.newBuilder(c.uri("/v1/batch"))
                                            .header("Authorization", TestCollector.basic(TestCollector.KEY))
                                            .header("Content-Encoding", "gzip")
                                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                                                    TestCollector.gzip(body.append("]}")
                                                            .toString()
                                                            .getBytes()))))
                                    : c.post(
                                            r % 2 == 0 ? "/v1/batch" : "/v1/import/",
                                            body.append("]}").toString());
                            if (reply.status() == 200) {
                                acknowledged.addAll(ids);
                            } else {
                                refusals.add(reply.status() + " " + reply.body());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }

            List<Stored> stored = c.events();
            Map<String, Long> counts =
                    stored.stream().collect(Collectors.groupingBy(Stored::messageId, Collectors.counting()));
            assertThat(refusals).as("requests not answered 200").isEmpty();
            assertThat(acknowledged).hasSize(clients * requestsEach * eventsPerRequest);
            assertThat(counts.keySet()).isEqualTo(new HashSet<>(acknowledged));
            assertThat(counts.values()).allMatch(n -> n == 1);
            // each request's events are stored together and in order
            Map<String, List<Stored>> byRequest = stored.stream()
                    .collect(Collectors.groupingBy(
                            s -> s.messageId().substring(0, s.messageId().lastIndexOf('-'))));
            assertThat(byRequest.values())
                    .allSatisfy(events -> assertThat(events)
                            .extracting(s -> Integer.parseInt(
                                    s.messageId().substring(s.messageId().lastIndexOf('-') + 1)))
                            .isSorted());
            assertThat(stored)
                    .extracting(s -> s.properties().get("r").asInt())
                    .allMatch(r -> r >= 0 && r < requestsEach);
            Function<Stored, String> user = Stored::userId;
            assertThat(stored).extracting(user).allMatch(u -> u.startsWith("u"));
        }
    }
}
