package io.spool.writer.internal;

import java.io.IOException;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * The baseline of {@code ParquetWriteBenchmark}: parquet-java's defaults with only what running without
 * Hadoop needs. Benchmark code, so it lives in the benchmarks module; in the writer's package, so it
 * reaches {@link ParquetSettings.Builder} and {@link ParquetCodecs} without making them public.
 */
public final class ParquetDefaults {
    private ParquetDefaults() {}

    public static <T> ParquetWriter<T> open(OutputFile file, WriteSupport<T> support, CompressionCodecName codec)
            throws IOException {
        return new ParquetSettings.Builder<>(file, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }
}
