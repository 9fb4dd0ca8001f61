package io.spool.writer;

import io.spool.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;

/** A writer run in a child JVM by {@link CrashSafetyTest}: drains with many small commits, then exits. */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) {
        Journal.disableChronicleAnalytics();
        try (StorageWriter writer = StorageWriter.builder()
                .journalDir(Path.of(args[0]))
                .output(Path.of(args[1]))
                .writerId("crash")
                .rollRows(Long.parseLong(args[2]))
                .dedupWindow(Duration.ofHours(24))
                .build()) {
            writer.drain();
        }
        System.exit(0);
    }
}
