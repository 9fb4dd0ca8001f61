package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's retry that reached another collector (the first attempt was stored, its answer lost): both
 * hosts' writers write the event, each deduplicating only its own journal. The table holds it twice, as
 * the README says; the view {@code spool.events_unique} that the writers create holds it once, and Spark
 * reads the view through the catalog as it is.
 */
class DuplicatesAcrossHostsIT {
    private static final String WRITE_KEY = "dup-key";

    private final Path dir;

    @RegisterExtension
    final Processes processes;

    private Spark spark;

    DuplicatesAcrossHostsIT(@TempDir Path dir) {
        this.dir = dir;
        this.processes = new Processes(dir.resolve("logs"));
    }

    @AfterEach
    void closeSpark() {
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    void aRetryOnAnotherHostIsTwiceInTheTableAndOnceInTheUniqueView() throws Exception {
        Path warehouse = dir.resolve("lake");
        Processes.Child collectorA = processes.collector("collector-a", dir.resolve("journal-a"), WRITE_KEY);
        Processes.Child collectorB = processes.collector("collector-b", dir.resolve("journal-b"), WRITE_KEY);
        // the same ids to both hosts: every event of b's traffic is a retry of one a stored
        Set<String> toA = Events.to(collectorA, WRITE_KEY, "dup").post(5, 20);
        Set<String> toB = Events.to(collectorB, WRITE_KEY, "dup").post(5, 20);
        assertThat(toA).hasSize(100).isEqualTo(toB);
        // and a few that only one host saw
        Set<String> onlyA = Events.to(collectorA, WRITE_KEY, "solo").post(1, 10);
        collectorA.terminate(Duration.ofSeconds(30));
        collectorB.terminate(Duration.ofSeconds(30));
        for (String id : List.of("a", "b")) {
            processes
                    .drain(
                            "writer-" + id,
                            List.of(
                                    "--journal-dir",
                                    dir.resolve("journal-" + id).toString(),
                                    "--output",
                                    warehouse.toString(),
                                    "--writer-id",
                                    id),
                            Map.of())
                    .awaitExit(0, Duration.ofMinutes(2));
        }

        spark = Spark.start(Map.of(
                "type",
                "jdbc",
                "uri",
                "jdbc:sqlite:" + warehouse.resolve("catalog.sqlite"),
                "warehouse",
                warehouse.toString()));
        assertThat(spark.count("SELECT count(*) FROM lake.spool.events"))
                .as("rows in the table")
                .isEqualTo(210);
        assertThat(spark.count("SELECT count(*) FROM lake.spool.events_unique"))
                .as("rows in the view")
                .isEqualTo(110);
        assertThat(spark.count("SELECT count(DISTINCT message_id) FROM lake.spool.events_unique"))
                .isEqualTo(110);
        assertThat(spark.count("SELECT count(*) FROM lake.spool.events_unique WHERE message_id LIKE 'solo-%'"))
                .isEqualTo(onlyA.size());
    }
}
