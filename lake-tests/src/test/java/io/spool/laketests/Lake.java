package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.testsupport.Deadline;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What a user checks in the lake, read back through Spark: table {@value #EVENTS}. */
public final class Lake {
    public static final String EVENTS = Spark.CATALOG + ".spool.events";
    private static final int SHOWN = 10;

    private Lake() {}

    /** How many snapshots of the events table name {@code writerId} in their summary's {@code spool.writer-id}. */
    public static long snapshotsBy(Spark spark, String writerId) {
        return spark.count(
                "SELECT count(*) FROM " + EVENTS + ".snapshots WHERE summary['spool.writer-id'] = '" + writerId + "'");
    }

    /**
     * Polls (through Spark) until {@code writerId} has committed at least {@code atLeast} snapshots;
     * fails at once if one of {@code mustRun} (the writer and its collector, say) has exited.
     */
    public static void awaitSnapshotsBy(
            Spark spark,
            String writerId,
            long atLeast,
            Duration timeout,
            Processes processes,
            Processes.Child... mustRun) {
        Deadline.of(timeout)
                .every(Duration.ofMillis(250))
                .await(
                        "writer " + writerId + " to commit " + atLeast + " snapshot(s) to " + EVENTS,
                        () -> {
                            Processes.requireRunning(mustRun);
                            requireTable(spark);
                            return snapshotsBy(spark, writerId) >= atLeast;
                        },
                        processes::logs);
    }

    /** Fails (as "not yet" in a poll) with a clear message while the events table does not exist. */
    static void requireTable(Spark spark) {
        String namespace = EVENTS.substring(0, EVENTS.lastIndexOf('.'));
        String table = EVENTS.substring(EVENTS.lastIndexOf('.') + 1);
        // SHOW TABLES, not a query: on a JDBC catalog without view support a missing table reads as
        // "JDBC catalog is initialized without view support", which says nothing useful
        boolean exists = spark.rows("SHOW TABLES IN " + namespace).stream().anyMatch(r -> table.equals(r.getString(1)));
        if (!exists) {
            throw new IllegalStateException(EVENTS + " does not exist (yet)");
        }
    }

    /** The writer ids named in the events table's snapshot summaries. */
    public static Set<String> writerIds(Spark spark) {
        return new TreeSet<>(spark.strings("SELECT DISTINCT summary['spool.writer-id'] FROM " + EVENTS + ".snapshots"
                + " WHERE summary['spool.writer-id'] IS NOT NULL"));
    }

    /**
     * Every acknowledged event is in the table exactly once, and nothing else is: the row count, the
     * distinct {@code message_id} count and the set of ids all match.
     */
    public static void assertExactlyOnce(Spark spark, Set<String> acknowledged) {
        assertThat(acknowledged).as("events acknowledged by the collectors").isNotEmpty();
        requireTable(spark);
        long rows = spark.count("SELECT count(*) FROM " + EVENTS);
        long distinct = spark.count("SELECT count(DISTINCT message_id) FROM " + EVENTS);
        List<String> ids = spark.strings("SELECT message_id FROM " + EVENTS);
        Set<String> stored = new HashSet<>(ids);

        Set<String> missing = new TreeSet<>(acknowledged);
        missing.removeAll(stored);
        Set<String> unexpected = new TreeSet<>(stored);
        unexpected.removeAll(acknowledged);
        String duplicates = rows == distinct
                ? "none"
                : spark.rows("SELECT message_id, count(*) AS n FROM " + EVENTS
                                + " GROUP BY message_id HAVING count(*) > 1 ORDER BY n DESC, message_id LIMIT " + SHOWN)
                        .toString();
        String report = String.format(
                "%n  acknowledged: %d%n  rows in %s: %d%n  distinct message_id: %d%n"
                        + "  missing (acknowledged, not in the table): %d %s%n  unexpected (in the table, never acknowledged): %d %s%n"
                        + "  duplicated ids (first %d): %s%n  snapshots per writer: %s",
                acknowledged.size(),
                EVENTS,
                rows,
                distinct,
                missing.size(),
                first(missing),
                unexpected.size(),
                first(unexpected),
                SHOWN,
                duplicates,
                snapshotsPerWriter(spark));

        assertThat(missing).as("no acknowledged event may be lost" + report).isEmpty();
        assertThat(unexpected)
                .as("the table holds only acknowledged events" + report)
                .isEmpty();
        assertThat(rows)
                .as("each acknowledged event is stored exactly once: row count" + report)
                .isEqualTo(acknowledged.size());
        assertThat(distinct)
                .as("each acknowledged event is stored exactly once: distinct message_id" + report)
                .isEqualTo(acknowledged.size());
    }

    private static String snapshotsPerWriter(Spark spark) {
        try {
            return spark.rows(
                            "SELECT summary['spool.writer-id'] AS writer, count(*) AS snapshots, sum(CAST(summary['added-records'] AS BIGINT)) AS rows"
                                    + " FROM " + EVENTS + ".snapshots GROUP BY 1 ORDER BY 1")
                    .toString();
        } catch (RuntimeException e) {
            return "(cannot read the snapshots: " + e.getMessage() + ")";
        }
    }

    private static String first(Set<String> ids) {
        return ids.isEmpty()
                ? ""
                : ids.stream().limit(SHOWN).collect(Collectors.joining(", ", "[", ids.size() > SHOWN ? ", ...]" : "]"));
    }
}
