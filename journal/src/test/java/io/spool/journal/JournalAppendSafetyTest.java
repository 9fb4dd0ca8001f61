package io.spool.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's append path: space reserved ahead of Chronicle, group commit, one appending process. */
class JournalAppendSafetyTest {
    @TempDir
    Path dir;

    private static EventRecord record(String id) {
        EventRecord r = new EventRecord().type(EventType.TRACK).receivedAt(1).timestamp(2).messageId(id)
                .anonymousId("a").event("Clicked");
        r.properties().set("{\"n\":\"" + id + "\"}");
        return r;
    }

    private static List<String> ids(JournalQueue queue) {
        List<String> ids = new ArrayList<>();
        for (EventRecord r : JournalRoundTripTest.readAll(queue)) {
            ids.add(r.messageId());
        }
        return ids;
    }

    @Test
    void fsyncServesManyConcurrentAppendsWithOneSync() throws Exception {
        int threads = 16;
        int perThread = 100;
        try (Journal journal = Journal.builder(dir).fsync(true).build()) {
            JournalAppender appender = journal.events().newAppender();
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    BatchEncoder batch = new BatchEncoder();
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            appender.append(batch.reset().add(record(thread + "-" + i)));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                worker.start();
                workers.add(worker);
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            assertThat(errors).isEmpty();
            long syncs = journal.events().syncs();
            // Each append waited for a sync (at least one ran), and syncs were shared: fewer than appends.
            assertThat(syncs).isPositive().isLessThan((long) threads * perThread);
            assertThat(ids(journal.events())).hasSize(threads * perThread).doesNotHaveDuplicates();
        }
    }

    @Test
    void withoutFsyncNothingSyncs() {
        try (Journal journal = Journal.open(dir)) {
            journal.events().newAppender().append(new BatchEncoder().add(record("x")));
            assertThat(journal.events().syncs()).isZero();
        }
    }

    @Test
    void aRestartInTheSameHourContinuesTheCycleFileIntact() {
        JournalRoundTripTest.MutableClock clock = new JournalRoundTripTest.MutableClock(Instant.parse("2026-12-01T10:15:00Z"));
        List<String> sent = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            try (Journal journal = Journal.builder(dir).clock(clock).build()) {
                JournalAppender appender = journal.events().newAppender();
                BatchEncoder batch = new BatchEncoder();
                for (int i = 0; i < 3_000; i++) { // several index arrays per run
                    String id = run + "-" + i;
                    sent.add(id);
                    appender.append(batch.reset().add(record(id)));
                }
            }
        }
        try (Journal journal = Journal.builder(dir).clock(clock).build()) {
            assertThat(ids(journal.events())).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void aRollOpensTheNextFileThroughAPreallocatedOneAndLeavesNoneBehind() throws Exception {
        JournalRoundTripTest.MutableClock clock = new JournalRoundTripTest.MutableClock(Instant.parse("2026-12-01T10:59:59Z"));
        try (Journal journal = Journal.builder(dir).clock(clock).fsync(true).build()) {
            JournalAppender appender = journal.events().newAppender();
            appender.append(new BatchEncoder().add(record("before")));
            clock.now = Instant.parse("2026-12-01T11:00:01Z");
            appender.append(new BatchEncoder().add(record("after")));
            assertThat(ids(journal.events())).containsExactly("before", "after");
            try (Stream<Path> files = Files.list(dir.resolve("events"))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")))
                        .containsExactlyInAnyOrder("20261201-10F.cq4", "20261201-11F.cq4");
            }
            try (Stream<Path> files = Files.list(dir.resolve("events"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".precreated"));
            }
            // The old hour's unused reservation is given back: what stays allocated is its data and headroom.
            assertThat(allocatedBytes(dir.resolve("events").resolve("20261201-10F.cq4")))
                    .isLessThan(SpaceReserver.STEP / 2);
        }
    }

    /** Bytes of disk the file holds (not its length: cycle files are sparse), from stat(1). */
    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    @Test
    void aSecondJournalCannotAppendToTheSameQueue() {
        try (Journal first = Journal.open(dir); Journal second = Journal.open(dir)) {
            first.events().newAppender().append(new BatchEncoder().add(record("one")));
            assertThatThrownBy(() -> second.events().newAppender())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already being appended to");
            // Reading stays open to anyone: the storage writer reads while the collector appends.
            assertThat(ids(second.events())).containsExactly("one");
        }
        try (Journal reopened = Journal.open(dir)) {
            reopened.events().newAppender().append(new BatchEncoder().add(record("two")));
            assertThat(ids(reopened.events())).containsExactly("one", "two");
        }
    }
}
