package io.spool.writer.internal;

import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RecordField;
import io.spool.journal.RecordView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes journal records into one Parquet file of the {@code events} table by driving parquet-java's
 * column writers directly: one {@link ColumnWriter} call per value, with the definition level known
 * from the record, instead of {@link EventWriteSupport}'s path through the {@code RecordConsumer}
 * ({@code MessageColumnIO}'s field bookkeeping, a start/end call pair per field, a null pass over the
 * missing fields of every row). The file is the same: {@link EventWriteSupport#SCHEMA}'s columns with
 * the table's field ids, the same encodings, page and row-group sizes, dictionaries and statistics as
 * {@link ParquetSettings}; {@code EventFileWriterTest} reads both and compares them.
 *
 * <p>One per file, used by one thread. After a failed write, {@link #close} aborts the file instead of
 * writing its footer.
 */
final class EventFileWriter implements RowFileWriter<RecordView> {
    /** The record field of each column, {@code null} for {@code type} and the four timestamps. */
    private static final RecordField[] FIELDS = {
        RecordField.MESSAGE_ID,
        null,
        RecordField.EVENT,
        RecordField.NAME,
        RecordField.USER_ID,
        RecordField.ANONYMOUS_ID,
        RecordField.GROUP_ID,
        RecordField.PREVIOUS_ID,
        null,
        null,
        null,
        null,
        RecordField.WRITE_KEY,
        RecordField.IP,
        RecordField.PROPERTIES,
        RecordField.TRAITS,
        RecordField.CONTEXT,
        RecordField.INTEGRATIONS,
        RecordField.LIBRARY_NAME,
        RecordField.LIBRARY_VERSION,
        RecordField.USER_AGENT,
    };

    private static final Binary[] TYPE_NAMES = new Binary[8];
    /** How often (in rows) the buffered size is compared with the row-group size. */
    private static final int SIZE_CHECK_ROWS = 1024;

    static {
        for (EventType t : EventType.values()) {
            TYPE_NAMES[t.code()] = Binary.fromConstantByteArray(t.wireName().getBytes(StandardCharsets.UTF_8));
        }
    }

    private final MessageType schema;
    private final ParquetProperties props;
    private final ParquetFileWriter file;
    private final ParquetCodecs codecs = new ParquetCodecs();
    private final BytesInputCompressor compressor;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore columns;
    private final ColumnWriter[] writers;
    private long rowsInGroup;
    private boolean failed;
    private boolean closed;

    EventFileWriter(OutputFile out, MessageType schema, CompressionCodecName codec) throws IOException {
        if (schema.getFieldCount() != FIELDS.length) {
            throw new IllegalArgumentException(
                    "the events schema has " + schema.getFieldCount() + " columns, not " + FIELDS.length);
        }
        this.schema = schema;
        this.props = ParquetSettings.properties(
                EventWriteSupport.HIGH_CARDINALITY_COLUMNS, EventWriteSupport.NO_STATISTICS_COLUMNS);
        this.compressor = codecs.getCompressor(codec);
        this.writers = new ColumnWriter[FIELDS.length];
        this.file = new ParquetFileWriter(
                out, schema, ParquetFileWriter.Mode.OVERWRITE, ParquetSettings.ROW_GROUP_BYTES, 0, null, props);
        file.start();
        startRowGroup();
    }

    private void startRowGroup() {
        pages = ColumnChunkPageWriteStore.builder()
                .withSchema(schema)
                .withAllocator(props.getAllocator())
                .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
                .withCompressorProvider(column -> compressor)
                .build();
        columns = props.newColumnWriteStore(schema, pages, pages);
        int i = 0;
        for (ColumnDescriptor column : schema.getColumns()) {
            writers[i++] = columns.getColumnWriter(column);
        }
        rowsInGroup = 0;
    }

    @Override
    public void write(RecordView r) throws IOException {
        if (failed || closed) {
            throw new IOException("the Parquet file was " + (closed ? "closed" : "abandoned after a failed write"));
        }
        try {
            ColumnWriter[] w = writers;
            byte[] array = r.array();
            for (int c = 0; c < FIELDS.length; c++) {
                RecordField field = FIELDS[c];
                if (field == null) {
                    continue;
                }
                int len = r.length(field);
                if (len < 0) {
                    w[c].writeNull(0, 0);
                } else {
                    // "Reused": the journal buffer is overwritten by the next excerpt; Parquet copies what it keeps
                    w[c].write(Binary.fromReusedByteArray(array, r.offset(field), len), 0, 1);
                }
            }
            w[1].write(TYPE_NAMES[r.type().code()], 0, 0);
            time(w[8], r.timestamp(), 0);
            time(w[9], r.originalTimestamp(), 1);
            time(w[10], r.sentAt(), 1);
            time(w[11], r.receivedAt(), 0);
            columns.endRecord();
            if (++rowsInGroup % SIZE_CHECK_ROWS == 0 && columns.getBufferedSize() >= ParquetSettings.ROW_GROUP_BYTES) {
                flushRowGroup();
                startRowGroup();
            }
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /** {@code maxDefinition} 0: a required column (a missing time is a bug upstream, written as 0). */
    private static void time(ColumnWriter w, long millis, int maxDefinition) {
        if (millis == EventRecord.NO_TIME) {
            if (maxDefinition == 0) {
                w.write(0L, 0, 0);
            } else {
                w.writeNull(0, 0);
            }
        } else {
            w.write(millis * 1000, 0, maxDefinition); // Iceberg's timestamptz is microseconds
        }
    }

    private void flushRowGroup() throws IOException {
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            columns.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
        }
        columns.close();
        pages.close();
        rowsInGroup = 0;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failed) {
                file.abort();
                return;
            }
            flushRowGroup();
            file.end(Map.of("writer.model.name", "spool"));
        } catch (IOException | RuntimeException e) {
            file.abort();
            throw e;
        } finally {
            codecs.release();
        }
    }

    @Override
    public ParquetMetadata footer() {
        return file.getFooter();
    }
}
