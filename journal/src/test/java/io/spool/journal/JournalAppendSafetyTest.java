package io.spool.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spool.testsupport.Deadline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's append path: space reserved ahead of Chronicle, group commit, one appending process. */
class JournalAppendSafetyTest {
    @TempDir
    Path dir;

    private static EventRecord record(String id) {
        EventRecord r = new EventRecord()
                .type(EventType.TRACK)
                .receivedAt(1)
                .timestamp(2)
                .messageId(id)
                .anonymousId("a")
                .event("Clicked");
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
        JournalRoundTripTest.MutableClock clock =
                new JournalRoundTripTest.MutableClock(Instant.parse("2026-12-01T10:15:00Z"));
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
        JournalRoundTripTest.MutableClock clock =
                new JournalRoundTripTest.MutableClock(Instant.parse("2026-12-01T10:59:59Z"));
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
        try (Journal first = Journal.open(dir);
                Journal second = Journal.open(dir)) {
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

    /** A clock that moves to {@code next} once it has answered {@code calls} more calls: an hour ending mid-append. */
    static final class SteppingClock extends Clock {
        volatile Instant now;
        volatile Instant next;
        final AtomicInteger callsLeft = new AtomicInteger(-1);

        SteppingClock(Instant now) {
            this.now = now;
        }

        void stepAfter(int calls, Instant to) {
            next = to;
            callsLeft.set(calls);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            if (callsLeft.getAndDecrement() == 0) {
                now = next;
            }
            return now;
        }
    }

    @Test
    void anHourEndingInTheMiddleOfAnAppendStillLeavesTheNextHoursFileReserved() throws Exception {
        SteppingClock clock = new SteppingClock(Instant.parse("2026-12-01T10:59:59Z"));
        try (Journal journal = Journal.builder(dir).clock(clock).build()) {
            JournalAppender appender = journal.events().newAppender();
            BatchEncoder batch = new BatchEncoder();
            appender.append(batch.reset().add(record("first")));
            // The journal reads the clock once to pick the file to reserve space in; the hour ends right after.
            clock.stepAfter(1, Instant.parse("2026-12-01T11:00:00Z"));
            appender.append(batch.reset().add(record("at-the-turn")));
            for (int i = 0; i < 100; i++) {
                appender.append(batch.reset().add(record("later-" + i)));
            }
            assertThat(ids(journal.events())).hasSize(102).startsWith("first", "at-the-turn");
            // The file the 11:00 appends land in has its blocks allocated ahead of them (not just what was written).
            assertThat(allocatedBytes(dir.resolve("events").resolve("20261201-11F.cq4")))
                    .isGreaterThanOrEqualTo(SpaceReserver.HEADROOM);
        }
    }

    @Test
    void anAppendWhoseFsyncIsCutShortIsNotReportedDurableAndLaterAppendsSyncAgain() throws Exception {
        try (Journal journal = Journal.builder(dir).fsync(true).build()) {
            JournalAppender appender = journal.events().newAppender();
            BatchEncoder batch = new BatchEncoder();
            appender.append(batch.reset().add(record("one")));
            long descriptors = cycleFileDescriptors(dir.resolve("events"));
            // An interrupt (a server's forced shutdown) closes a FileChannel in the middle of force().
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> appender.append(batch.reset().add(record("two"))))
                        .isInstanceOf(JournalSyncException.class);
            } finally {
                Thread.interrupted();
            }
            long syncs = journal.events().syncs();
            appender.append(batch.reset().add(record("three")));
            assertThat(journal.events().syncs()).isGreaterThan(syncs);
            // Later appends are forced again: the channel the interrupt closed was reopened, not given up.
            assertThat(cycleFileDescriptors(dir.resolve("events"))).isEqualTo(descriptors);
            assertThat(ids(journal.events())).containsExactly("one", "two", "three");
        }
    }

