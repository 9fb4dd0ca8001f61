package io.spool.benchmarks.writer;

import io.spool.journal.BatchEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.writer.StorageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A quiet site's day, compressed: {@code commits} commits of {@code events} events each (what a trickle
 * of traffic and a one-minute roll interval make: one small file per commit), then the writer's upkeep.
 * Prints the data files' size distribution before and after, and how long the upkeep took.
 *
 * <pre>
 * java $(chronicle flags) -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.writer.TrickleRun \
 *     /tmp/trickle [commits=1440] [events-per-commit=20]
 * </pre>
 *
 * The events are yesterday's (a closed day partition), so compaction takes them all in one run.
 */
public final class TrickleRun {
    private TrickleRun() {}

    public static void main(String[] args) throws Exception {
        Journal.disableChronicleAnalytics();
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/trickle");
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 1440;
        int perCommit = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        WriterVsDuckDb.deleteTree(work);
        Path lake = work.resolve("lake");
        long day = Instant.now().minus(Duration.ofDays(1)).toEpochMilli() / 86_400_000L * 86_400_000L;
        try (Journal journal = Journal.open(work.resolve("journal"));
                StorageWriter writer = StorageWriter.builder()
                        .journal(journal)
                        .output(lake)
                        .writerId("quiet")
                        .rollRows(perCommit)
                        .upkeepInterval(Duration.ZERO)
                        .retention(Duration.ZERO)
                        .build()) {
            JournalAppender appender = journal.events().newAppender();
            EventRecord record = new EventRecord();
            long t0 = System.nanoTime();
            for (int c = 0; c < commits; c++) {
                BatchEncoder encoder = new BatchEncoder();
                for (int i = 0; i < perCommit; i++) {
                    long n = (long) c * perCommit + i;
                    long at = day + n * (86_400_000L / ((long) commits * perCommit));
                    record.clear();
                    record.type(EventType.TRACK)
                            .messageId("m-" + n)
                            .userId("user-" + (n % 50))
                            .event("Page Viewed")
                            .receivedAt(at)
                            .timestamp(at)
                            .writeKey("key")
                            .ip("10.0.0.1")
                            .libraryName("analytics-java")
                            .libraryVersion("3.5.4");
                    record.properties().set("{\"path\":\"/docs/" + (n % 40) + "\",\"n\":" + n + "}");
                    encoder.add(record);
                }
                appender.append(encoder);
                writer.drain(); // one commit, one small file
            }
            appender.close();
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            List<Long> before = sizes(lake);
            long u0 = System.nanoTime();
            writer.upkeep();
            double upkeepSeconds = (System.nanoTime() - u0) / 1e9;
            List<Long> after = sizes(lake);
            System.out.printf(
                    "%,d commits of %d events in %.1f s (%,d commits in the stats)%n",
                    commits, perCommit, writeSeconds, writer.stats().commits());
            System.out.println("before upkeep: " + describe(before));
            System.out.printf("upkeep: %.2f s%n", upkeepSeconds);
            System.out.println("after upkeep:  " + describe(after));
        }
    }

    private static List<Long> sizes(Path lake) throws IOException {
        try (Stream<Path> files = Files.walk(lake.resolve("spool/events/data"))) {
            return files.filter(p -> p.toString().endsWith(".parquet"))
                    .map(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .sorted()
                    .toList();
        }
    }

    private static String describe(List<Long> sizes) {
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        return String.format(
                "%,d files, %,d bytes in all; min %,d, p50 %,d, p90 %,d, max %,d bytes",
                sizes.size(),
                total,
                sizes.get(0),
                sizes.get(sizes.size() / 2),
                sizes.get((int) (sizes.size() * 0.9)),
                sizes.get(sizes.size() - 1));
    }
}
