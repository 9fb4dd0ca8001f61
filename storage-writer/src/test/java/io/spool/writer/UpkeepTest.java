package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.testsupport.DuckDb;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's table upkeep: compaction of its small files (with the dedup of repeated message ids),
 * snapshot expiry that leaves every writer able to resume, orphan removal, and the settling of a
 * compaction a crash interrupted. Read back as users read: DuckDB over the data folder, and the table
 * through the catalog.
 */
class UpkeepTest {
    @TempDir
    Path dir;

    private static final long T0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
    private static final String DAY = "2026-05-01";

    private Path lake() {
        return dir.resolve("lake");
    }

    private Path eventsDay(String day) {
        return lake().resolve("spool/events/data/timestamp_day=" + day);
    }

    private Path rejectedDay(String day) {
        return lake().resolve("spool/rejected/data/received_at_day=" + day);
    }

    private StorageWriter.Builder writer(Journal journal, String id) {
        return StorageWriter.builder()
                .journal(journal)
                .output(lake())
                .writerId(id)
                .dedupWindow(Duration.ofMinutes(1));
    }

    @Test
    void aTrickleOfSmallCommitsIntoAPastDayBecomesOneFileHoldingEveryEventOnce() throws Exception {
        int commits = 40;
        int perCommit = 5;
        long total = 0;
        try (Journal journal = Journal.open(dir.resolve("journal"));
                StorageWriter w = writer(journal, "w1").build()) {
            int n = 0;
            for (int c = 0; c < commits; c++) {
                EventRecord[] batch = new EventRecord[perCommit];
                for (int k = 0; k < perCommit; k++, n++) {
                    batch[k] = TestJournal.track("m" + n, T0 + n * 1000L);
                    batch[k].properties().set("{\"n\":" + n + "}");
                }
                TestJournal.append(journal, batch);
                if (c == 10 || c == 30) {
                    // a client retry 20 minutes after the first: past the 1-minute dedup window, two rows until
                    // compaction
                    TestJournal.append(journal, TestJournal.track("retried", T0 + c * 60_000L));
                }
                DeadLetterRecord dl = new DeadLetterRecord()
                        .receivedAt(T0 + c)
                        .batchIndex(c)
                        .reason("not an object")
                        .writeKey("wk")
                        .ip("198.51.100.1");
                dl.payload().set("[" + c + "]");
                TestJournal.appendDeadLetters(journal, dl);
                w.drain();
            }
            total = (long) commits * perCommit + 2;
            assertThat(parquetFiles(eventsDay(DAY))).hasSize(commits);
            assertThat(parquetFiles(rejectedDay(DAY))).hasSize(commits);
            assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                    .isEqualTo(total);
            List<Long> before = sizes(eventsDay(DAY));

            w.upkeep();

            List<Path> after = parquetFiles(eventsDay(DAY));
            assertThat(after)
                    .singleElement()
                    .satisfies(
                            p -> assertThat(p.getFileName().toString()).matches("part-w1-c[0-9a-f]{12}-0\\.parquet"));
            assertThat(parquetFiles(rejectedDay(DAY))).hasSize(1);
            System.out.printf(
                    "trickle: %d events files %s before upkeep, %d file(s) %s after%n",
                    before.size(), summary(before), after.size(), summary(sizes(eventsDay(DAY))));
            String metrics = metrics(w);
            assertThat(value(metrics, "spool_writer_compacted_files_total")).isEqualTo(2 * commits);
            assertThat(value(metrics, "spool_writer_compaction_duplicates_dropped_total"))
                    .isEqualTo(1);
        }
        // every event once; the retry kept at its first arrival
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(total - 1);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake())))
                .isEqualTo(total - 1);
        assertThat(DuckDb.count("SELECT sum((properties->>'$.n')::BIGINT) FROM " + TestJournal.events(lake())))
                .isEqualTo((long) commits * perCommit * (commits * perCommit - 1) / 2);
        assertThat(DuckDb.count("SELECT epoch_ms(received_at) FROM " + TestJournal.events(lake())
                        + " WHERE message_id = 'retried'"))
                .isEqualTo(T0 + 10 * 60_000L);
        assertThat(DuckDb.query("SELECT batch_index, decode(payload) AS payload FROM " + TestJournal.rejected(lake())
                        + " ORDER BY batch_index"))
                .extracting(m -> m.get("batch_index") + ":" + m.get("payload"))
                .hasSize(commits)
                .startsWith("0:[0]", "1:[1]")
                .endsWith((commits - 1) + ":[" + (commits - 1) + "]");
        assertNoTemporaries();

        // the table says the same: one rewrite commit, and its one file is the folder's
        try (Lakes l = new Lakes(lake())) {
            Table events = l.events();
            Snapshot head = events.currentSnapshot();
            assertThat(head.operation()).isEqualTo("replace");
            assertThat(head.summary()).containsEntry("spool.writer-id", "w1").containsKey("spool.compaction");
            assertThat(dataFiles(events))
                    .containsExactlyElementsOf(parquetFiles(eventsDay(DAY)).stream()
                            .map(Path::toString)
                            .toList());
        }

        // the writer goes on where it was, into the compacted partition, and a restart adds nothing
        try (Journal journal = Journal.open(dir.resolve("journal"))) {
            try (StorageWriter w = writer(journal, "w1").build()) {
                TestJournal.append(journal, TestJournal.track("late", T0 + 3_600_000L));
                assertThat(w.drain().rowsCommitted()).isEqualTo(1);
            }
            try (StorageWriter w = writer(journal, "w1").build()) {
                assertThat(w.drain().rowsCommitted()).isZero();
            }
        }
        assertThat(parquetFiles(eventsDay(DAY))).hasSize(2);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake())))
                .isEqualTo(total);
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(total);
    }

    @Test
    void anOpenDayWaitsForManyFilesAClosedDayNeedsTwoAndOtherWritersFilesAreNotTouched() throws Exception {
        // noon of the day the events happen: that day is open, the day before closed
        Clock noon = Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC);
        long yesterday = T0 - 86_400_000L;
        try (Journal journal = Journal.open(dir.resolve("journal"));
                Journal other = Journal.open(dir.resolve("journal-2"));
                StorageWriter w = writer(journal, "w1").clock(noon).build();
                StorageWriter w2 = writer(other, "w2").clock(noon).build()) {
            for (int i = 0; i < 47; i++) {
                TestJournal.append(journal, TestJournal.track("today-" + i, T0 + i));
                if (i < 2) {
                    TestJournal.append(journal, TestJournal.track("yesterday-" + i, yesterday + i));
                    TestJournal.append(other, TestJournal.track("other-" + i, yesterday + i));
                    w2.drain();
                }
                w.drain();
            }
            assertThat(parquetFiles(eventsDay("2026-04-30"))).hasSize(4);
            w.upkeep();
            assertThat(parquetFiles(eventsDay(DAY)))
                    .as("47 files: below the open day's 48")
                    .hasSize(47);
            assertThat(parquetFiles(eventsDay("2026-04-30")))
                    .extracting(p -> p.getFileName().toString())
                    .as("w1's two compacted into one; w2's two are w2's")
                    .hasSize(3)
                    .filteredOn(name -> name.startsWith("part-w2-"))
                    .hasSize(2);
            try (Lakes l = new Lakes(lake())) {
                // the scan compaction plans with: a filter on the day's timestamps prunes to that partition
                long start = Instant.parse("2026-04-30T00:00:00Z").toEpochMilli() * 1000;
                List<String> planned = new ArrayList<>();
                try (CloseableIterable<FileScanTask> tasks = l.events()
                        .newScan()
                        .filter(Expressions.and(
                                Expressions.greaterThanOrEqual("timestamp", start),
                                Expressions.lessThan("timestamp", start + 86_400_000_000L)))
                        .planFiles()) {
                    tasks.forEach(t -> planned.add(t.file().location()));
                }
                assertThat(planned)
                        .containsExactlyInAnyOrderElementsOf(parquetFiles(eventsDay("2026-04-30")).stream()
                                .map(Path::toString)
                                .toList());
            }

            TestJournal.append(journal, TestJournal.track("today-47", T0 + 47));
            w.drain();
            w.upkeep();
            assertThat(parquetFiles(eventsDay(DAY))).hasSize(1);

            w2.upkeep();
            assertThat(parquetFiles(eventsDay("2026-04-30"))).hasSize(2);
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(48 + 4);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake())))
                .isEqualTo(48 + 4);
        assertNoTemporaries();
    }

    @Test
    void expiryKeepsEachWritersNewestCommitSoEveryWriterResumesFromTheTable() throws Exception {
        Path j1 = dir.resolve("journal-1");
        Path j2 = dir.resolve("journal-2");
        try (Journal journal1 = Journal.open(j1);
                Journal journal2 = Journal.open(j2)) {
            try (StorageWriter w1 = writer(journal1, "w1")
                            .snapshotRetention(Duration.ZERO)
                            .build();
                    StorageWriter w2 = writer(journal2, "w2")
                            .snapshotRetention(Duration.ZERO)
                            .build()) {
                for (int i = 0; i < 3; i++) {
                    TestJournal.append(journal1, TestJournal.track("w1-" + i, T0 + i));
                    w1.drain();
                }
                for (int i = 0; i < 5; i++) {
                    TestJournal.append(journal2, TestJournal.track("w2-" + i, T0 + 100 + i));
                    w2.drain();
                }
                int before = snapshots();
                assertThat(before).isEqualTo(8);
                w2.upkeep();
                // w1's first two commits expire; w1's newest, everything after it, and w2's compaction stay
                assertThat(snapshots()).isEqualTo(before - 2 + 1);
                assertThat(value(metrics(w2), "spool_writer_expired_snapshots_total"))
                        .isEqualTo(2);
                try (Lakes l = new Lakes(lake())) {
                    assertThat(ancestry(l.events()))
                            .extracting(s -> s.summary().get("spool.writer-id") + ":"
                                    + s.summary().getOrDefault("spool.commit", "compaction"))
                            .containsExactly("w2:compaction", "w2:5", "w2:4", "w2:3", "w2:2", "w2:1", "w1:3");
                }
            }
            // only the table can tell them now where they stand
            Files.delete(j1.resolve("writer/w1/positions"));
            Files.delete(j2.resolve("writer/w2/positions"));
            try (StorageWriter w1 = writer(journal1, "w1")
                            .snapshotRetention(Duration.ZERO)
                            .build();
                    StorageWriter w2 = writer(journal2, "w2")
                            .snapshotRetention(Duration.ZERO)
                            .build()) {
                TestJournal.append(journal1, TestJournal.track("w1-after", T0 + 50));
                assertThat(w1.drain().rowsCommitted()).isEqualTo(1);
                assertThat(w2.drain().rowsCommitted()).isZero();
                w1.upkeep();
                assertThat(parquetFiles(eventsDay(DAY))).hasSize(2);
            }
            Files.delete(j1.resolve("writer/w1/positions"));
            Files.delete(j2.resolve("writer/w2/positions"));
            try (StorageWriter w1 = writer(journal1, "w1").build();
                    StorageWriter w2 = writer(journal2, "w2").build()) {
                assertThat(w1.drain().rowsCommitted()).isZero();
                assertThat(w2.drain().rowsCommitted()).isZero();
            }
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(9);
        assertThat(DuckDb.count("SELECT count(DISTINCT message_id) FROM " + TestJournal.events(lake())))
                .isEqualTo(9);
    }

    @Test
    void oldUnreferencedFilesAreDeletedOnceADayYoungOnesAndReferencedOnesAreKept() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        try (Journal journal = Journal.open(dir.resolve("journal"));
                StorageWriter w = writer(journal, "w1").clock(clock).build()) {
            TestJournal.append(journal, TestJournal.track("a", T0), TestJournal.track("b", T0 + 1));
            TestJournal.appendDeadLetters(
                    journal, new DeadLetterRecord().receivedAt(T0).batchIndex(0).reason("bad"));
            w.drain();
            Path committed = parquetFiles(eventsDay(DAY)).get(0);
            age(committed, clock, Duration.ofDays(10));
            Path oldOrphan = copy(committed, "part-ghost-7-deadbeef.parquet", clock, Duration.ofDays(4));
            Path oldTemporary = copy(committed, ".part-ghost-8-deadbeef.parquet.tmp", clock, Duration.ofDays(4));
            Path youngTemporary = copy(committed, ".part-ghost-9-deadbeef.parquet.tmp", clock, Duration.ofDays(1));
            Path rejectedOrphan = copy(
                    parquetFiles(rejectedDay(DAY)).get(0),
                    "part-ghost-dl1-deadbeef.parquet",
                    clock,
                    Duration.ofDays(5));
            assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                    .isEqualTo(4);

            w.upkeep();

            assertThat(committed).exists();
            assertThat(oldOrphan).doesNotExist();
            assertThat(oldTemporary).doesNotExist();
            assertThat(rejectedOrphan).doesNotExist();
            assertThat(youngTemporary).exists();
            assertThat(value(metrics(w), "spool_writer_orphan_files_deleted_total"))
                    .isEqualTo(3);
            assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                    .isEqualTo(2);
            assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.rejected(lake())))
                    .isEqualTo(1);

            // at most once a day
            Path another = copy(committed, ".part-ghost-10-deadbeef.parquet.tmp", clock, Duration.ofDays(4));
            w.upkeep();
            assertThat(another).exists();
            clock.advance(Duration.ofHours(25));
            w.upkeep();
            assertThat(another).doesNotExist();
            assertThat(youngTemporary).as("2 days and 1 hour old: still young").exists();
            assertThat(committed).exists();
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(2);
    }

    @Test
    void aCompactionThatDidNotCommitBeforeACrashLosesItsNewFilesOnRestart() throws Exception {
        Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(journalDir)) {
            try (StorageWriter w = writer(journal, "w1").build()) {
                for (int i = 0; i < 3; i++) {
                    TestJournal.append(journal, TestJournal.track("m" + i, T0 + i));
                    w.drain();
                }
            }
            List<Path> old = parquetFiles(eventsDay(DAY));
            assertThat(old).hasSize(3);
            // as a writer killed after publishing its new file, before the rewrite commit, leaves it
            Path added = eventsDay(DAY).resolve("part-w1-c0123456789ab-0.parquet");
            Files.copy(old.get(0), added);
            Path temporary = eventsDay(DAY).resolve(".part-w1-c0123456789ab-1.parquet.tmp");
            Files.copy(old.get(1), temporary);
            writeIntent(
                    journalDir,
                    "0123456789ab",
                    old,
                    List.of(added, eventsDay(DAY).resolve("part-w1-c0123456789ab-1.parquet")));
            assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                    .isEqualTo(4);

            try (StorageWriter w =
                    writer(journal, "w1").upkeepInterval(Duration.ZERO).build()) {
                assertThat(w.drain().rowsCommitted()).isZero();
            }
            assertThat(added).doesNotExist();
            assertThat(temporary).doesNotExist();
            assertThat(parquetFiles(eventsDay(DAY))).containsExactlyElementsOf(old);
            assertThat(journalDir.resolve("writer/w1/compaction-intent")).doesNotExist();
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(3);
    }

    @Test
    void aCompactionThatCommittedBeforeACrashLosesTheFilesItReplacedOnRestartEvenOnceItsSnapshotExpired()
            throws Exception {
        Path journalDir = dir.resolve("journal");
        Path saved = Files.createDirectories(dir.resolve("saved"));
        try (Journal journal = Journal.open(journalDir)) {
            List<Path> old;
            String nonce;
            try (StorageWriter w =
                    writer(journal, "w1").snapshotRetention(Duration.ZERO).build()) {
                for (int i = 0; i < 3; i++) {
                    TestJournal.append(journal, TestJournal.track("m" + i, T0 + i));
                    w.drain();
                }
                old = parquetFiles(eventsDay(DAY));
                for (Path p : old) {
                    Files.copy(p, saved.resolve(p.getFileName()));
                }
                w.upkeep();
                try (Lakes l = new Lakes(lake())) {
                    nonce = l.events().currentSnapshot().summary().get("spool.compaction");
                }
                // a commit to another day, and an expiry that takes the compaction's snapshot
                TestJournal.append(journal, TestJournal.track("later", T0 + 2 * 86_400_000L));
                w.drain();
                w.upkeep();
                try (Lakes l = new Lakes(lake())) {
                    assertThat(l.events().snapshots())
                            .noneMatch(s -> s.summary().containsKey("spool.compaction"));
                }
            }
            List<Path> added = parquetFiles(eventsDay(DAY));
            assertThat(added).singleElement();
            // as a writer killed between the rewrite commit and deleting the files it replaced leaves them
            for (Path p : old) {
                Files.copy(saved.resolve(p.getFileName()), p);
            }
            writeIntent(journalDir, nonce, old, added);
            assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                    .isEqualTo(7);

            try (StorageWriter w = writer(journal, "w1").build()) {
                assertThat(w.drain().rowsCommitted()).isZero();
            }
            assertThat(parquetFiles(eventsDay(DAY))).containsExactlyElementsOf(added);
            assertThat(journalDir.resolve("writer/w1/compaction-intent")).doesNotExist();
        }
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(lake())))
                .isEqualTo(4);
    }

    // ---------------------------------------------------------------- helpers

    private static void writeIntent(Path journalDir, String nonce, List<Path> replaced, List<Path> added)
            throws IOException {
        StringBuilder text =
                new StringBuilder("compaction " + nonce + " events " + Math.floorDiv(T0, 86_400_000L) + "\n");
        replaced.forEach(p -> text.append("replaced ").append(p).append('\n'));
        added.forEach(p -> text.append("added ").append(p).append('\n'));
        Files.writeString(journalDir.resolve("writer/w1/compaction-intent"), text, StandardCharsets.UTF_8);
    }

    private static List<Path> parquetFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
    }

    private static List<Long> sizes(Path folder) throws IOException {
        List<Long> sizes = new ArrayList<>();
        for (Path p : parquetFiles(folder)) {
            sizes.add(Files.size(p));
        }
        return sizes;
    }

    private static String summary(List<Long> sizes) {
        return "(" + sizes.stream().mapToLong(Long::longValue).min().orElse(0) + " to "
                + sizes.stream().mapToLong(Long::longValue).max().orElse(0) + " bytes, "
                + sizes.stream().mapToLong(Long::longValue).sum() + " in all)";
    }

    private void assertNoTemporaries() throws IOException {
        try (Stream<Path> files = Files.walk(lake())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    private static void age(Path file, Clock clock, Duration age) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(clock.instant().minus(age)));
    }

    private static Path copy(Path from, String name, Clock clock, Duration age) throws IOException {
        Path to = from.resolveSibling(name);
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        age(to, clock, age);
        return to;
    }

    private int snapshots() {
        try (Lakes l = new Lakes(lake())) {
            int n = 0;
            for (Snapshot ignored : l.events().snapshots()) {
                n++;
            }
            return n;
        }
    }

    private static List<Snapshot> ancestry(Table table) {
        List<Snapshot> chain = new ArrayList<>();
        for (Snapshot s = table.currentSnapshot();
                s != null;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            chain.add(s);
        }
        return chain;
    }

    private static List<String> dataFiles(Table table) throws IOException {
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> files.add(t.file().location()));
        }
        return files;
    }

    private static String metrics(StorageWriter w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.writeMetrics(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long value(String metrics, String name) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + " "))
                .findFirst()
                .map(l ->
                        (long) Double.parseDouble(l.substring(name.length() + 1).trim()))
                .orElseThrow();
    }

    /** The lake's tables through its embedded catalog, as a reader outside the writer opens them. */
    static final class Lakes implements Closeable {
        private final Catalog catalog;

        Lakes(Path lake) {
            Map<String, String> props = new HashMap<>();
            props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "jdbc");
            props.put(CatalogProperties.URI, "jdbc:sqlite:" + lake.resolve("catalog.sqlite"));
            props.put(CatalogProperties.WAREHOUSE_LOCATION, lake.toString());
            props.put("jdbc.schema-version", "V1");
            catalog = CatalogUtil.buildIcebergCatalog("lake", props, new Configuration());
        }

        Table events() {
            return catalog.loadTable(TableIdentifier.of("spool", "events"));
        }

        @Override
        public void close() {
            if (catalog instanceof Closeable c) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // a test reader
                }
            }
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private final AtomicLong millis;

        TestClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