    /** Descriptors this process holds on the {@code .cq4} cycle files under {@code dir}, from Linux's /proc. */
    private static long cycleFileDescriptors(Path dir) throws IOException {
        long n = 0;
        String prefix = dir.toRealPath() + "/";
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix) && target.endsWith(".cq4")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    @Test
    void appendsCoveredByAFailedFsyncFailTooInsteadOfRetryingIntoASuccess() throws Exception {
        // Linux reports a failed writeback once: a second fsync of the same file can succeed without the data.
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        AtomicInteger forces = new AtomicInteger();
        FileChannel channel = new StubChannel() {
            @Override
            public void force(boolean metaData) throws IOException {
                if (forces.incrementAndGet() == 1) {
                    forcing.countDown();
                    try {
                        fail.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("EIO");
                }
            }
        };
        GroupSync sync = new GroupSync(new GroupSync.Target() {
            @Override
            public GroupSync.Snapshot snapshot() {
                return new GroupSync.Snapshot(2, channel); // append 2 was made before the leader's sync
            }

            @Override
            public boolean closedAfterForce(FileChannel c) {
                return false;
            }
        });
        AtomicReference<Throwable> leader = new AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                sync.await(1);
            } catch (Throwable e) {
                leader.set(e);
            }
        });
        first.start();
        assertThat(forcing.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Throwable> follower = new AtomicReference<>();
        Thread second = new Thread(() -> {
            try {
                sync.await(2);
            } catch (Throwable e) {
                follower.set(e);
            }
        });
        second.start();
        Deadline.of(Duration.ofSeconds(10))
                .every(Duration.ofMillis(1))
                .await("append 2 to wait for the sync in progress", () -> second.getState() == Thread.State.WAITING);
        fail.countDown();
        first.join(10_000);
        second.join(10_000);
        assertThat(leader.get()).isInstanceOf(JournalSyncException.class);
        assertThat(follower.get()).as("append 2 was in the failed sync").isInstanceOf(JournalSyncException.class);
    }

    /** A FileChannel that does nothing, for GroupSync alone. */
    private static class StubChannel extends FileChannel {
        @Override
        public int read(ByteBuffer dst) {
            return -1;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            return -1;
        }

        @Override
        public int write(ByteBuffer src) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            return 0;
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public FileChannel position(long newPosition) {
            return this;
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public FileChannel truncate(long size) {
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {}

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            return 0;
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            return 0;
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            return -1;
        }

        @Override
        public int write(ByteBuffer src, long position) {
            return 0;
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() {}
    }

    @Test
    void aRefusedSecondJournalDoesNotFreeTheFirstOnesLockForOtherProcesses() throws Exception {
        try (Journal first = Journal.open(dir);
                Journal second = Journal.open(dir)) {
            first.events().newAppender().append(new BatchEncoder().add(record("one")));
            assertThatThrownBy(() -> second.events().newAppender()).isInstanceOf(IllegalStateException.class);
            // POSIX locks belong to the process: closing any descriptor of the file drops them all.
            assertThat(tryLockFromAnotherProcess(dir.resolve("events").resolve(QueueWriter.LOCK_FILE)))
                    .isEqualTo("held");
        }
    }

    private static String tryLockFromAnotherProcess(Path lockFile) throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TryLock.class.getName(),
                        lockFile.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(child.getInputStream().readAllBytes()).trim();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Child JVM: whether the lock file can be locked from this process. */
    static final class TryLock {
        public static void main(String[] args) throws IOException {
            try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
                FileLock lock = c.tryLock();
                System.out.println(lock == null ? "held" : "free");
            }
        }
    }

    @Test
    void pretouchingAheadOfTheAppendsChangesNoByteOfThemAcrossChunksAndARoll() throws Exception {
        // The pretoucher reads the file's next pages from its own thread through its own mapping while the
        // appends move through Chronicle's 64 MB mapped chunks and into the next hour's file.
        JournalRoundTripTest.MutableClock clock =
                new JournalRoundTripTest.MutableClock(Instant.parse("2026-12-01T10:30:00Z"));
        int appends = 2_400;
        int perAppend = 10;
        String filler = "x".repeat(4_000);
        try (Journal journal = Journal.builder(dir).clock(clock).build()) {
            JournalAppender appender = journal.events().newAppender();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            AtomicInteger touches = new AtomicInteger();
            CountDownLatch stop = new CountDownLatch(1);
            Thread pretoucher = new Thread(() -> {
                try {
                    while (stop.getCount() > 0) {
                        if (appender.pretouch(4L << 20, 256L << 10)) {
                            touches.incrementAndGet();
                        } else {
                            stop.await(100, TimeUnit.MICROSECONDS);
                        }
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            pretoucher.start();
            try {
                for (int a = 0; a < appends; a++) {
                    if (a == appends * 3 / 4) {
                        clock.now = Instant.parse("2026-12-01T11:00:01Z");
                    }
                    BatchEncoder batch = new BatchEncoder();
                    for (int i = 0; i < perAppend; i++) {
                        String id = a + "-" + i;
                        EventRecord r = record(id);
                        r.properties().set(fillerProperties(id, filler));
                        batch.add(r);
                    }
                    appender.append(batch);
                }
            } finally {
                stop.countDown();
                pretoucher.join();
            }
            assertThat(failed.get()).isNull();
            assertThat(touches.get())
                    .as("pretouch calls that had pages left ahead")
                    .isPositive();

            List<String> wrong = new ArrayList<>();
            int read = readEach(journal, (r, n) -> {
                String id = (n / perAppend) + "-" + (n % perAppend);
                if (!id.equals(r.messageId()) || !fillerProperties(id, filler).equals(propertiesOf(r))) {
                    wrong.add(r.messageId());
                }
            });
            assertThat(wrong).isEmpty();
            assertThat(read).isEqualTo(appends * perAppend);
            try (Stream<Path> files = Files.list(dir.resolve("events"))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")))
                        .containsExactlyInAnyOrder("20261201-10F.cq4", "20261201-11F.cq4");
            }
        }
    }

    @Test
    void withFsyncUnmappingTheSyncedPagesChangesNoByteAndTheIndexFindsEveryAppend() throws Exception {
        // Before each sync the writer unmaps the pages appended since the last one (MADV_DONTNEED): the
        // data must stay in the file (the page cache keeps it, the sync writes it), Chronicle's index
        // entries written into those pages afterwards must land too, and across a 64 MB chunk boundary.
        JournalRoundTripTest.MutableClock clock =
                new JournalRoundTripTest.MutableClock(Instant.parse("2026-12-01T10:30:00Z"));
        int threads = 2;
        int appendsEach = 1_000;
        int perAppend = 10;
        String filler = "y".repeat(4_000);
        long[][] indexes = new long[threads][appendsEach];
        try (Journal journal = Journal.builder(dir).clock(clock).fsync(true).build()) {
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                JournalAppender appender = journal.events().newAppender();
                Thread writer = new Thread(() -> {
                    try {
                        for (int a = 0; a < appendsEach; a++) {
                            BatchEncoder batch = new BatchEncoder();
                            for (int i = 0; i < perAppend; i++) {
                                String id = thread + "-" + a + "-" + i;
                                EventRecord r = record(id);
                                r.properties().set(fillerProperties(id, filler));
                                batch.add(r);
                            }
                            indexes[thread][a] = appender.append(batch); // returns once synced
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                });
                writers.add(writer);
                writer.start();
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failed.get()).isNull();
            List<String> wrong = new ArrayList<>();
            int read = readEach(journal, (r, n) -> {
                if (!fillerProperties(r.messageId(), filler).equals(propertiesOf(r))) {
                    wrong.add(r.messageId());
                }
            });
            assertThat(wrong).isEmpty();
            assertThat(read).isEqualTo(threads * appendsEach * perAppend);

            // Chronicle's index, written into pages after they were unmapped, finds every append
            EventRecord copy = new EventRecord();
            for (int t = 0; t < threads; t++) {
                for (int a = 1; a < appendsEach; a += 37) {
                    AtomicReference<String> first = new AtomicReference<>();
                    long target = indexes[t][a];
                    try (JournalTailer seek = journal.events().newTailer()) {
                        seek.moveAfter(target - 1); // one cycle file: its indexes are consecutive
                        seek.readBatch((index, b) -> {
                            if (index == target && b.next()) {
                                b.view().copyTo(copy);
                                first.set(copy.messageId());
                            }
                        });
                    }
                    assertThat(first.get()).as("the append at index %d", target).isEqualTo(t + "-" + a + "-0");
                }
            }
        }
    }

    /** The properties of the big-record tests: the record's id and {@code filler}. */
    private static String fillerProperties(String id, String filler) {
        return "{\"id\":\"" + id + "\",\"f\":\"" + filler + "\"}";
    }

    private static String propertiesOf(EventRecord r) {
        return new String(r.properties().toByteArray(), StandardCharsets.UTF_8);
    }

    /** Reads the events queue from its start to its end, handing each record and its number; returns how many. */
    private static int readEach(Journal journal, java.util.function.ObjIntConsumer<EventRecord> each) {
        int[] read = {0};
        EventRecord copy = new EventRecord();
        JournalTailer tailer = journal.events().newTailer();
        while (tailer.readBatch((index, b) -> {
            while (b.next()) {
                b.view().copyTo(copy);
                each.accept(copy, read[0]++);
            }
        })) {
            // keep reading
        }
        return read[0];
    }

    @Test
    void withoutANativePosixLibraryTheJournalStillAppends() {
        // Chronicle's posix binding falls back to a stub that throws when JNR cannot load (a noexec /tmp, say).
        PosixAPI real = PosixAPI.posix();
        PosixAPI.useNoOpPosixApi();
        try (Journal journal = Journal.open(dir)) {
            journal.events().newAppender().append(new BatchEncoder().add(record("x")));
            assertThat(ids(journal.events())).containsExactly("x");
        } finally {
            PosixAPIHolder.POSIX_API = real;
        }
    }
}
