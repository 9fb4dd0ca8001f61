package io.spool.benchmarks.writer;

import io.spool.writer.internal.DedupIndex;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The deduplication window's cost per event: {@link DedupIndex} (128-bit hash of the id's bytes in one
 * {@code long[]}, no object per id) against the obvious {@code HashMap<String, Long>} (a String and a
 * map entry per id). Each operation checks {@value #IDS} fresh message ids (5 % of them repeats) into a
 * new index, so table growth is included, as in a drain.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 5)
public class DedupIndexBenchmark {
    static final int IDS = 200_000;

    private byte[][] ids;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        ids = new byte[IDS][];
        for (int i = 0; i < IDS; i++) {
            // one in twenty is a client retry of an id seen shortly before
            ids[i] = i > 100 && random.nextInt(20) == 0
                    ? ids[i - 1 - random.nextInt(100)]
                    : new UUID(random.nextLong(), random.nextLong()).toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    @OperationsPerInvocation(IDS)
    public int dedupIndex() {
        DedupIndex index = new DedupIndex(TimeUnit.HOURS.toMillis(24));
        int written = 0;
        for (int i = 0; i < IDS; i++) {
            if (index.firstSeen(ids[i], 0, ids[i].length, 1_000_000L + i)) {
                written++;
            }
        }
        return written;
    }

    @Benchmark
    @OperationsPerInvocation(IDS)
    public int hashMapOfStrings() {
        Map<String, Long> seen = new HashMap<>();
        long horizon = 1_000_000L - TimeUnit.HOURS.toMillis(24);
        int written = 0;
        for (int i = 0; i < IDS; i++) {
            String id = new String(ids[i], StandardCharsets.UTF_8);
            Long previous = seen.putIfAbsent(id, 1_000_000L + i);
            if (previous == null || previous < horizon) {
                written++;
            }
        }
        return written;
    }
}
