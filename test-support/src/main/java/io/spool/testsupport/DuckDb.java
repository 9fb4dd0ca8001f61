package io.spool.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DuckDB (in memory) as the independent reader of the lake's Parquet files: what a user's query would
 * see, not what the writer's own code thinks it wrote. The caller's module declares
 * {@code org.duckdb:duckdb_jdbc} at test scope (this module has it as optional).
 */
public final class DuckDb {
    private DuckDb() {}

    /** A fresh in-memory database; the caller closes it. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /** Runs {@code sql} and returns its rows as column label → value, in column order. */
    public static List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The first column of the first row as a number, for {@code SELECT count(*) ...}. */
    public static long count(String sql) throws SQLException {
        return ((Number) query(sql).get(0).values().iterator().next()).longValue();
    }

    /** Every Parquet file below {@code folder}, its hive-style folders ({@code day=...}) as columns. */
    public static String parquetTree(Path folder) {
        return "read_parquet('" + folder.toAbsolutePath() + "/**/*.parquet', hive_partitioning = true)";
    }

    /** Exactly these Parquet files: what a table references, not what its folder holds. */
    public static String parquetFiles(List<String> locations) {
        StringBuilder list = new StringBuilder("read_parquet([");
        for (int i = 0; i < locations.size(); i++) {
            list.append(i == 0 ? "'" : ", '").append(locations.get(i)).append('\'');
        }
        return list.append("])").toString();
    }
}
