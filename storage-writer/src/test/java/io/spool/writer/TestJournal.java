package io.spool.writer;

import io.spool.journal.BatchEncoder;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/** Appends events through the journal API and reads the lake back with DuckDB, as a user would. */
public final class TestJournal {
    private TestJournal() {
    }

    public static EventRecord track(String messageId, long receivedAt) {
        return new EventRecord().type(EventType.TRACK).messageId(messageId).receivedAt(receivedAt)
                .timestamp(receivedAt - 1000).userId("user-" + messageId).event("Order Completed")
                .writeKey("key1").ip("127.0.0.1");
    }

    /** Appends the records as one excerpt (one request). */
    public static long append(Journal journal, EventRecord... records) {
        BatchEncoder encoder = new BatchEncoder();
        for (EventRecord r : records) {
            encoder.add(r);
        }
        JournalAppender appender = journal.events().newAppender();
        try {
            return appender.append(encoder);
        } finally {
            appender.close();
        }
    }

    public static long appendDeadLetters(Journal journal, DeadLetterRecord... records) {
        BatchEncoder encoder = new BatchEncoder();
        for (DeadLetterRecord r : records) {
            encoder.add(r);
        }
        JournalAppender appender = journal.deadLetters().newAppender();
        try {
            return appender.append(encoder);
        } finally {
            appender.close();
        }
    }

    /** Appends one excerpt holding {@code record} encoded as a newer format version: unreadable to this writer. */
    public static long appendUnreadable(Journal journal, EventRecord record) {
        byte[] newer = BadRecordsTest.encoded(record);
        newer[0] = 2;
        net.openhft.chronicle.bytes.Bytes<?> excerpt = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap();
        excerpt.writeInt(newer.length);
        excerpt.write(newer);
        JournalAppender appender = journal.events().newAppender();
        try {
            return appender.append(excerpt);
        } finally {
            appender.close();
        }
    }

    /** DuckDB's reader over exactly these files: what a table references, not what its folder holds. */
    public static String files(List<String> locations) {
        StringBuilder list = new StringBuilder("read_parquet([");
        for (int i = 0; i < locations.size(); i++) {
            list.append(i == 0 ? "'" : ", '").append(locations.get(i)).append('\'');
        }
        return list.append("])").toString();
    }

    public static Connection duckdb() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    public static String events(Path lake) {
        return "read_parquet('" + lake.resolve("spool/events/data") + "/**/*.parquet', hive_partitioning = true)";
    }

    public static String rejected(Path lake) {
        return "read_parquet('" + lake.resolve("spool/rejected/data") + "/**/*.parquet', hive_partitioning = true)";
    }

    /** Runs a query and returns its rows as column name → value maps. */
    public static List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = duckdb(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    public static long count(String sql) throws SQLException {
        return ((Number) query(sql).get(0).values().iterator().next()).longValue();
    }
}
