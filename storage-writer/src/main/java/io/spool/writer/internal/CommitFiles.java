package io.spool.writer.internal;

import io.spool.journal.RecordView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The Parquet files of the commit being written: one per partition (hour) for events, and for
 * rejected rows, all under temporary names until {@link #close} hands them over for publishing.
 * Temporary names start with a dot, which DuckDB globs, Spark and Trino skip.
 */
final class CommitFiles {
    /** One written file: where it was written and the name it gets when published. */
    record Written(String temporary, String target, long rows) {
    }

    private final OutputStore store;
    private final String writerId;
    private final CompressionCodecName codec;
    private final Map<Long, Open<RecordView>> events = new HashMap<>();
    private final Map<Long, Open<RejectedRow>> rejectedEvents = new HashMap<>();
    private final Map<Long, Open<RejectedRow>> deadLetters = new HashMap<>();

    private static final class Open<T> {
        final String folder;
        final ParquetWriter<T> writer;
        final String temporary;
        long rows;

        Open(String folder, ParquetWriter<T> writer, String temporary) {
            this.folder = folder;
            this.writer = writer;
            this.temporary = temporary;
        }
    }

    CommitFiles(OutputStore store, String writerId, CompressionCodecName codec) {
        this.store = store;
        this.writerId = writerId;
        this.codec = codec;
    }

    int openFiles() {
        return events.size() + rejectedEvents.size() + deadLetters.size();
    }

    void writeEvent(RecordView record, long firstIndex) throws IOException {
        long hour = Partitions.hourOf(record.receivedAt());
        Open<RecordView> open = events.get(hour);
        if (open == null) {
            String folder = "events/" + Partitions.folder(hour);
            String tmp = folder + "/." + baseName("", firstIndex) + ".parquet.tmp";
            open = new Open<>(folder, ParquetSettings.open(store.create(tmp), new EventWriteSupport(), codec,
                    EventWriteSupport.HIGH_CARDINALITY_COLUMNS, EventWriteSupport.NO_STATISTICS_COLUMNS), tmp);
            events.put(hour, open);
        }
        open.writer.write(record);
        open.rows++;
    }

    /** A record of the events journal that could not be decoded. */
    void writeRejectedEvent(RejectedRow row, long firstIndex) throws IOException {
        writeRejected(rejectedEvents, row, "", firstIndex);
    }

    /** A dead letter; files are named by the dead-letter journal's indexes ({@code dl} prefix). */
    void writeDeadLetter(RejectedRow row, long firstIndex) throws IOException {
        writeRejected(deadLetters, row, "dl", firstIndex);
    }

    private void writeRejected(Map<Long, Open<RejectedRow>> files, RejectedRow row, String prefix, long firstIndex)
            throws IOException {
        long hour = Partitions.hourOf(row.receivedAt);
        Open<RejectedRow> open = files.get(hour);
        if (open == null) {
            String folder = "rejected/" + Partitions.folder(hour);
            String tmp = folder + "/." + baseName(prefix, firstIndex) + ".parquet.tmp";
            open = new Open<>(folder, ParquetSettings.open(store.create(tmp), new RejectedWriteSupport(), codec,
                    new String[] {"received_at", "payload"}, new String[] {"payload"}), tmp);
            files.put(hour, open);
        }
        open.writer.write(row);
        open.rows++;
    }

    private String baseName(String prefix, long firstIndex) {
        return "part-" + writerId + "-" + prefix + firstIndex;
    }

    /**
     * Closes every file (writing its footer) and returns them with their final names.
     * {@code eventsLast}/{@code deadLettersLast} end the ranges the names state.
     */
    List<Written> close(long eventsFirst, long eventsLast, long deadLettersFirst, long deadLettersLast) throws IOException {
        List<Written> written = new ArrayList<>();
        closeAll(events, "", eventsFirst, eventsLast, written);
        closeAll(rejectedEvents, "", eventsFirst, eventsLast, written);
        closeAll(deadLetters, "dl", deadLettersFirst, deadLettersLast, written);
        return written;
    }

    private <T> void closeAll(Map<Long, Open<T>> files, String prefix, long first, long last, List<Written> out)
            throws IOException {
        for (Open<T> open : files.values()) {
            open.writer.close();
            out.add(new Written(open.temporary,
                    open.folder + "/part-" + writerId + "-" + prefix + first + "-" + last + ".parquet", open.rows));
        }
        files.clear();
    }

    /** Closes whatever is open without publishing it (after a failure; the temporaries are deleted on recovery). */
    void abandon() {
        for (Map<Long, ? extends Open<?>> files : List.of(events, rejectedEvents, deadLetters)) {
            for (Open<?> open : files.values()) {
                try {
                    open.writer.close();
                } catch (IOException | RuntimeException ignored) {
                    // the file is a temporary and will be deleted
                }
            }
            files.clear();
        }
    }
}
