package io.spool.samples;

import io.spool.collector.Collector;
import io.spool.journal.Journal;
import io.spool.writer.StorageWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real collector and a real storage writer on one journal in a temporary folder, for end-to-end tests. */
final class Pipeline implements AutoCloseable {
    static final String WRITE_KEY = "e2e-key";

    final Path lake;
    final Journal journal;
    final Collector collector;
    final StorageWriter writer;

    Pipeline(Path dir) {
        Journal.disableChronicleAnalytics();
        this.lake = dir.resolve("lake");
        this.journal = Journal.open(dir.resolve("journal"));
        this.collector = Collector.builder().port(0).journal(journal).writeKey(WRITE_KEY).build().start();
        this.writer = StorageWriter.builder().journal(journal).output(lake).rollInterval(Duration.ofHours(1)).build();
    }

    String endpoint() {
        return "http://127.0.0.1:" + collector.port();
    }

    /** Commits everything the journal holds now. */
    void drain() {
        writer.drain();
    }

    String events() {
        return "read_parquet('" + lake.resolve("spool/events/data").toAbsolutePath() + "/**/*.parquet', hive_partitioning = true)";
    }

    /** Runs a query with DuckDB, an independent Parquet reader; rows as column → value. */
    static List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            try {
                collector.close();
            } finally {
                journal.close();
            }
        }
    }
}
