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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Delivered events per second: one operation tracks {@value #EVENTS} realistic events, asks for a flush
 * and waits until the client reports all of them accepted by the local server, which answers 200 at
 * once ({@link Delivered}, {@link InstantCollector}). The score is in events/s
 * ({@code @OperationsPerInvocation}); with {@code -prof gc}, {@code gc.alloc.rate.norm} is the whole
 * JVM's allocation per delivered event — caller, sender, HTTP client and the local server alike.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(SdkDeliveryBenchmark.EVENTS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class SdkDeliveryBenchmark {
    static final int EVENTS = 10_000;

    @State(Scope.Benchmark)
    public static class SpoolClient {
        @Param({"100"})
        int batchSize;
        /** The client's {@code maxRequestsInFlight} (4 is its default). */
        @Param({"4"})
        int inFlight;

        InstantCollector collector;
        Delivered delivered = new Delivered();
        Spool spool;

        @Setup(Level.Trial)
        public void start() throws Exception {
            collector = new InstantCollector();
            spool = Spool.builder("key")
                    .endpoint(collector.endpoint())
                    .callFactory(NoDelayClient.create())
                    .listener(delivered)
                    .drainOnShutdown(Duration.ZERO)
                    .batchSize(batchSize)
                    .maxRequestsInFlight(inFlight)
                    .maxQueuedEvents(2 * EVENTS)
                    .build();
        }

        @TearDown(Level.Trial)
        public void stop() {
            spool.close(Duration.ofSeconds(5));
            System.out.println("\nspool: " + spool.stats() + ", " + collector.requests() + " requests, "
                    + collector.bodyBytes() + " body bytes");
            collector.close();
        }
    }

    @State(Scope.Benchmark)
    public static class SegmentClient {
        InstantCollector collector;
        Delivered delivered = new Delivered();
        Analytics analytics;

        @Setup(Level.Trial)
        public void start() throws Exception {
            collector = new InstantCollector();
            analytics = Analytics.builder("key")
                    .endpoint(collector.endpoint())
                    .client(NoDelayClient.create())
                    .callback(delivered)
                    .build();
        }

        @TearDown(Level.Trial)
        public void stop() {
            analytics.shutdown();
            System.out.println("\nsegment: delivered " + delivered.events() + " events in " + collector.requests()
                    + " requests, " + collector.bodyBytes() + " body bytes");
            collector.close();
        }
    }

    @Benchmark
    public void spoolDeliver(SpoolClient c) throws InterruptedException {
        long target = c.delivered.events() + EVENTS;
        for (int i = 0; i < EVENTS; i++) {
            c.spool.track(Track.builder(RealisticEvent.EVENT)
                    .userId(RealisticEvent.USER_ID)
                    .properties(RealisticEvent.PROPERTIES)
                    .context(RealisticEvent.CONTEXT)
                    .build());
        }
        c.spool.flush();
        if (!c.delivered.await(target, 60_000)) {
            throw new IllegalStateException("spool did not deliver " + EVENTS + " events in 60 s: " + c.spool.stats());
        }
    }

    @Benchmark
    public void segmentDeliver(SegmentClient c) throws InterruptedException {
        long target = c.delivered.events() + EVENTS;
        for (int i = 0; i < EVENTS; i++) {
            c.analytics.enqueue(TrackMessage.builder(RealisticEvent.EVENT)
                    .userId(RealisticEvent.USER_ID)
                    .properties(RealisticEvent.PROPERTIES)
                    .context(RealisticEvent.CONTEXT));
        }
        c.analytics.flush();
        if (!c.delivered.await(target, 60_000)) {
            throw new IllegalStateException("segment did not deliver " + EVENTS + " events in 60 s (got "
                    + (c.delivered.events() - target + EVENTS) + ")");
        }
    }
}
