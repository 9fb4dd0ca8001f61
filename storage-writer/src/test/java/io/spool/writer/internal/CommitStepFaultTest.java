package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.writer.TestJournal;
import io.spool.writer.WriterStats;
import io.spool.writer.internal.FaultPlan.Step;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Makes the writer's stores fail at each step of a commit in turn, as a full or broken disk does (the
 * data files, the tables' metadata files, the catalog's database, the writer's own state beside the
 * journal; everything else real), and lets the writer retry. One writer runs through all the steps, a
 * commit of new events (both tables, two day partitions, a dead letter and an unreadable record) per
 * step; after each: every journal record is in exactly one committed row, no file is referenced twice,
 * no file of a failed attempt is left unless its outcome was unknown, and the writer's state agrees
 * with its tables. At the end a restarted writer still knows every id written through the faults: a
 * client's retry of any of them is dropped.
 */
class CommitStepFaultTest {
    @TempDir
    Path dir;

    private final FaultPlan plan = FaultPlan.register();

    private static final long T0 = Instant.parse("2026-05-01T23:59:00Z").toEpochMilli();
    private static final String EVENTS = "spool/events/";
    private static final String REJECTED = "spool/rejected/";
    private static final int EVENTS_PER_COMMIT = 60;

    /** One rule of a case: fail {@code times} of the steps matching, after letting {@code skip} pass. */
    record Rule(Step step, String where, int skip, int times) {}

    /** What the writer makes of the failure. */
    enum Outcome {
        /** The attempt failed: recovery deletes its files and the writer tries again. */
        RETRIED,
        /**
         * Iceberg leaves the outcome unknown (a failure it does not call clean) and the table does not show
         * the commit: the writer keeps the attempt's files, unreferenced, for orphan removal, and tries again.
         */
        RETRIED_FILES_KEPT,
        /** The failure hid a commit that landed: the writer sees it in the table and carries on. */
        LANDED
    }

    record Case(String name, Outcome outcome, Rule... rules) {}

    private static final List<Case> CASES = List.of(
            new Case("no fault", Outcome.LANDED),
            new Case("the commit intent's note of a file", Outcome.RETRIED, new Rule(Step.INTENT_WRITE, null, 1, 1)),
            new Case("creating an events data file", Outcome.RETRIED, new Rule(Step.DATA_CREATE, EVENTS, 0, 1)),
            new Case("writing an events data file's body", Outcome.RETRIED, new Rule(Step.DATA_WRITE, EVENTS, 0, 1)),
            new Case("closing a rejected data file", Outcome.RETRIED, new Rule(Step.DATA_CLOSE, REJECTED, 0, 1)),
            new Case("publishing the second data file", Outcome.RETRIED, new Rule(Step.DATA_PUBLISH, null, 1, 1)),
            new Case(
                    "deleting the files of a failed commit",
                    Outcome.RETRIED,
                    new Rule(Step.DATA_CLOSE, EVENTS, 0, 1),
                    new Rule(Step.DATA_DELETE, null, 0, 1)),
            new Case("writing the dedup ids", Outcome.RETRIED, new Rule(Step.DEDUP_WRITE, null, 0, 1)),
            new Case(
                    "syncing the dedup folder after publishing the ids",
                    Outcome.RETRIED,
                    new Rule(Step.DEDUP_SYNC, null, 0, 1)),
            new Case(
                    "writing the rejected table's manifest",
                    Outcome.RETRIED_FILES_KEPT,
                    new Rule(Step.MANIFEST_WRITE, REJECTED, 0, 1)),
            new Case(
                    "writing the events table's manifest list",
                    Outcome.RETRIED_FILES_KEPT,
                    new Rule(Step.MANIFEST_LIST_WRITE, EVENTS, 0, 1)),
            new Case(
                    "writing the events table's metadata file",
                    Outcome.RETRIED_FILES_KEPT,
                    new Rule(Step.METADATA_WRITE, EVENTS, 0, 1)),
            new Case(
                    "the catalog refusing the events table's commit",
                    Outcome.RETRIED_FILES_KEPT,
                    new Rule(Step.CATALOG_COMMIT, EVENTS, 0, 1)),
            new Case(
                    "the catalog committing the events table, its answer lost",
                    Outcome.LANDED,
                    new Rule(Step.CATALOG_COMMIT_ANSWER, EVENTS, 0, 1)),
            new Case(
                    "clearing the commit intent after both tables committed",
                    Outcome.RETRIED,
                    new Rule(Step.INTENT_CLEAR, null, 0, 1)),
            new Case(
                    "writing the positions copy after both tables committed",
                    Outcome.RETRIED,
                    new Rule(Step.POSITIONS_WRITE, null, 0, 1)),
            new Case(
                    "writing an events data file, three attempts in a row",
                    Outcome.RETRIED,
                    new Rule(Step.DATA_WRITE, EVENTS, 0, 3)));

