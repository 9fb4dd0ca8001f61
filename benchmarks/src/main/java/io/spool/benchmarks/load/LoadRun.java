package io.spool.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * Runs a {@link LoadPlan}: {@link LoadPlan#threads()} sending threads, each an {@link EventLoop} over its
 * share of the connections, and the calling thread as the reporter, which prints a progress line every
 * second and returns the {@link LoadReport} at the end.
 *
 * <p>At a fixed rate each connection has its own schedule (rate / connections), and a request's latency
 * is measured from the time it was due, not from when it was sent: when the server stalls, the requests
 * that would have been sent meanwhile are late, and their lateness is in the figures (the correction for
 * coordinated omission, as wrk2 does). Flat out, each connection sends as soon as it is answered and the
 * latency is the service time.
 */
public final class LoadRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final LoadPlan plan;
    private final Requests.Template template;
    private final InetSocketAddress address;
    private final LoadStats stats = new LoadStats();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final long t0;
    private final long warmupEnd;
    private final long end;

    private LoadRun(LoadPlan plan) {
        this.plan = plan;
        this.template = new Requests.Template(plan, new SecureRandom().nextInt());
        int port = plan.endpoint().getPort() > 0 ? plan.endpoint().getPort() : 80;
        this.address = new InetSocketAddress(plan.endpoint().getHost(), port);
        this.t0 = System.nanoTime();
        this.warmupEnd = t0 + plan.warmup().toNanos();
        this.end = warmupEnd + plan.duration().toNanos();
    }

    /**
     * Sends the plan's load and blocks until it is done (warm-up + duration, plus the requests in flight
     * at the end). {@code progress} gets one line a second (give {@code System.err::println}, or
     * {@code line -> {}}).
     */
    public static LoadReport run(LoadPlan plan, Consumer<String> progress) {
        return new LoadRun(plan).execute(progress);
    }

    private LoadReport execute(Consumer<String> progress) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve the host of " + plan.endpoint());
        }
        int threads = Math.min(plan.threads(), plan.connections());
        List<EventLoop> loops = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            // connection i on thread i % threads: each thread's share is spread over the whole schedule
            int[] indexes = IntStream.range(0, plan.connections())
                    .filter(c -> c % threads == loops.size())
                    .toArray();
            EventLoop loop = new EventLoop(plan, template, address, stats, stop, t0, end, indexes);
            loops.add(loop);
            Thread t = new Thread(loop, "load-" + i);
            t.setDaemon(true);
            senders.add(t);
        }
        senders.forEach(Thread::start);

        com.sun.management.OperatingSystemMXBean os = processBean();
        List<LoadReport.Second> seconds = new ArrayList<>();
        Histogram total = new Histogram(3);
        Histogram interval = null;
        long requestsAtStart = plan.warmup().isZero() ? 0 : -1;
        long eventsAtStart = 0;
        long cpuAtStart = plan.warmup().isZero() && os != null ? os.getProcessCpuTime() : -1;
        long lastRequests = 0;
        long lastEvents = 0;
        long requestsAtEnd = 0;
        long eventsAtEnd = 0;
        long cpuAtEnd = -1;
        for (long tick = t0 + SECOND; ; tick += SECOND) {
            boolean last = tick >= end;
            long at = last ? end : tick;
            for (long wait; (wait = at - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            interval = stats.latency.getIntervalHistogram(interval);
            long requests = stats.requests.sum();
            long events = stats.acknowledgedEvents.sum();
            boolean warming = at <= warmupEnd && !plan.warmup().isZero();
            if (!warming) {
                total.add(interval);
            }
            double elapsed = (at - t0) / 1e9;
            LoadReport.Second second = new LoadReport.Second(
                    elapsed,
                    warming,
                    events - lastEvents,
                    requests - lastRequests,
                    interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(50) / 1000.0,
                    interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0,
                    stats.errors.sum());
            seconds.add(second);
            progress.accept(second.line());
            lastRequests = requests;
            lastEvents = events;
            if (requestsAtStart < 0 && at >= warmupEnd) {
                requestsAtStart = requests;
                eventsAtStart = events;
                cpuAtStart = os != null ? os.getProcessCpuTime() : -1;
            }
            if (last) {
                requestsAtEnd = requests;
                eventsAtEnd = events;
                cpuAtEnd = os != null ? os.getProcessCpuTime() : -1;
                break;
            }
        }
        stop.set(true);
        loops.forEach(EventLoop::wakeup);
        long joinDeadline = System.nanoTime() + plan.timeout().toNanos() + 5 * SECOND;
        for (Thread t : senders) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long stillSending = 0;
        long behind = 0;
        long senderCpuNanos = 0;
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            if (senders.get(i).isAlive()) {
                stillSending += plan.connections() / threads; // a loop that did not stop: count its share as waiting
            } else {
                stillSending += loop.stillSending;
                behind += loop.behind;
                senderCpuNanos += loop.cpuNanos;
            }
        }
        // the requests in flight at the end were sent within the measured time: their latency counts
        total.add(stats.latency.getIntervalHistogram());
        double measured = plan.duration().toNanos() / 1e9;
        double wall = (System.nanoTime() - t0) / 1e9;
        return new LoadReport.Builder()
                .plan(plan.toString())
                .bytesPerEvent(template.bytesPerEvent())
                .measuredSeconds(measured)
                .eventsPerSecond((eventsAtEnd - eventsAtStart) / measured)
                .requestsPerSecond((requestsAtEnd - requestsAtStart) / measured)
                .latency(total)
                .sendDelay(plan.fixedRate() ? stats.sendDelay.getIntervalHistogram() : null)
                .acknowledgedEvents(stats.acknowledgedEvents.sum())
                .requests(stats.requests.sum())
                .errors(stats.errors.sum(), stats.errorsByStatus(), stats.errorsByIoError(), stats.firstErrorBodies())
                .behind(behind)
                .stillSending(stillSending)
                .generatorThreadsCpuCores(senderCpuNanos / 1e9 / wall)
                .processCpuCores(cpuAtStart >= 0 && cpuAtEnd >= 0 ? (cpuAtEnd - cpuAtStart) / 1e9 / measured : -1)
                .seconds(seconds)
                .build();
    }

    private static com.sun.management.OperatingSystemMXBean processBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os
                : null;
    }
}
