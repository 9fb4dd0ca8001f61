package io.spool.samples.quickstart;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the Parquet files of a lake hold, read back with DuckDB, the way a user would query them. */
record LakeSummary(
        Map<String, Long> byTypeAndName,
        long events,
        BigDecimal revenue,
        long orders,
        Instant firstTimestamp,
        Instant lastTimestamp,
        long files) {

    /** The query a user can paste into DuckDB to see the same numbers. */
    static String pasteableQuery(Path lake) {
        return "SELECT type, coalesce(event, name) AS name, count(*) AS events\n"
                + "FROM read_parquet('" + eventsGlob(lake) + "', hive_partitioning = true)\n"
                + "GROUP BY ALL ORDER BY events DESC;";
    }

    static String eventsGlob(Path lake) {
        return lake.toAbsolutePath()
                .resolve("spool/events/data")
                .resolve("**")
                .resolve("*.parquet")
                .toString();
    }

    static LakeSummary read(Path lake) throws SQLException {
        String events = "read_parquet('" + eventsGlob(lake).replace("'", "''") + "', hive_partitioning = true)";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement()) {
            Map<String, Long> byTypeAndName = new LinkedHashMap<>();
            long total = 0;
            try (ResultSet rs = st.executeQuery("SELECT type, coalesce(event, name, '') AS n, count(*) AS c FROM "
                    + events + " GROUP BY ALL ORDER BY c DESC, type, n")) {
                while (rs.next()) {
                    byTypeAndName.put(rs.getString(1) + "\t" + rs.getString(2), rs.getLong(3));
                    total += rs.getLong(3);
                }
            }
            BigDecimal revenue;
            long orders;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(CAST(json_extract(properties, '$.revenue')"
                    + " AS DECIMAL(18,2))), 0), count(*) FROM " + events + " WHERE event = 'Order Completed'")) {
                rs.next();
                revenue = rs.getBigDecimal(1);
                orders = rs.getLong(2);
            }
            Instant first;
            Instant last;
            try (ResultSet rs = st.executeQuery(
                    "SELECT epoch_ms(min(\"timestamp\")), epoch_ms(max(\"timestamp\")) FROM " + events)) {
                rs.next();
                first = Instant.ofEpochMilli(rs.getLong(1));
                last = Instant.ofEpochMilli(rs.getLong(2));
            }
            long files;
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM glob('" + eventsGlob(lake).replace("'", "''") + "')")) {
                rs.next();
                files = rs.getLong(1);
            }
            return new LakeSummary(byTypeAndName, total, revenue, orders, first, last, files);
        }
    }
}