    @AfterEach
    void unregister() {
        plan.unregister();
    }

    @TestFactory
    Stream<DynamicTest> aCommitFailingAtAnyStepIsRetriedFromTheLastCommitWithNothingLostOrDoubled() throws Exception {
        FaultyLake lake = new FaultyLake(dir);
        WriterMetrics metrics = new WriterMetrics();
        WriterLoop writer = lake.writer(plan, metrics);
        List<String> kept = new ArrayList<>();
        Stream<DynamicTest> steps = CASES.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    int k = CASES.indexOf(c);
                    long lastEvent;
                    long lastDeadLetter;
                    try (Journal journal = Journal.open(lake.journalDir)) {
                        if (k == 0) {
                            writer.start(false);
                        }
                        for (Rule r : c.rules()) {
                            plan.fail(r.step(), r.where(), r.skip(), r.times());
                        }
                        appendCommit(journal, k);
                        double failuresBefore = metrics.failures.get();
                        int[] before = new int[c.rules().length];
                        for (int i = 0; i < before.length; i++) {
                            before[i] = plan.failures(c.rules()[i].step());
                        }
                        try {
                            drain(writer);
                        } finally {
                            plan.clear();
                        }
                        for (int i = 0; i < before.length; i++) {
                            Rule r = c.rules()[i];
                            assertThat(plan.failures(r.step()) - before[i])
                                    .as("the fault at %s happened", r.step())
                                    .isEqualTo(r.times());
                        }
                        double attempts = metrics.failures.get() - failuresBefore;
                        if (c.outcome() == Outcome.LANDED) {
                            assertThat(attempts)
                                    .as("failed attempts the writer counted")
                                    .isZero();
                        } else {
                            assertThat(attempts)
                                    .as("failed attempts the writer counted")
                                    .isPositive();
                        }
                        lastEvent = journal.events().lastIndex();
                        lastDeadLetter = journal.deadLetters().lastIndex();
                    }

                    int commits = k + 1;
                    assertThat(lake.count("events", "count(*)", "count(DISTINCT message_id)"))
                            .as("event rows, distinct ids")
                            .containsExactly(commits * EVENTS_PER_COMMIT, commits * EVENTS_PER_COMMIT);
                    assertThat(lake.count("rejected", "count(*)", "count(DISTINCT error)"))
                            .as("a dead letter and an unreadable record per commit, each once")
                            .containsExactly(commits * 2, commits * 2);
                    List<String> unreferenced = new ArrayList<>();
                    for (String table : List.of("events", "rejected")) {
                        List<String> referenced = lake.referenced(table);
                        assertThat(referenced)
                                .as("files referenced twice in %s", table)
                                .doesNotHaveDuplicates();
                        List<String> folder = new ArrayList<>(lake.inDataFolder(table));
                        assertThat(folder).as("files %s references", table).containsAll(referenced);
                        folder.removeAll(referenced);
                        unreferenced.addAll(folder);
                    }
                    unreferenced.removeAll(kept);
                    if (c.outcome() == Outcome.RETRIED_FILES_KEPT) {
                        // a commit that may have landed never loses its files; orphan removal takes them once old
                        assertThat(unreferenced)
                                .as("files of the commit whose outcome was unknown, kept")
                                .isNotEmpty();
                    } else {
                        assertThat(unreferenced)
                                .as("files of a failed attempt left behind")
                                .isEmpty();
                    }
                    kept.addAll(unreferenced);
                    assertThat(lake.temporaries()).isEmpty();
                    lake.assertStateMatchesTables(lastEvent, lastDeadLetter);
                }));
        DynamicTest restart = DynamicTest.dynamicTest(
                "after a restart, a retry of any id written through the faults is dropped", () -> {
                    writer.requestClose().get(30, TimeUnit.SECONDS);
                    try (Journal journal = Journal.open(lake.journalDir)) {
                        EventRecord[] retries = new EventRecord[CASES.size() * 5];
                        for (int k = 0; k < CASES.size(); k++) {
                            for (int i = 0; i < 5; i++) {
                                retries[5 * k + i] = TestJournal.track("k" + k + "-" + (i * 11), T0 + 3_600_000);
                            }
                        }
                        TestJournal.append(journal, retries);
                        TestJournal.append(journal, TestJournal.track("new", T0 + 3_600_000));
                    }
                    FaultPlan none = FaultPlan.register();
                    WriterLoop again = lake.writer(none, new WriterMetrics());
                    try {
                        again.start(false);
                        WriterStats stats = drain(again);
                        assertThat(stats.duplicatesDropped())
                                .as("client retries dropped")
                                .isEqualTo(CASES.size() * 5L);
                        assertThat(stats.rowsCommitted()).isEqualTo(1);
                    } finally {
                        again.requestClose().get(30, TimeUnit.SECONDS);
                        none.unregister();
                    }
                    long all = CASES.size() * EVENTS_PER_COMMIT + 1L;
                    assertThat(lake.count("events", "count(*)", "count(DISTINCT message_id)"))
                            .containsExactly(all, all);
                });
        return Stream.concat(steps, Stream.of(restart)).onClose(() -> {
            writer.requestClose().join();
            try {
                lake.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * What the commit of step {@code k} holds: {@value #EVENTS_PER_COMMIT} events across midnight (two day
     * partitions), ten to a request; a dead letter; an unreadable record (both go to the rejected table).
     */
    private static void appendCommit(Journal journal, int k) {
        long received = T0 + k * 60_000L;
        for (int r = 0; r < EVENTS_PER_COMMIT / 10; r++) {
            EventRecord[] batch = new EventRecord[10];
            for (int i = 0; i < 10; i++) {
                int n = r * 10 + i;
                batch[i] = TestJournal.track("k" + k + "-" + n, received + n).timestamp(T0 + 30_000 + n * 1_000L);
            }
            TestJournal.append(journal, batch);
        }
        TestJournal.appendUnreadable(journal, TestJournal.track("newer", received));
        DeadLetterRecord dl = new DeadLetterRecord()
                .receivedAt(received)
                .batchIndex(0)
                .reason("no userId or anonymousId (" + k + ")")
                .writeKey("wk")
                .ip("198.51.100.1");
        dl.payload().set("{\"type\":\"track\"}");
        TestJournal.appendDeadLetters(journal, dl);
    }

    static WriterStats drain(WriterLoop writer) throws Exception {
        return writer.requestDrain().get(60, TimeUnit.SECONDS);
    }

    /** {@code n} track events {@code prefix0…}, ten to a request, one every 200 ms from {@code t0}. */
    static void appendTracks(Journal journal, String prefix, int n, long t0) {
        for (int r = 0; r < n / 10; r++) {
            EventRecord[] batch = new EventRecord[10];
            for (int i = 0; i < 10; i++) {
                int k = r * 10 + i;
                long t = t0 + k * 200L;
                batch[i] = TestJournal.track(prefix + k, t).timestamp(t);
            }
            TestJournal.append(journal, batch);
        }
    }
}
