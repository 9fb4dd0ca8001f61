package io.spool.writer.internal;

import java.io.IOException;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * How the writer's Parquet files are laid out. Row groups of 128 MB (what Spark and Trino split on),
 * 1 MB pages, no dictionary on the columns that are unique per row (parquet-java would build one per
 * column chunk only to drop it), no min/max statistics where no query prunes, no size statistics, and
 * page buffers recycled instead of allocated anew for every page. {@code ParquetWriteBenchmark} and
 * BENCHMARKS.md (storage writer) holds the measurements behind each choice.
 */
public final class ParquetSettings {
    static final int ROW_GROUP_BYTES = 128 * 1024 * 1024;
    static final int PAGE_BYTES = 1024 * 1024;

    private ParquetSettings() {
    }

    /** A writer of {@code support}'s rows into {@code file}; {@code plainColumns} get no dictionary. */
    public static <T> ParquetWriter<T> open(OutputFile file, WriteSupport<T> support, CompressionCodecName codec,
            String[] plainColumns, String[] noStatisticsColumns) throws IOException {
        Builder<T> builder = new Builder<>(file, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize((long) ROW_GROUP_BYTES)
                .withPageSize(PAGE_BYTES)
                .withDictionaryPageSize(PAGE_BYTES)
                .withDictionaryEncoding(true)
                .withValidation(false)
                .withSizeStatisticsEnabled(false)
                .withAllocator(new RecyclingAllocator());
        for (String column : plainColumns) {
            builder.withDictionaryEncoding(column, false);
        }
        for (String column : noStatisticsColumns) {
            builder.withStatisticsEnabled(column, false);
        }
        return builder.build();
    }

    /**
     * The same layout as {@link #open} for a writer that drives the column writers itself
     * ({@link EventFileWriter}).
     */
    static ParquetProperties properties(String[] plainColumns, String[] noStatisticsColumns) {
        ParquetProperties.Builder builder = ParquetProperties.builder()
                .withPageSize(PAGE_BYTES)
                .withDictionaryPageSize(PAGE_BYTES)
                .withDictionaryEncoding(true)
                .withSizeStatisticsEnabled(false)
                .withAllocator(new RecyclingAllocator());
        for (String column : plainColumns) {
            builder.withDictionaryEncoding(column, false);
        }
        for (String column : noStatisticsColumns) {
            builder.withStatisticsEnabled(column, false);
        }
        return builder.build();
    }

    /** parquet-java's defaults with only what running without Hadoop needs; the baseline in benchmarks. */
    public static <T> ParquetWriter<T> openWithDefaults(OutputFile file, WriteSupport<T> support,
            CompressionCodecName codec) throws IOException {
        return new Builder<>(file, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
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
