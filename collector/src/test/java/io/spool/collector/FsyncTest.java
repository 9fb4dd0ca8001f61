package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --fsync}: it syncs at all, says so in /metrics, and one sync serves many concurrent requests. */
class FsyncTest {
    private static final Pattern SYNCS = Pattern.compile("(?m)^spool_journal_fsyncs_total ([0-9.eE+]+)$");

    @TempDir
    Path dir;

    private static double syncs(TestCollector c) {
        String metrics = c.send(HttpRequest.newBuilder(c.uri("/metrics")).GET()).body();
        Matcher m = SYNCS.matcher(metrics);
        assertThat(m.find()).as("spool_journal_fsyncs_total in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void concurrentRequestsShareSyncsAndEveryAcknowledgedEventIsStored() throws Exception {
        int clients = 16;
        int requestsEach = 40;
        try (TestCollector c = new TestCollector(
                Journal.builder(dir.resolve("journal")).fsync(true).build(), b -> b.workerThreads(clients))) {
            assertThat(syncs(c)).isZero();
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int client = t;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < requestsEach; i++) {
                            TestCollector.Reply r = c.post(
                                    "/v1/track",
                                    "{\"userId\":\"u\",\"event\":\"Synced\"," + "\"messageId\":\"m-" + client + "-" + i
                                            + "\"}");
                            if (r.status() != 200) {
                                failures.add(r.status() + " " + r.body());
                            }
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                });
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            int requests = clients * requestsEach;
            double syncs = syncs(c);
            // Every 200 waited for a sync that began after its append; syncs were shared between requests.
            assertThat(syncs).isPositive().isLessThan(requests);
            assertThat(c.events()).hasSize(requests);
        }
    }

    @Test
    void withoutFsyncTheJournalNeverSyncs() {
        try (TestCollector c = new TestCollector(dir)) {
            assertThat(c.post("/v1/track", "{\"userId\":\"u\",\"event\":\"Unsynced\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(syncs(c)).isZero();
        }
    }
}
