package io.spool.benchmarks.writer;

import io.spool.journal.BatchEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.writer.StorageWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * How many commits N writers sustain on one Iceberg table, and how many of them Iceberg retried after
 * losing a race: N writers (each with its own journal, as N collector hosts would have), one shared
 * warehouse and catalog, a feeder per journal keeping every writer busy, each writer committing every
 * {@code rows} events. Prints commits per minute in total and per writer, retries, and events/s.
 *
 * <pre>
 * java $(chronicle flags) -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.writer.ManyWritersOneTable \
 *     /tmp/many-writers [writers=2] [seconds=60] [rows-per-commit=2000] [jdbc-uri (default: the embedded catalog)]
 * </pre>
 */
public final class ManyWritersOneTable {
    private ManyWritersOneTable() {}

    public static void main(String[] args) throws Exception {
        Journal.disableChronicleAnalytics();
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/many-writers");
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        long rows = args.length > 3 ? Long.parseLong(args[3]) : 2000;
        String catalogUri = args.length > 4 ? args[4] : null;
        WriterVsDuckDb.deleteTree(work);
        Files.createDirectories(work);
        Path lake = work.resolve("lake");
        List<Journal> journals = new ArrayList<>();
        List<StorageWriter> running = new ArrayList<>();
        List<Thread> feeders = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        for (int w = 0; w < writers; w++) {
            Journal journal = Journal.open(work.resolve("journal-" + w));
            journals.add(journal);
            StorageWriter.Builder builder = StorageWriter.builder()
                    .journal(journal)
                    .output(lake)
                    .writerId("host-" + w)
                    .rollRows(rows)
                    .rollInterval(Duration.ofSeconds(5))
                    .writerThreads(1)
                    .retention(Duration.ZERO)
                    .upkeepInterval(Duration.ZERO);
            if (catalogUri != null) {
                builder.catalogUri(catalogUri);
            }
            running.add(builder.build().start());
            int id = w;
            Thread feeder = new Thread(() -> feed(journal, id, stop), "feeder-" + w);
            feeders.add(feeder);
        }
        // Commits first measured from here: table creation and JIT warm-up are behind us.
        long[] commits0 = new long[writers];
        long[] rows0 = new long[writers];
        feeders.forEach(Thread::start);
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
        for (int w = 0; w < writers; w++) {
            commits0[w] = running.get(w).stats().commits();
            rows0[w] = running.get(w).stats().rowsCommitted();
        }
        double retries0 = retries(running);
        long t0 = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long commits = 0;
        long committedRows = 0;
        StringBuilder each = new StringBuilder();
        for (int w = 0; w < writers; w++) {
            long c = running.get(w).stats().commits() - commits0[w];
            commits += c;
            committedRows += running.get(w).stats().rowsCommitted() - rows0[w];
            each.append(String.format(" host-%d %.0f/min", w, c * 60 / elapsed));
        }
        double retries = retries(running) - retries0;
        stop.set(true);
        for (Thread f : feeders) {
            f.join();
        }
        running.forEach(StorageWriter::close);
        journals.forEach(Journal::close);
        System.out.printf(
                "%d writers, %d rows a commit, %.0f s: %,d commits = %.0f commits/min (%s), %.0f retried"
                        + " attempts (%.2f per commit), %,.0f events/s committed%n",
                writers,
                rows,
                elapsed,
                commits,
                commits * 60 / elapsed,
                each.toString().trim(),
                retries,
                commits == 0 ? 0 : retries / commits,
                committedRows / elapsed);
    }

    private static double retries(List<StorageWriter> writers) throws java.io.IOException {
        double total = 0;
        for (StorageWriter w : writers) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            w.writeMetrics(out);
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("spool_writer_commit_retries_total ")) {
                    total += Double.parseDouble(
                            line.substring(line.indexOf(' ') + 1).trim());
                }
            }
        }
        return total;
    }

    /** Small server-side track events, 100 a request, as fast as the journal takes them (bounded by the writers' pace). */
    private static void feed(Journal journal, int host, AtomicBoolean stop) {
        JournalAppender appender = journal.events().newAppender();
        EventRecord record = new EventRecord();
        long n = 0;
        try {
            while (!stop.get()) {
                BatchEncoder encoder = new BatchEncoder();
                long now = System.currentTimeMillis();
                for (int i = 0; i < 100; i++, n++) {
                    record.clear();
                    record.type(EventType.TRACK)
                            .messageId("h" + host + "-" + n)
                            .userId("user-" + (n % 500))
                            .event("Order Completed")
                            .receivedAt(now)
                            .timestamp(now)
                            .writeKey("key")
                            .ip("10.0.0.1");
                    record.properties().set("{\"n\":" + n + ",\"revenue\":19.99}");
                    encoder.add(record);
                }
                appender.append(encoder);
                // about 20k events/s a host: enough to fill a commit every ~100 ms at 2,000 rows
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        } finally {
            appender.close();
        }
    }
}
