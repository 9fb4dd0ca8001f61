package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The lake on S3 ({@code s3://lake/warehouse} on an S3 server in this JVM, through Iceberg's
 * S3FileIO) with a JDBC catalog in a local SQLite file: the writer commits while events arrive, then
 * drains; Spark reads every acknowledged event exactly once through S3FileIO, and the data files are
 * objects in the bucket.
 */
class S3IT {
    private static final String WRITE_KEY = "lake-test-key";

    private final Path dir;

    @RegisterExtension
    final Processes processes;

    private S3Server s3;
    private Spark spark;

    S3IT(@TempDir Path dir) {
        this.dir = dir;
        this.processes = new Processes(dir.resolve("logs"));
    }

    @BeforeEach
    void startS3() throws Exception {
        s3 = S3Server.start(dir.resolve("s3"));
    }

    @AfterEach
    void stop() throws Exception {
        if (spark != null) {
            spark.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void writerCommitsToS3AndSparkReadsEveryAcknowledgedEventExactlyOnce() throws Exception {
        String catalogUri = "jdbc:sqlite:" + dir.resolve("catalog.sqlite");
        String warehouse = s3.uri("warehouse");
        Map<String, String> sparkCatalog = new LinkedHashMap<>(Spark.s3(s3));
        sparkCatalog.put("type", "jdbc");
        sparkCatalog.put("uri", catalogUri);
        sparkCatalog.put("warehouse", warehouse);
        spark = Spark.start(sparkCatalog);

        List<String> writerArgs = new ArrayList<>(List.of(
                "--journal-dir",
                dir.resolve("journal").toString(),
                "--writer-id",
                "s3-writer",
                "--roll-interval",
                "1s",
                "--catalog-type",
                "jdbc",
                "--catalog-uri",
                catalogUri,
                "--output",
                warehouse));
        writerArgs.addAll(s3.writerArguments());

        Processes.Child collector = processes.collector("collector", dir.resolve("journal"), WRITE_KEY);
        Processes.Child writer = processes.writer("writer", writerArgs, java.util.Map.of());
        Events events = Events.to(collector, WRITE_KEY, "s3");
        Events.Traffic traffic = events.startTraffic(50, 20, 2_000, Duration.ofMinutes(4));
        Lake.awaitSnapshotsBy(spark, "s3-writer", 2, Duration.ofSeconds(120), processes, collector, writer);
        Set<String> acknowledged = traffic.stop();
        assertThat(events.uncertain())
                .as("requests without a clear answer (refusals: %s)", events.refusals())
                .isEmpty();

        TwoWriters.terminateAll(List.of(collector, writer));
        processes.drain("writer", writerArgs, java.util.Map.of()).awaitExit(0, Duration.ofSeconds(120));

        Lake.assertExactlyOnce(spark, acknowledged);
        try (S3Client client = s3.client()) {
            List<String> keys = client
                    .listObjectsV2Paginator(b -> b.bucket(S3Server.BUCKET).prefix("warehouse/spool/events/"))
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .toList();
            assertThat(keys)
                    .as("objects under s3://lake/warehouse/spool/events/")
                    .anyMatch(k -> k.startsWith("warehouse/spool/events/data/") && k.endsWith(".parquet"))
                    .anyMatch(k -> k.startsWith("warehouse/spool/events/metadata/") && k.endsWith(".metadata.json"));
        }
    }
}
