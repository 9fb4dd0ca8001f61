package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The harness itself, without the storage writer: when one of the lake ITs fails, this says whether
 * the services and the reader around the writer work.
 */
class HarnessIT {
    private final Path dir;

    @RegisterExtension
    final Processes processes;

    HarnessIT(@TempDir Path dir) {
        this.dir = dir;
        this.processes = new Processes(dir.resolve("logs"));
    }

    @Test
    void s3ServerStoresAndServesObjectsPathStyle() throws Exception {
        try (S3Server s3 = S3Server.start(dir.resolve("s3"));
                S3Client client = s3.client()) {
            assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
            client.putObject(
                    b -> b.bucket(S3Server.BUCKET).key("probe/hello.txt"), RequestBody.fromString("hello, lake"));

            assertThat(client.getObjectAsBytes(b -> b.bucket(S3Server.BUCKET).key("probe/hello.txt"))
                            .asUtf8String())
                    .isEqualTo("hello, lake");
            assertThat(client.listObjectsV2(b -> b.bucket(S3Server.BUCKET).prefix("probe/"))
                            .contents())
                    .extracting(S3Object::key)
                    .containsExactly("probe/hello.txt");
            assertThat(s3.writerArguments()).containsSubsequence("--catalog-property", "s3.path-style-access=true");
        }
    }

    @Test
    void postgresGivesEachTestAFreshDatabase() throws Exception {
        String name;
        try (Postgres.Database db = Postgres.createDatabase();
                Connection c = db.connect();
                Statement s = c.createStatement()) {
            name = db.name();
            try (ResultSet rs = s.executeQuery(
                    "SELECT current_database(), count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(name);
                assertThat(rs.getLong(2)).as("tables in a fresh database").isZero();
            }
        }
        try (Connection c = Postgres.connect(Postgres.DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("database dropped on close").isZero();
        }
    }

    @Test
    void collectorJarAcknowledgesEveryPostedEventAndExitsZeroOnSigterm() throws Exception {
        Processes.Child collector = processes.collector("collector", dir.resolve("journal"), "k");
        Events events = Events.to(collector, "k", "h");

        Set<String> acked = events.post(10, 50);
        Events.Traffic traffic = Events.to(collector, "k", "t").startTraffic(20, 50, 50, Duration.ofSeconds(30));
        Set<String> background = traffic.stop();

        assertThat(acked).hasSize(500).allMatch(id -> id.startsWith("h-"));
        assertThat(events.uncertain()).isEmpty();
        assertThat(background).allMatch(id -> id.startsWith("t-"));
        assertThat(collector.terminate(Duration.ofSeconds(60)))
                .as("collector exit status on SIGTERM")
                .isZero();
        assertThat(collector.output()).contains("listening on");
    }

    @Test
    void sparkReadsAndWritesAnIcebergTableOnS3ThroughAJdbcCatalogOnPostgres() throws Exception {
        try (S3Server s3 = S3Server.start(dir.resolve("s3"));
                Postgres.Database db = Postgres.createDatabase()) {
            Map<String, String> catalog = new LinkedHashMap<>(Spark.s3(s3));
            catalog.put("type", "jdbc");
            catalog.put("uri", db.jdbcUri());
            catalog.put("jdbc.user", Postgres.USER);
            catalog.put("jdbc.password", Postgres.PASSWORD);
            catalog.put("warehouse", s3.uri("harness"));
            try (Spark spark = Spark.start(catalog)) {
                spark.rows("CREATE NAMESPACE IF NOT EXISTS lake.probe");
                spark.rows(
                        "CREATE TABLE lake.probe.t (message_id string, ts timestamp) USING iceberg PARTITIONED BY (days(ts))");
                spark.rows(
                        "INSERT INTO lake.probe.t VALUES ('m-1', current_timestamp()), ('m-2', current_timestamp())");

                assertThat(spark.count("SELECT count(*) FROM lake.probe.t")).isEqualTo(2);
                assertThat(spark.strings("SELECT message_id FROM lake.probe.t ORDER BY 1"))
                        .isEqualTo(List.of("m-1", "m-2"));
                assertThat(spark.count("SELECT count(*) FROM lake.probe.t.snapshots"))
                        .isEqualTo(1);
            }
            try (S3Client client = s3.client()) {
                assertThat(client.listObjectsV2(b -> b.bucket(S3Server.BUCKET).prefix("harness/probe/t/data/"))
                                .contents())
                        .extracting(S3Object::key)
                        .anyMatch(k -> k.endsWith(".parquet"));
            }
        }
    }
}
