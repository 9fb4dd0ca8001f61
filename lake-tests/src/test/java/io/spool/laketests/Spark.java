package io.spool.laketests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark in local mode as an independent reader of the lake, with an Iceberg catalog named
 * {@value #CATALOG}. One Spark context serves the whole test JVM (it takes seconds to start); each
 * {@link #start(Map)} gets a session of its own, whose catalog settings are its own.
 *
 * <p>The catalog map holds Iceberg's catalog properties as Spark takes them:
 * {@code type} (jdbc, hadoop, rest), {@code uri}, {@code warehouse}, {@code jdbc.user}, {@code jdbc.password},
 * {@code io-impl} and {@code s3.*}. Table caching is off, so every query sees the latest snapshot.
 */
public final class Spark implements AutoCloseable {
    public static final String CATALOG = "lake";

    private static SparkSession root;

    private final SparkSession session;

    private Spark(SparkSession session) {
        this.session = session;
    }

    public static synchronized Spark start(Map<String, String> catalog) {
        SparkSession session = root().newSession();
        String prefix = "spark.sql.catalog." + CATALOG;
        session.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("cache-enabled", "false");
        properties.putAll(catalog);
        properties.forEach((k, v) -> session.conf().set(prefix + "." + k, v));
        return new Spark(session);
    }

    /** The Iceberg catalog properties that reach an S3 server through S3FileIO. */
    public static Map<String, String> s3(S3Server s3) {
        Map<String, String> properties = new LinkedHashMap<>(s3.catalogProperties());
        properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        // The JDK's HTTP client (the AWS SDK's default is Apache's, which is not on the class path).
        properties.put("http-client.type", "urlconnection");
        return properties;
    }

    private static SparkSession root() {
        if (root == null) {
            Path scratch;
            try {
                scratch = Files.createTempDirectory("spool-spark");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            root = SparkSession.builder()
                    .master("local[2]")
                    .appName("spool-lake-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.sql.adaptive.enabled", "false")
                    .config("spark.sql.catalogImplementation", "in-memory")
                    .config(
                            "spark.sql.warehouse.dir",
                            scratch.resolve("warehouse").toUri().toString())
                    .config("spark.local.dir", scratch.resolve("local").toString())
                    .config("spark.sql.session.timeZone", "UTC")
                    .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(root::stop, "spark-stop"));
        }
        return root;
    }

    public SparkSession session() {
        return session;
    }

    /** Runs a query that yields one number ({@code SELECT count(*) ...}) and returns it. */
    public long count(String sql) {
        List<Row> rows = rows(sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalArgumentException("expected one row of one number from " + sql + ", got " + rows);
        }
        Object value = rows.get(0).get(0);
        if (!(value instanceof Number)) {
            throw new IllegalArgumentException("expected a number from " + sql + ", got " + value);
        }
        return ((Number) value).longValue();
    }

    public List<Row> rows(String sql) {
        return session.sql(sql).collectAsList();
    }

    /** The first column of every row, as strings (for sets of ids). */
    public List<String> strings(String sql) {
        return rows(sql).stream()
                .map(r -> r.isNullAt(0) ? null : r.get(0).toString())
                .toList();
    }

    /** Forgets the session's catalog; the shared Spark context stays up for the next test. */
    @Override
    public void close() {
        session.sessionState().catalogManager().reset();
    }
}
