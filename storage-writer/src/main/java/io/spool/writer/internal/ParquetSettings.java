package io.spool.writer.internal;

import java.io.IOException;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * How the writer's Parquet files are laid out. Row groups of 128 MB (what Spark and Trino split on),
 * 8 MB pages (1 MB dictionaries), no dictionary on the columns that are unique per row (parquet-java would build one per
 * column chunk only to drop it), no min/max statistics where no query prunes, no size statistics, and
 * page buffers recycled instead of allocated anew for every page. {@code ParquetWriteBenchmark} and
 * BENCHMARKS.md (storage writer) holds the measurements behind each choice.
 */
public final class ParquetSettings {
    static final int ROW_GROUP_BYTES = 128 * 1024 * 1024;
    /**
     * 8 MB pages: zstd compresses a page on its own, so a JSON column of distinct values (a browser
     * {@code context}) compresses with ~1 MB of context at 1 MB pages and with the whole page at 8 MB
     * ({@link ParquetCodecs#ZSTD_WINDOW_LOG}): 25.1 → 21.9 MB for 500k browser contexts, at the same
     * speed. Columns whose pages the 20,000-row page limit ends first are unchanged.
     */
    static final int PAGE_BYTES = 8 * 1024 * 1024;
    /** Past this a column chunk's dictionary falls back to plain encoding. */
    static final int DICTIONARY_PAGE_BYTES = 1024 * 1024;

    private ParquetSettings() {}

    /** A writer of {@code support}'s rows into {@code file}; {@code plainColumns} get no dictionary. */
    public static <T> ParquetWriter<T> open(
            OutputFile file,
            WriteSupport<T> support,
            CompressionCodecName codec,
            String[] plainColumns,
            String[] noStatisticsColumns)
            throws IOException {
        Builder<T> builder = new Builder<>(file, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize((long) ROW_GROUP_BYTES)
                .withValidation(false);
        layout(builder, plainColumns, noStatisticsColumns);
        return builder.build();
    }

    /**
     * The same layout as {@link #open} for a writer that drives the column writers itself
     * ({@link EventFileWriter}).
     */
    static ParquetProperties properties(String[] plainColumns, String[] noStatisticsColumns) {
        ParquetProperties.Builder builder = ParquetProperties.builder();
        layout(new PropertiesLayout(builder), plainColumns, noStatisticsColumns);
        return builder.build();
    }

    /** The one place that says how pages and columns are laid out, whichever of parquet-java's builders is told. */
    private static void layout(Layout builder, String[] plainColumns, String[] noStatisticsColumns) {
        builder.withPageSize(PAGE_BYTES);
        builder.withDictionaryPageSize(DICTIONARY_PAGE_BYTES);
        builder.withDictionaryEncoding(true);
        builder.withSizeStatisticsEnabled(false);
        builder.withAllocator(new RecyclingAllocator());
        for (String column : plainColumns) {
            builder.withDictionaryEncoding(column, false);
        }
        for (String column : noStatisticsColumns) {
            builder.withStatisticsEnabled(column, false);
        }
    }

    /**
     * The layout's setters. parquet-java has two builders with these same setters and no type in common:
     * {@link ParquetWriter.Builder} (which keeps a {@link ParquetProperties.Builder} of its own and takes
     * none from outside) and {@link ParquetProperties.Builder} itself. Each returns its builder; the
     * result is not used.
     */
    private interface Layout {
        Object withPageSize(int bytes);

        Object withDictionaryPageSize(int bytes);

        Object withDictionaryEncoding(boolean enabled);

        Object withDictionaryEncoding(String column, boolean enabled);

        Object withStatisticsEnabled(String column, boolean enabled);

        Object withSizeStatisticsEnabled(boolean enabled);

        Object withAllocator(ByteBufferAllocator allocator);
    }

    /** {@link ParquetProperties.Builder} as a {@link Layout}. */
    private record PropertiesLayout(ParquetProperties.Builder to) implements Layout {
        @Override
        public Object withPageSize(int bytes) {
            return to.withPageSize(bytes);
        }

        @Override
        public Object withDictionaryPageSize(int bytes) {
            return to.withDictionaryPageSize(bytes);
        }

        @Override
        public Object withDictionaryEncoding(boolean enabled) {
            return to.withDictionaryEncoding(enabled);
        }

        @Override
        public Object withDictionaryEncoding(String column, boolean enabled) {
            return to.withDictionaryEncoding(column, enabled);
        }

        @Override
        public Object withStatisticsEnabled(String column, boolean enabled) {
            return to.withStatisticsEnabled(column, enabled);
        }

        @Override
        public Object withSizeStatisticsEnabled(boolean enabled) {
            return to.withSizeStatisticsEnabled(enabled);
        }

        @Override
        public Object withAllocator(ByteBufferAllocator allocator) {
            return to.withAllocator(allocator);
        }
    }

    /**
     * parquet-java's writer builder over {@code support}; package-private for the benchmarks' baseline
     * (parquet-java's defaults), which lives in this package in the benchmarks module.
     */
    static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> implements Layout {
        private final WriteSupport<T> support;

        Builder(OutputFile file, WriteSupport<T> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
            return support;
        }
    }
}
