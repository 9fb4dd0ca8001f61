package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers on one machine, one table in the default embedded catalog (JDBC on
 * {@code <output>/catalog.sqlite}): each writer with its own collector and journal, writer b killed
 * with SIGKILL mid-run and restarted. Spark then reads {@code lake.spool.events}: every acknowledged
 * event exactly once.
 */
class MultiWriterSparkIT {
    private final Path dir;

    @RegisterExtension
    final Processes processes;

    private Spark spark;

    MultiWriterSparkIT(@TempDir Path dir) {
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
    void twoWritersOneTableEveryAcknowledgedEventExactlyOnceAcrossAKill9() throws Exception {
        Path warehouse = dir.resolve("lake");
        spark = Spark.start(Map.of(
                "type",
                "jdbc",
                "uri",
                "jdbc:sqlite:" + warehouse.resolve("catalog.sqlite"),
                "warehouse",
                warehouse.toString()));

        new TwoWriters(processes, dir, List.of("--output", warehouse.toString()), Map.of())
                .killingWriterB()
                .run(spark);

        assertThat(warehouse.resolve("catalog.sqlite"))
                .as("the embedded catalog")
                .isRegularFile();
        try (var days = Files.list(warehouse.resolve("spool").resolve("events").resolve("data"))) {
            assertThat(days.map(p -> p.getFileName().toString()).toList())
                    .as("day partitions under %s (events span three days)", warehouse.resolve("spool/events/data"))
                    .hasSizeBetween(3, 4) // 4 when the run crosses midnight
                    .allMatch(name -> name.matches("timestamp_day=\\d{4}-\\d{2}-\\d{2}"));
        }
    }
}
