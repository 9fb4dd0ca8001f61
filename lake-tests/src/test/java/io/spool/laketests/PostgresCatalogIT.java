package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog for many hosts: Iceberg's JDBC catalog on PostgreSQL (127.0.0.1:5432, a fresh database
 * per test). Two writers commit to one table side by side; Spark, with its own JDBC catalog on the
 * same database, counts every acknowledged event exactly once.
 */
class PostgresCatalogIT {
    private final Path dir;

    @RegisterExtension
    final Processes processes;

    private Postgres.Database database;
    private Spark spark;

    PostgresCatalogIT(@TempDir Path dir) {
        this.dir = dir;
        this.processes = new Processes(dir.resolve("logs"));
    }

    @BeforeEach
    void createDatabase() throws Exception {
        database = Postgres.createDatabase();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        if (spark != null) {
            spark.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void twoWritersCommitConcurrentlyThroughAJdbcCatalogOnPostgres() throws Exception {
        Path warehouse = dir.resolve("lake");
        spark = Spark.start(Map.of(
                "type",
                "jdbc",
                "uri",
                database.jdbcUri(),
                "jdbc.user",
                Postgres.USER,
                "jdbc.password",
                Postgres.PASSWORD,
                "warehouse",
                warehouse.toString()));

        new TwoWriters(
                        processes,
                        dir,
                        List.of(
                                "--catalog-type",
                                "jdbc",
                                "--catalog-uri",
                                database.jdbcUri(),
                                "--catalog-property",
                                "jdbc.user=" + Postgres.USER,
                                "--catalog-property",
                                "jdbc.password=" + Postgres.PASSWORD,
                                "--output",
                                warehouse.toString()),
                        Map.of())
                .run(spark);

        List<String> tables = new ArrayList<>();
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT catalog_name, table_namespace, table_name FROM iceberg_tables ORDER BY 3")) {
            while (rs.next()) {
                tables.add(rs.getString(1) + "." + rs.getString(2) + "." + rs.getString(3));
            }
        }
        assertThat(tables)
                .as("tables in the PostgreSQL catalog (%s)", database.jdbcUri())
                .contains("lake.spool.events");
        assertThat(warehouse.resolve("catalog.sqlite"))
                .as("no embedded catalog beside a JDBC one")
                .doesNotExist();
    }
}
