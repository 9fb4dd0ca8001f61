package io.spool.benchmarks.collector;

import io.spool.collector.internal.HotPath;
import io.spool.journal.BatchEncoder;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collector's CPU work per request on one core, without HTTP or the journal append: UTF-8 check,
 * one streaming parse, validation, normalization and encoding of a 100-event batch (~390 B events).
 * The score is events per second per core. With a batch-level context, the merge path runs too.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar CollectorHotPathBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx1g",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true"
        })
public class CollectorHotPathBenchmark {
    private static final int EVENTS = 100;

    /** {@code none}: each event carries its context; {@code merged}: the batch has a context merged under each event's. */
    @Param({"none", "merged"})
    public String batchContext;

    private byte[] body;
    private HotPath hotPath;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] plain = LoadBodies.batch(EVENTS);
        if (batchContext.equals("merged")) {
            String s = new String(plain, java.nio.charset.StandardCharsets.UTF_8);
            s = s.replace(
                    "],\"sentAt\"",
                    "],\"context\":{\"app\":{\"name\":\"shop\",\"version\":\"4.2\"},\"os\":{\"name\":\"Linux\"}},\"sentAt\"");
            plain = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        body = plain;
        hotPath = new HotPath(32 * 1024);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parseAndEncode() {
        BatchEncoder encoded = hotPath.encodeBatch(body, 1_772_366_400_000L);
        return encoded.size();
    }
}
