package io.spool.benchmarks.writer;

import io.spool.journal.Journal;
import io.spool.writer.StorageWriter;
import io.spool.writer.WriterStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The storage writer's {@code --drain} against DuckDB converting the same events from NDJSON to zstd
 * Parquet, in one run on one machine: events/s and bytes of both.
 *
 * <pre>
 * java $(chronicle flags) -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.writer.WriterVsDuckDb \
 *     /tmp/writer-bench [events] [duckdb-threads|default] [both|spool-only] [writer-threads] [dedup-window, e.g. PT24H]
 * </pre>
 *
 * The journal and NDJSON are generated first (not timed). The writer runs first, in this fresh JVM, so
 * its figure includes JIT warm-up as {@code --drain} in a new process would.
 */
public final class WriterVsDuckDb {
    private WriterVsDuckDb() {}

    private static final String COLUMNS = "{message_id: 'VARCHAR', type: 'VARCHAR', event: 'VARCHAR', name: 'VARCHAR',"
            + " user_id: 'VARCHAR', anonymous_id: 'VARCHAR', group_id: 'VARCHAR', previous_id: 'VARCHAR',"
            + " timestamp: 'TIMESTAMPTZ', original_timestamp: 'TIMESTAMPTZ', sent_at: 'TIMESTAMPTZ',"
            + " received_at: 'TIMESTAMPTZ', write_key: 'VARCHAR', ip: 'VARCHAR', properties: 'JSON', traits: 'JSON',"
            + " context: 'JSON', integrations: 'JSON', context_library_name: 'VARCHAR',"
            + " context_library_version: 'VARCHAR', context_user_agent: 'VARCHAR'}";

    public static void main(String[] args) throws Exception {
        Journal.disableChronicleAnalytics();
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/spool-writer-bench");
        long count = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        String duckThreads = args.length > 2 && !args[2].equals("default") ? args[2] : null;
        boolean spoolOnly = args.length > 3 && args[3].equals("spool-only");
        int writerThreads = args.length > 4
                ? Integer.parseInt(args[4])
                : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        Duration dedupWindow = args.length > 5 ? Duration.parse(args[5]) : Duration.ofHours(24);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Path journalDir = work.resolve("journal");
        Path ndjson = work.resolve("events.ndjson");
        Path lake = work.resolve("lake");
        Path duckParquet = work.resolve("duckdb.parquet");
        deleteTree(lake);
        Files.deleteIfExists(duckParquet);
        if (!Files.exists(ndjson) || !Files.exists(journalDir.resolve("events"))) {
            deleteTree(journalDir);
            Files.createDirectories(work);
            long t = System.nanoTime();
            long bytes = RealisticEvents.generate(journalDir, ndjson, count, Instant.parse("2026-05-01T08:00:00Z"));
            System.out.printf(
                    "generated %,d events: NDJSON %,d bytes, journal %,d bytes (%.1f s)%n",
                    count, bytes, size(journalDir.resolve("events")), (System.nanoTime() - t) / 1e9);
        } else {
            deleteTree(journalDir.resolve("writer"));
        }

        long t0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        WriterStats stats;
        try (StorageWriter writer = StorageWriter.builder()
                .journalDir(journalDir)
                .output(lake)
                .writerId("bench")
                .retention(Duration.ZERO)
                .writerThreads(writerThreads)
                .dedupWindow(dedupWindow)
                .build()) {
            stats = writer.drain();
            printThreadCpu();
        }
        double spoolSeconds = (System.nanoTime() - t0) / 1e9;
        double spoolCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        if (spoolOnly) {
            System.out.printf(
                    "spool drain: %,d rows in %.2f s (%,.0f events/s), %.2f CPU s, %,d bytes in %d files%n",
                    stats.rowsCommitted(),
                    spoolSeconds,
                    stats.rowsCommitted() / spoolSeconds,
                    spoolCpu,
                    size(lake.resolve("spool/events/data")),
                    stats.filesCommitted());
            return;
        }
        long spoolBytes = size(lake.resolve("spool/events/data"));

        double duckSeconds;
        double duckCpu;
        long duckRows;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            if (duckThreads != null) {
                s.execute("SET threads = " + Integer.parseInt(duckThreads));
            }
            String threads;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('threads')")) {
                rs.next();
                threads = rs.getString(1);
            }
            long t1 = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            s.execute("COPY (SELECT * FROM read_json('" + ndjson + "', format = 'newline_delimited', columns = "
                    + COLUMNS + ")) TO '" + duckParquet + "' (FORMAT parquet, COMPRESSION zstd)");
            duckSeconds = (System.nanoTime() - t1) / 1e9;
            duckCpu = (os.getProcessCpuTime() - cpu1) / 1e9;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + duckParquet + "')")) {
                rs.next();
                duckRows = rs.getLong(1);
            }
            System.out.println("duckdb threads: " + threads);
        }
        long duckBytes = Files.size(duckParquet);

        System.out.println("spool writer threads: " + writerThreads);
        System.out.printf("%-28s %12s %10s %14s %10s %14s%n", "", "rows", "seconds", "events/s", "CPU s", "bytes");
        System.out.printf(
                "%-28s %,12d %10.2f %,14.0f %10.2f %,14d%n",
                "spool storage-writer drain",
                stats.rowsCommitted(),
                spoolSeconds,
                stats.rowsCommitted() / spoolSeconds,
                spoolCpu,
                spoolBytes);
        System.out.printf(
                "%-28s %,12d %10.2f %,14.0f %10.2f %,14d%n",
                "duckdb NDJSON->parquet zstd", duckRows, duckSeconds, duckRows / duckSeconds, duckCpu, duckBytes);
        System.out.printf(
                "files: spool %d (%s), duckdb 1%n", stats.filesCommitted(), lake.resolve("spool/events/data"));
    }

    /** CPU seconds of the busiest live threads: where the drain's CPU went (writer, JIT, GC). */
    private static void printThreadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder line = new StringBuilder("thread CPU s:");
        java.util.Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(java.util.Objects::nonNull)
                .map(t -> java.util.Map.entry(t.getThreadName(), threads.getThreadCpuTime(t.getThreadId()) / 1e9))
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .limit(4)
                .forEach(e -> line.append(String.format(" %s=%.2f", e.getKey(), e.getValue())));
        System.out.println(line);
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
