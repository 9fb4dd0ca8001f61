package io.spool.benchmarks.sdk;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The caller's cost of tracking one realistic event: Spool's {@code track} against Segment's
 * {@code analytics-java} 3.5.4, each with its own sender delivering to a local server that answers 200 at
 * once. Run with {@code -prof gc} for bytes allocated per call ({@code gc.alloc.rate.norm}, whole JVM).
 *
 * <p>The caller outruns either sender, so each client's buffer fills and later calls are refused
 * (Spool: drop and count; Segment: {@code offer} returns false with its queue capped at the same 10,000
 * events, where its default unbounded queue would fill the heap). The tear-down prints how many calls
 * each client accepted.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SdkTrackBenchmark {

  @State(Scope.Benchmark)
  public static class SpoolClient {
    InstantCollector collector;
    Spool spool;

    @Setup(Level.Trial)
    public void start() throws Exception {
      collector = new InstantCollector();
      spool = Spool.builder("key").endpoint(collector.endpoint()).callFactory(NoDelayClient.create()).drainOnShutdown(Duration.ZERO).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
      spool.close(Duration.ofSeconds(5));
      System.out.println("\nspool: " + spool.stats() + ", collector got " + collector.events() + " events");
      collector.close();
    }
  }

  @State(Scope.Benchmark)
  public static class SegmentClient {
    InstantCollector collector;
    Analytics analytics;
    long refused;

    @Setup(Level.Trial)
    public void start() throws Exception {
      collector = new InstantCollector();
      analytics = Analytics.builder("key").endpoint(collector.endpoint()).client(NoDelayClient.create()).queueCapacity(10_000).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
      analytics.flush();
      analytics.shutdown();
      System.out.println("\nsegment: refused " + refused + ", collector got " + collector.events() + " events");
      collector.close();
    }
  }

  @Benchmark
  public void spoolTrack(SpoolClient c) {
    c.spool.track(Track.builder(RealisticEvent.EVENT)
        .userId(RealisticEvent.USER_ID)
        .properties(RealisticEvent.PROPERTIES)
        .context(RealisticEvent.CONTEXT)
        .build());
  }

  @Benchmark
  public boolean segmentTrack(SegmentClient c) {
    boolean accepted = c.analytics.offer(TrackMessage.builder(RealisticEvent.EVENT)
        .userId(RealisticEvent.USER_ID)
        .properties(RealisticEvent.PROPERTIES)
        .context(RealisticEvent.CONTEXT));
    if (!accepted) {
      c.refused++;
    }
    return accepted;
  }
}
