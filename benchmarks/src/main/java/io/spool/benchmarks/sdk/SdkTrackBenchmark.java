package io.spool.benchmarks.sdk;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The caller's cost of tracking one realistic event: Spool's {@code track} against Segment's
 * {@code analytics-java} 3.5.4 {@code enqueue}, each with its sender delivering to a local server that
 * answers 200 at once (TCP_NODELAY clients, see {@link NoDelayClient}).
 *
 * <p>One invocation tracks {@value #EVENTS} events (the score is per event). Before each invocation,
 * outside the timing, the previous events are flushed and the server has counted every one of them: so
 * the calls are measured while the buffer has room — the case an app is in — and the sender works beside
 * them, as in an app. Nothing is dropped or refused. With {@code -prof gc}, {@code gc.alloc.rate.norm} is
 * the whole JVM's allocation per event over the iteration: caller, sender, HTTP client and the local
 * server alike (the server only reads each body and answers; delivery is counted by each client's own
 * success callback, {@link Delivered}).
 *
 * <p>The machine is shared, so wall time per call swings with whatever else runs. Each iteration also
 * prints the calling thread's own CPU time per event ({@code caller CPU ns/event}), which does not count
 * the time the thread waited for a core.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SdkTrackBenchmark.EVENTS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SdkTrackBenchmark {
    static final int EVENTS = 5_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The benchmark thread's CPU time in the measured calls, per iteration. */
    @State(Scope.Thread)
    public static class CallerCpu {
        long nanos;
        long events;

        @Setup(Level.Iteration)
        public void reset() {
            nanos = 0;
            events = 0;
        }

        @TearDown(Level.Iteration)
        public void report() {
            System.out.printf("%ncaller CPU ns/event: %.0f%n", nanos / (double) Math.max(1, events));
        }
    }

    @State(Scope.Benchmark)
    public static class SpoolClient {
        InstantCollector collector;
        Delivered delivered = new Delivered();
        Spool spool;
        long tracked;

        @Setup(Level.Trial)
        public void start() throws Exception {
            collector = new InstantCollector();
            spool = Spool.builder("key")
                    .endpoint(collector.endpoint())
                    .callFactory(NoDelayClient.create())
                    .listener(delivered)
                    .drainOnShutdown(Duration.ZERO)
                    .build();
        }

        @Setup(Level.Invocation)
        public void drain() throws InterruptedException {
            spool.flush();
            if (!delivered.await(tracked, 60_000)) {
                throw new IllegalStateException("spool did not deliver: " + spool.stats());
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            spool.close(Duration.ofSeconds(5));
            System.out.println("\nspool: " + spool.stats() + ", delivered " + delivered.events() + " events in "
                    + collector.requests() + " requests, " + collector.bodyBytes() + " body bytes");
            collector.close();
        }
    }

    @State(Scope.Benchmark)
    public static class SegmentClient {
        InstantCollector collector;
        Delivered delivered = new Delivered();
        Analytics analytics;
        long enqueued;

        @Setup(Level.Trial)
        public void start() throws Exception {
            collector = new InstantCollector();
            analytics = Analytics.builder("key")
                    .endpoint(collector.endpoint())
                    .client(NoDelayClient.create())
                    .callback(delivered)
                    .build();
        }

        @Setup(Level.Invocation)
        public void drain() throws InterruptedException {
            analytics.flush();
            if (!delivered.await(enqueued, 60_000)) {
                throw new IllegalStateException("segment did not deliver " + enqueued + " events");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            analytics.flush();
            analytics.shutdown();
            System.out.println("\nsegment: enqueued " + enqueued + ", delivered " + delivered.events() + " events in "
                    + collector.requests() + " requests, " + collector.bodyBytes() + " body bytes");
            collector.close();
        }
    }

    @Benchmark
    public void spoolTrack(SpoolClient c, CallerCpu cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < EVENTS; i++) {
            c.spool.track(Track.builder(RealisticEvent.EVENT)
                    .userId(RealisticEvent.USER_ID)
                    .properties(RealisticEvent.PROPERTIES)
                    .context(RealisticEvent.CONTEXT)
                    .build());
        }
        cpu.nanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.events += EVENTS;
        c.tracked += EVENTS;
    }

    @Benchmark
    public void segmentTrack(SegmentClient c, CallerCpu cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < EVENTS; i++) {
            c.analytics.enqueue(TrackMessage.builder(RealisticEvent.EVENT)
                    .userId(RealisticEvent.USER_ID)
                    .properties(RealisticEvent.PROPERTIES)
                    .context(RealisticEvent.CONTEXT));
        }
        cpu.nanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.events += EVENTS;
        c.enqueued += EVENTS;
    }

    /**
     * Segment's other entry point: {@code offer} skips what {@code enqueue} does on the caller's thread in
     * 3.5.4 — serializing the message with a new {@code Gson} (twice) to keep a byte count — and with it the
     * flush that count triggers at 500 KB. Its best case, for reference.
     */
    @Benchmark
    public void segmentOffer(SegmentClient c, CallerCpu cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < EVENTS; i++) {
            if (!c.analytics.offer(TrackMessage.builder(RealisticEvent.EVENT)
                    .userId(RealisticEvent.USER_ID)
                    .properties(RealisticEvent.PROPERTIES)
                    .context(RealisticEvent.CONTEXT))) {
                throw new IllegalStateException("Segment's unbounded queue refused an event");
            }
        }
        cpu.nanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.events += EVENTS;
        c.enqueued += EVENTS;
    }
}
