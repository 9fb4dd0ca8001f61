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
 * reads the journal.
 */
public record WriterConfig(
        Path journalDir,
        Journal journal,
        String output,
        String writerId,
        Duration rollInterval,
        long rollRows,
        long rollBytes,
        CompressionCodecName compression,
        Duration dedupWindow,
        Duration retention,
        int writerThreads,
        Clock clock) {
}
