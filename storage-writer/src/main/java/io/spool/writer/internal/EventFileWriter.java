package io.spool.writer.internal;

import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.RecordField;
import io.spool.journal.RecordView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
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
 * null pass over the missing fields of every row), and without parquet-java's column writers: the
 * string and JSON columns go through {@link BinaryColumnWriter}, straight from the record's bytes, and
 * the four timestamps through {@link LongColumnWriter}, into parquet-java's page and file writers. The
 * file is the same: {@link EventWriteSupport#SCHEMA}'s columns with the table's field ids, the same
 * encodings, page and row-group sizes, dictionaries and statistics as {@link ParquetSettings};
 * {@code EventFileWriterTest} reads both and compares rows and footers.
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
    private ColumnChunkPageWriteStore pages;
    /** Every column's writer, at the column's index. */
    private final FlatColumnWriter[] columns;
    /** The string and JSON columns' writers, at their column's index (null for the timestamps). */
    private final BinaryColumnWriter[] binary;
    /** The timestamps' writers, at their column's index (null for the others). */
    private final LongColumnWriter[] times;

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
        this.columns = new FlatColumnWriter[FIELDS.length];
        this.binary = new BinaryColumnWriter[FIELDS.length];
        this.times = new LongColumnWriter[FIELDS.length];
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
        int i = 0;
        for (ColumnDescriptor column : schema.getColumns()) {
            if (column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY) {
                columns[i] = binary[i] = new BinaryColumnWriter(column, pages.getPageWriter(column), props);
            } else {
                columns[i] = times[i] = new LongColumnWriter(column, pages.getPageWriter(column), props);
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
            BinaryColumnWriter[] b = binary;
            LongColumnWriter[] t = times;
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
            time(t[8], r.timestamp(), true);
            time(t[9], r.originalTimestamp(), false);
            time(t[10], r.sentAt(), false);
            time(t[11], r.receivedAt(), true);
            if (++rowsInGroup % SIZE_CHECK_ROWS == 0 && bufferedBytes() >= ParquetSettings.ROW_GROUP_BYTES) {
                flushRowGroup();
                startRowGroup();
            }
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /** A missing time in a {@code required} column is a bug upstream, written as 0. */
    private static void time(LongColumnWriter w, long millis, boolean required) throws IOException {
        if (millis != EventRecord.NO_TIME) {
            w.write(millis * 1000); // Iceberg's timestamptz is microseconds
        } else if (required) {
            w.write(0L);
        } else {
            w.writeNull();
        }
        w.endRow();
    }

    private long bufferedBytes() {
        long bytes = 0;
        for (FlatColumnWriter c : columns) {
            bytes += c.bufferedBytes();
        }
        return bytes;
    }

    private void flushRowGroup() throws IOException {
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            for (FlatColumnWriter c : columns) {
                c.flush();
            }
            pages.flushToFileWriter(file);
            file.endBlock();
        }
        for (FlatColumnWriter c : columns) {
            c.close();
        }
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
