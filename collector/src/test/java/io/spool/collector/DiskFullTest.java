package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.spool.testsupport.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a small tmpfs that another process fills while requests keep coming, with no
 * free-space margin to hide behind ({@code minFreeDiskBytes(0)}): every 200 must be in the journal,
 * the full disk must be a 503 with its reason (never a 500, never a lost write), and the collector
 * must take events again by itself once the space is freed.
 */
class DiskFullTest {
    private static final int THREADS = 4;
    private static final int EVENTS_PER_BATCH = 50;

    @TempDir
    Path dir;

    private Path disk;
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private boolean mounted;

    @BeforeEach
    void mountTmpfs() throws Exception {
        disk = dir.resolve("disk");
        Files.createDirectories(disk);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", disk.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(mount.getInputStream().readAllBytes());
        mounted = mount.waitFor() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " + out.trim());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    @Test
    void aDiskFilledByAnotherProcessIsA503AndEveryAcknowledgedEventIsKept() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> fullReasons = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acksAfterFreeing = new AtomicLong();
        AtomicBoolean freed = new AtomicBoolean();
        AtomicLong without = new AtomicLong(); // 503s without Retry-After
        Path filler = disk.resolve("filler");
        try (TestCollector c =
                new TestCollector(disk, b -> b.minFreeDiskBytes(0).workerThreads(THREADS))) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread sender = new Thread(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        List<String> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"batch\":[");
                        for (int i = 0; i < EVENTS_PER_BATCH; i++) {
                            String id = "t" + thread + "-" + n + "-" + i;
                            ids.add(id);
                            body.append(i == 0 ? "" : ",")
                                    .append("{\"type\":\"track\",\"event\":\"Order Completed\",")
                                    .append("\"userId\":\"user-")
                                    .append(i)
                                    .append("\",\"messageId\":\"")
                                    .append(id)
                                    .append("\",\"properties\":{\"revenue\":19.99,\"currency\":\"EUR\",\"sku\":\"")
                                    .append("sku-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789\"}}");
                        }
                        TestCollector.Reply r =
                                c.post("/v1/batch", body.append("]}").toString());
                        statuses.computeIfAbsent(r.status(), s -> new AtomicLong())
                                .incrementAndGet();
                        if (r.status() == 200) {
                            acknowledged.addAll(ids);
                            if (freed.get()) {
                                acksAfterFreeing.incrementAndGet();
                            }
                        } else if (r.status() == 503) {
                            fullReasons.add(r.json().path("error").asText());
                            if (r.header("Retry-After") == null) {
                                without.incrementAndGet();
                            }
                        }
                    }
                });
                sender.start();
                senders.add(sender);
            }
            try {
                awaitTrue(() -> acknowledged.size() >= 20 * EVENTS_PER_BATCH, "first acknowledgements");
                // Another process takes every free byte, between two of the collector's checks.
                Process cat = new ProcessBuilder("sh", "-c", "cat /dev/zero > '" + filler + "'")
                        .redirectErrorStream(true)
                        .start();
                cat.getInputStream().readAllBytes();
                cat.waitFor(60, TimeUnit.SECONDS);
                assertThat(Files.getFileStore(disk).getUsableSpace())
                        .as("free bytes after the filler")
                        .isLessThan(64 * 1024);
                awaitTrue(() -> statuses.getOrDefault(503, new AtomicLong()).get() >= 20, "503s on the full disk");
                TestCollector.Reply health = c.send(
                        java.net.http.HttpRequest.newBuilder(c.uri("/health")).GET());
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.body()).contains("disk is full");

                Files.delete(filler);
                freed.set(true);
                awaitTrue(() -> acksAfterFreeing.get() >= 20, "200s again once the space is back");
                awaitTrue(
                        () -> c.send(java.net.http.HttpRequest.newBuilder(c.uri("/health"))
                                                .GET())
                                        .status()
                                == 200,
                        "a healthy /health once the space is back");
            } finally {
                stop.set(true);
                for (Thread s : senders) {
                    s.join(TimeUnit.SECONDS.toMillis(60));
                }
            }
            assertThat(statuses.keySet()).as("statuses answered: %s", statuses).containsOnly(200, 503);
            assertThat(fullReasons).containsExactly("events not stored: the journal's disk is full");
            assertThat(without.get()).as("503s without Retry-After").isZero();
        }
        // Read back in a fresh journal, as the storage writer would after a restart.
        try (io.spool.journal.Journal journal = io.spool.journal.Journal.open(disk.resolve("journal"))) {
            List<String> stored = new ArrayList<>();
            io.spool.journal.EventRecord record = new io.spool.journal.EventRecord();
            AtomicLong unreadable = new AtomicLong();
            try (io.spool.journal.JournalTailer tailer = journal.events().newTailer()) {
                while (tailer.readBatch((index, batch) -> {
                    while (batch.next()) {
                        try {
                            stored.add(batch.view().copyTo(record).messageId());
                        } catch (RuntimeException e) {
                            unreadable.incrementAndGet();
                        }
                    }
                })) {
                    // keep reading
                }
            }
            assertThat(unreadable.get()).as("unreadable records").isZero();
            Set<String> storedSet = new HashSet<>(stored);
            assertThat(stored).as("no record twice").hasSameSizeAs(storedSet);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(storedSet);
            assertThat(lost).as("acknowledged but not in the journal").isEmpty();
            // A 503 stored nothing: what the journal holds is exactly what was acknowledged.
            assertThat(storedSet).hasSameSizeAs(acknowledged);
        }
    }

    private void awaitTrue(BooleanSupplier condition, String what) {
        Deadline.of(Duration.ofSeconds(60)).every(Duration.ofMillis(20)).await(what, () -> {
            if (statuses.keySet().stream().anyMatch(s -> s != 200 && s != 503)) {
                fail("answers other than 200 and 503 while waiting for " + what + ": " + statuses);
            }
            return condition.getAsBoolean();
        });
    }
}
