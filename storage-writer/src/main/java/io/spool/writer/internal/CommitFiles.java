package io.spool.writer.internal;

import io.spool.journal.RecordView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The Parquet files one thread writes for the commit being prepared: one per day partition of each
 * table. Each file is noted in the {@link CommitIntent} before it is created, written under the store's
 * temporary name, and {@link #close closed} into a {@link Written} that knows its final location and its
 * Iceberg {@link DataFile} entry (column metrics from the footer).
 */
final class CommitFiles {
    /** One written file: where it was written, where it is published, and its entry for the table. */
    record Written(TableFiles table, String temporary, String location, DataFile file) {
        long rows() {
            return file.recordCount();
        }
    }

    private final OutputStore store;
    private final String writerId;
    private final CompressionCodecName codec;
    private final TableFiles eventsTable;
    private final TableFiles rejectedTable;
    private final CommitIntent intent;
    private final Map<Integer, Open<RecordView>> events = new HashMap<>();
    private final Map<Integer, Open<RejectedRow>> rejected = new HashMap<>();
    /** Unique per commit attempt and per writing thread, so no two attempts ever write the same name. */
    private String attempt;

    private static final class Open<T> {
        final int day;
        final RowFileWriter<T> writer;
        final CountingOutputFile file;
        final String temporary;
        final String location;

        Open(int day, RowFileWriter<T> writer, CountingOutputFile file, String temporary, String location) {
            this.day = day;
            this.writer = writer;
            this.file = file;
            this.temporary = temporary;
            this.location = location;
        }
    }

    CommitFiles(
            OutputStore store,
            String writerId,
            CompressionCodecName codec,
            TableFiles eventsTable,
            TableFiles rejectedTable,
            CommitIntent intent) {
        this.store = store;
        this.writerId = writerId;
        this.codec = codec;
        this.eventsTable = eventsTable;
        this.rejectedTable = rejectedTable;
        this.intent = intent;
    }

    int openFiles() {
        return events.size() + rejected.size();
    }

    static int dayOf(long epochMillis) {
        return (int) Math.floorDiv(epochMillis, 86_400_000L);
    }

    void writeEvent(RecordView record, long firstIndex) throws IOException {
        int day = dayOf(record.timestamp());
        Open<RecordView> open = events.get(day);
        if (open == null) {
            open = open(
                    eventsTable,
                    day,
                    "",
                    firstIndex,
                    file -> new EventFileWriter(file, eventsTable.parquetSchema, codec));
            events.put(day, open);
        }
        open.writer.write(record);
    }

    /** A rejected row: a dead letter ({@code dl} names the dead-letter journal's index) or an unreadable record. */
    void writeRejected(RejectedRow row, String prefix, long firstIndex) throws IOException {
        int day = dayOf(row.receivedAt);
        Open<RejectedRow> open = rejected.get(day);
        if (open == null) {
            open = open(
                    rejectedTable,
                    day,
                    prefix,
                    firstIndex,
                    file -> RowFileWriter.of(ParquetSettings.open(
                            file,
                            new RejectedWriteSupport(rejectedTable.parquetSchema),
                            codec,
                            new String[] {"received_at", "payload"},
                            new String[] {"payload"})));
            rejected.put(day, open);
        }
        open.writer.write(row);
    }

    /** Opens a writer of one file of {@code T} rows. */
    private interface Opener<T> {
        RowFileWriter<T> open(CountingOutputFile file) throws IOException;
    }

    private <T> Open<T> open(TableFiles table, int day, String prefix, long firstIndex, Opener<T> opener)
            throws IOException {
        if (attempt == null) {
            attempt = java.util.UUID.randomUUID().toString().substring(0, 8);
        }
        String name = "part-" + writerId + "-" + prefix + firstIndex + "-" + attempt + ".parquet";
        String location = table.location(day, name);
        intent.note(table.name, location);
        String temporary = store.temporary(location);
        CountingOutputFile file = new CountingOutputFile(store.create(temporary));
        RowFileWriter<T> writer;
        try {
            writer = opener.open(file);
        } catch (IOException | RuntimeException e) {
            file.release(); // the header could not be written: nothing else will close the stream
            throw e;
        }
        return new Open<>(day, writer, file, temporary, location);
    }

    /** Closes every file (writing its footer) and returns them, ready to publish. */
    List<Written> close() throws IOException {
        List<Written> written = new ArrayList<>();
        closeAll(events, eventsTable, written);
        closeAll(rejected, rejectedTable, written);
        attempt = null;
        return written;
    }

    private static <T> void closeAll(Map<Integer, Open<T>> files, TableFiles table, List<Written> out)
            throws IOException {
        for (Open<T> open : files.values()) {
            open.writer.close();
            DataFile file = table.dataFile(open.location, open.day, open.file.length(), open.writer.footer());
            out.add(new Written(table, open.temporary, open.location, file));
        }
        files.clear();
    }

    /** Closes whatever is open without publishing it (after a failure; recovery deletes what the intent lists). */
    void abandon() {
        for (Map<Integer, ? extends Open<?>> files : List.of(events, rejected)) {
            for (Open<?> open : files.values()) {
                try {
                    open.writer.close();
                } catch (IOException | RuntimeException ignored) {
                    // the file is not published and will be deleted
                }
                open.file.release();
            }
            files.clear();
        }
        attempt = null;
    }
}
