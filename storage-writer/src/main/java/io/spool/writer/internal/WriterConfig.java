package io.spool.writer.internal;

import io.spool.journal.Journal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Everything a writer is configured with; built and validated by {@code StorageWriter.Builder}.
 * {@code journal} is an already open journal to read (not closed by the writer), or null to open
 * {@code journalDir}. {@code writerThreads} threads encode and compress Parquet beside the one that
 * reads the journal. {@code upkeep} says how the writer keeps its tables tidy. {@code dedupMemory} is
 * the most the dedup window's table may take ({@link DedupIndex}). {@code drainAttempts} is how many
 * failed commit attempts in a row a drain request survives before it fails (the continuous writer keeps
 * retrying whatever it says: it pauses until the output takes writes again).
 */
public record WriterConfig(
        Path journalDir,
        Journal journal,
        LakeSettings lake,
        String writerId,
        Duration rollInterval,
        long rollRows,
        long rollBytes,
        CompressionCodecName compression,
        Duration dedupWindow,
        Duration retention,
        int writerThreads,
        Upkeep upkeep,
        Clock clock,
        long dedupMemory,
        int drainAttempts) {

    /** A config whose drains never give up (what the loop's own tests drive). */
    public WriterConfig(
            Path journalDir,
            Journal journal,
            LakeSettings lake,
            String writerId,
            Duration rollInterval,
            long rollRows,
            long rollBytes,
            CompressionCodecName compression,
            Duration dedupWindow,
            Duration retention,
            int writerThreads,
            Upkeep upkeep,
            Clock clock,
            long dedupMemory) {
        this(
                journalDir,
                journal,
                lake,
                writerId,
                rollInterval,
                rollRows,
                rollBytes,
                compression,
                dedupWindow,
                retention,
                writerThreads,
                upkeep,
                clock,
                dedupMemory,
                Integer.MAX_VALUE);
    }

    /**
     * Table upkeep. {@code interval} zero turns it off.
     *
     * @param interval how often the writer looks at its tables (compaction, expiry, orphans)
     * @param snapshotRetention snapshots older than this are expired (time travel reaches back this far)
     * @param smallFileBytes files under this size are compacted
     * @param openPartitionFiles an open (today's) partition is compacted once it holds this many of our small files
     * @param orphanAge unreferenced files older than this are deleted
     */
    public record Upkeep(
            Duration interval,
            Duration snapshotRetention,
            long smallFileBytes,
            int openPartitionFiles,
            Duration orphanAge) {
        public static final Upkeep DEFAULT =
                new Upkeep(Duration.ofMinutes(10), Duration.ofDays(1), 32L << 20, 48, Duration.ofDays(3));
        public static final Upkeep OFF =
                new Upkeep(Duration.ZERO, Duration.ofDays(1), 32L << 20, 48, Duration.ofDays(3));
    }

    public String output() {
        return lake.warehouse();
    }
}
