package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.testsupport.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scale-out topology on one machine: two collectors, each with its own journal and its own writer
 * (ids {@code a} and {@code b}), both writers committing to one table. Traffic goes into both
 * collectors while the writers run (rolling every second, so they commit concurrently); optionally
 * writer b is killed with SIGKILL after its first commit, while its collector keeps taking events, and
 * started again. Then traffic stops, the collectors and writers get SIGTERM (each must exit 0), and
 * each writer runs once more with {@code --drain} (exit 0) so the table holds everything. Finally the
 * table is read through Spark: every acknowledged event exactly once, both writers in the snapshot
 * summaries.
 */
final class TwoWriters {
    static final String WRITE_KEY = "lake-test-key";
    static final Duration START = Duration.ofSeconds(120);
    static final Duration STOP = Duration.ofSeconds(120);

    private final Processes processes;
    private final Path dir;
    private final List<String> catalogArgs;
    private final Map<String, String> environment;
    private boolean killB;
    private long started;

    /**
     * @param catalogArgs the writer's {@code --output} and catalog options, the same for both writers
     * @param environment extra environment for the writers (for example {@link S3Server#SDK_ENVIRONMENT})
     */
    TwoWriters(Processes processes, Path dir, List<String> catalogArgs, Map<String, String> environment) {
        this.processes = processes;
        this.dir = dir;
        this.catalogArgs = List.copyOf(catalogArgs);
        this.environment = Map.copyOf(environment);
    }

    /** Kill -9 writer b mid-run and start it again. */
    TwoWriters killingWriterB() {
        this.killB = true;
        return this;
    }

    List<String> writerArgs(String writerId) {
        List<String> args = new ArrayList<>(List.of(
                "--journal-dir",
                dir.resolve("journal-" + writerId).toString(),
                "--writer-id",
                writerId,
                "--roll-interval",
                "1s"));
        args.addAll(catalogArgs);
        return args;
    }

    /** Runs the scenario and asserts exactly-once through {@code spark}; returns the acknowledged ids. */
    Set<String> run(Spark spark) throws Exception {
        started = System.nanoTime();
        Processes.Child collectorA = processes.collector("collector-a", dir.resolve("journal-a"), WRITE_KEY);
        Processes.Child collectorB = processes.collector("collector-b", dir.resolve("journal-b"), WRITE_KEY);
        Processes.Child writerA = processes.writer("writer-a", writerArgs("a"), environment);
        Processes.Child writerB = processes.writer("writer-b", writerArgs("b"), environment);

        // ~500 events/s into each collector, bounded in count and time
        Events.Traffic trafficA =
                Events.to(collectorA, WRITE_KEY, "a").startTraffic(25, 20, 4_000, Duration.ofMinutes(4));
        Events.Traffic trafficB =
                Events.to(collectorB, WRITE_KEY, "b").startTraffic(25, 20, 4_000, Duration.ofMinutes(4));

        step("collectors up, writers starting, traffic flowing");
        Processes.Child[] all = {collectorA, collectorB, writerA, writerB};
        Lake.awaitSnapshotsBy(spark, "a", 1, START, processes, all);
        Lake.awaitSnapshotsBy(spark, "b", 1, START, processes, all);
        step("both writers committed");
        if (killB) {
            writerB.kill();
            // read after the kill: a commit racing the kill must not count as the restarted writer's
            long committedByB = Lake.snapshotsBy(spark, "b");
            int ackedAtKill = trafficB.acknowledgedCount();
            // events keep landing in b's journal while its writer is down
            Deadline.of(Duration.ofSeconds(60))
                    .await(
                            "collector b to acknowledge 500 more events while writer b is down",
                            () -> {
                                Processes.requireRunning(collectorA, collectorB, writerA);
                                return trafficB.acknowledgedCount() >= ackedAtKill + 500;
                            },
                            processes::logs);
            step("writer b killed with SIGKILL after " + committedByB + " commits; 500 more events in its journal");
            writerB = processes.writer("writer-b", writerArgs("b"), environment);
            Lake.awaitSnapshotsBy(
                    spark, "b", committedByB + 1, START, processes, collectorA, collectorB, writerA, writerB);
            step("writer b restarted and committed");
        } else {
            // both keep committing side by side for a while
            Lake.awaitSnapshotsBy(spark, "a", 3, START, processes, all);
            Lake.awaitSnapshotsBy(spark, "b", 3, START, processes, all);
            step("both writers committed three times");
        }

        Set<String> acknowledged = new HashSet<>(trafficA.stop());
        acknowledged.addAll(trafficB.stop());
        for (Events.Traffic t : List.of(trafficA, trafficB)) {
            assertThat(t.events().uncertain())
                    .as(
                            "requests without a clear answer (refusals: %s)",
                            t.events().refusals())
                    .isEmpty();
        }

        step("traffic stopped: " + acknowledged.size() + " events acknowledged");
        terminateAll(List.of(collectorA, collectorB, writerA, writerB));
        step("collectors and writers exited 0 on SIGTERM");
        // everything the journals hold, committed: each writer resumes from its position in the table
        Processes.Child drainA = processes.drain("writer-a", writerArgs("a"), environment);
        Processes.Child drainB = processes.drain("writer-b", writerArgs("b"), environment);
        drainA.awaitExit(0, STOP);
        drainB.awaitExit(0, STOP);
        step("both --drain runs exited 0");

        Lake.assertExactlyOnce(spark, acknowledged);
        assertThat(Lake.writerIds(spark))
                .as("writer ids in the snapshot summaries (spool.writer-id)")
                .contains("a", "b");
        step("Spark read every acknowledged event exactly once");
        return acknowledged;
    }

    /** A line in the test's output (target/failsafe-reports/*-output.txt): where the time goes. */
    private void step(String what) {
        System.err.printf("[two writers +%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    /** SIGTERM to each, then each must exit 0. */
    static void terminateAll(List<Processes.Child> children) {
        for (Processes.Child child : children) {
            child.process().destroy();
        }
        for (Processes.Child child : children) {
            child.awaitExit(0, STOP);
        }
    }
}
