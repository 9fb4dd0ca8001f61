package io.spool.writer.internal;

/**
 * In the drain's child JVM, loads on another thread, while the main thread parses the command line, the
 * native libraries and the one heavy class initializer that the drain would otherwise meet on its
 * critical path: SQLite's library (extracted from the jar to a temporary file and loaded, ~70 ms, on the
 * lake's opening), zstd's (the first page's compression) and parquet-java's footer model, whose static
 * Jackson mapper loads ~370 classes when the first file closes. 500k small events drain in 1.47 s
 * against 1.51 s without it (eight alternated pairs, BENCHMARKS.md).
 *
 * <p>Only work that is the same whatever the settings say, that is idempotent and that logs nothing at
 * info: it runs after {@code Logging.configure}, and a failure here is left for the real use to report.
 * Like Spring Boot's background pre-initializer, it is a head start, never a dependency.
 */
final class DrainPreload {
    private static boolean started;

    private DrainPreload() {}

    static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        Thread t = new Thread(DrainPreload::run, "spool-drain-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        try {
            org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception | LinkageError e) {
            // the lake's opening loads it again and says what failed
        }
        try {
            com.github.luben.zstd.util.Native.load();
        } catch (RuntimeException | LinkageError e) {
            // the first page's compression says it
        }
        try {
            Class.forName(
                    "org.apache.parquet.hadoop.metadata.ParquetMetadata", true, DrainPreload.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // the first file's close says it
        }
    }
}
