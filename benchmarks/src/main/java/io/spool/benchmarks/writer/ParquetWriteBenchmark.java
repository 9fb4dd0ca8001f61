package io.spool.benchmarks.writer;

import io.spool.journal.BatchEncoder;
import io.spool.journal.RecordView;
import io.spool.writer.internal.EventWriteSupport;
import io.spool.writer.internal.ParquetDefaults;
import io.spool.writer.internal.ParquetSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The storage writer's hot path, warm: realistic journal records written through
 * {@link EventWriteSupport} into a zstd Parquet file, one file of {@value #ROWS} rows per operation.
 * {@code layout}: {@code spool} is the writer's settings (dictionaries only where they pay, no
 * statistics on ids and JSON, recycled page buffers); {@code defaults} is parquet-java out of the box
 * (dictionary and statistics on every column) with the same schema and codec, to show what the
 * settings are worth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 5)
public class ParquetWriteBenchmark {
    static final int ROWS = 100_000;

    @Param({"spool", "defaults"})
    public String layout;

    private byte[] records;
    private int recordsLength;
    private Path file;
    private final RecordView view = new RecordView();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        RealisticEvents events = new RealisticEvents(7);
        BatchEncoder encoder = new BatchEncoder(ROWS * 700);
        long receivedAt = 1_777_777_777_000L;
        for (int i = 0; i < ROWS; i++) {
            encoder.add(events.next(i, receivedAt += 7));
        }
        records = encoder.toByteArray();
        recordsLength = records.length;
        file = Files.createTempFile("spool-bench", ".parquet");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long writeFile() throws IOException {
        ParquetWriter<RecordView> writer = layout.equals("spool")
                ? ParquetSettings.open(
                        new LocalOutputFile(file),
                        new EventWriteSupport(),
                        CompressionCodecName.ZSTD,
                        EventWriteSupport.HIGH_CARDINALITY_COLUMNS,
                        EventWriteSupport.NO_STATISTICS_COLUMNS)
                : ParquetDefaults.open(new LocalOutputFile(file), new EventWriteSupport(), CompressionCodecName.ZSTD);
        // the records are framed as in a journal excerpt: int32 length, record
        int pos = 0;
        while (pos < recordsLength) {
            int len = (records[pos] & 0xff)
                    | (records[pos + 1] & 0xff) << 8
                    | (records[pos + 2] & 0xff) << 16
                    | (records[pos + 3] & 0xff) << 24;
            writer.write(view.wrap(records, pos + 4, len));
            pos += 4 + len;
        }
        writer.close();
        return Files.size(file);
    }
}
