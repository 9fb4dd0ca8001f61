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
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Writes journal records into one Parquet file of the {@code events} table, a column at a time with the
 * definition level known from the record, instead of {@link EventWriteSupport}'s path through the
 * {@code RecordConsumer} ({@code MessageColumnIO}'s field bookkeeping, a start/end call pair per field, a
 * null pass over the missing fields of every row). The string and JSON columns go through
 * {@link BinaryColumnWriter}, straight from the record's bytes; the four timestamps through parquet-java's
 * column writers. The file is the same: {@link EventWriteSupport#SCHEMA}'s columns with the table's field
 * ids, the same encodings, page and row-group sizes, dictionaries and statistics as
 * {@link ParquetSettings}; {@code EventFileWriterTest} reads both and compares rows and footers.
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

    private static final byte[][] TYPE_NAMES = new byte[8][];
    /** How often (in rows) the buffered size is compared with the row-group size. */
    private static final int SIZE_CHECK_ROWS = 1024;

    static {
        for (EventType t : EventType.values()) {
            TYPE_NAMES[t.code()] = t.wireName().getBytes(StandardCharsets.UTF_8);
        }
    }

    private final MessageType schema;
    private final ParquetProperties props;
    private final ParquetFileWriter file;
    private final ParquetCodecs codecs = new ParquetCodecs();
    private final BytesInputCompressor compressor;
    /** The four timestamp columns only, written by parquet-java's column writers. */
    private final MessageType timeSchema;

    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore columns;
    /** The timestamp columns' writers, at their column's index (null for the others). */
    private final ColumnWriter[] writers;
    /** The string and JSON columns' writers, at their column's index (null for the timestamps). */
    private final BinaryColumnWriter[] binary;

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
        this.binary = new BinaryColumnWriter[FIELDS.length];
        this.timeSchema = new MessageType(
                schema.getName(), schema.getType(8), schema.getType(9), schema.getType(10), schema.getType(11));
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
        columns = props.newColumnWriteStore(timeSchema, pages, pages);
        int i = 0;
        for (ColumnDescriptor column : schema.getColumns()) {
            if (column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY) {
                binary[i] = new BinaryColumnWriter(column, pages.getPageWriter(column), props);
            } else {
                writers[i] = columns.getColumnWriter(column);
            }
            i++;
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
            BinaryColumnWriter[] b = binary;
            byte[] array = r.array();
            for (int c = 0; c < FIELDS.length; c++) {
                RecordField field = FIELDS[c];
                if (field == null) {
                    continue;
                }
                int len = r.length(field);
                if (len < 0) {
                    b[c].writeNull();
                } else {
                    // the journal buffer is overwritten by the next excerpt: the writer copies what it keeps
                    b[c].write(array, r.offset(field), len);
                }
                b[c].endRow();
            }
            byte[] typeName = TYPE_NAMES[r.type().code()];
            b[1].write(typeName, 0, typeName.length);
            b[1].endRow();
            time(w[8], r.timestamp(), 0);
            time(w[9], r.originalTimestamp(), 1);
            time(w[10], r.sentAt(), 1);
            time(w[11], r.receivedAt(), 0);
            columns.endRecord();
            if (++rowsInGroup % SIZE_CHECK_ROWS == 0 && bufferedBytes() >= ParquetSettings.ROW_GROUP_BYTES) {
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

    private long bufferedBytes() {
        long bytes = columns.getBufferedSize();
        for (BinaryColumnWriter b : binary) {
            if (b != null) {
                bytes += b.bufferedBytes();
            }
        }
        return bytes;
    }

    private void flushRowGroup() throws IOException {
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            columns.flush();
            for (BinaryColumnWriter b : binary) {
                if (b != null) {
                    b.flush();
                }
            }
            pages.flushToFileWriter(file);
            file.endBlock();
        }
        for (BinaryColumnWriter b : binary) {
            if (b != null) {
                b.close();
            }
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
