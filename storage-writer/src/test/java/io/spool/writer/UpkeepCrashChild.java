package io.spool.writer;

import io.spool.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A writer run in a child JVM by {@link UpkeepCrashTest}: drains with many small commits, says so, runs
 * the tables' upkeep (compaction), then exits.
 */
public final class UpkeepCrashChild {
    static final String UPKEEP_STARTS = "upkeep starts";

    private UpkeepCrashChild() {}

    public static void main(String[] args) {
        Journal.disableChronicleAnalytics();
        try (StorageWriter writer = StorageWriter.builder()
                .journalDir(Path.of(args[0]))
                .output(Path.of(args[1]))
                .writerId("crash")
                .rollRows(Long.parseLong(args[2]))
                .dedupWindow(Duration.ZERO)
                .upkeepInterval(Duration.ZERO)
                .build()) {
            writer.drain();
            System.out.println(UPKEEP_STARTS);
            System.out.flush();
            writer.upkeep();
        }
        System.exit(0);
    }
}
