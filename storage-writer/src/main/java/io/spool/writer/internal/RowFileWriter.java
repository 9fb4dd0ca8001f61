package io.spool.writer.internal;

import java.io.Closeable;
import java.io.IOException;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/** Rows into one Parquet file: {@link EventFileWriter} for events, parquet-java's own writer for the rest. */
interface RowFileWriter<T> extends Closeable {
    void write(T row) throws IOException;

    /** The written file's footer, once {@link #close closed}. */
    ParquetMetadata footer();

    static <T> RowFileWriter<T> of(ParquetWriter<T> writer) {
        return new RowFileWriter<>() {
            @Override
            public void write(T row) throws IOException {
                writer.write(row);
            }

            @Override
            public ParquetMetadata footer() {
                return writer.getFooter();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
