package io.spool.benchmarks.e2e;

import io.spool.sdk.Spool;
import io.spool.sdk.Stats;
import io.spool.sdk.Track;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The "app" of the end-to-end benchmark: {@code --clients} {@link Spool} clients in one JVM, as an app
 * holds them, and {@code --threads} threads calling {@code track()} at a fixed total rate (spread evenly,
 * each thread on its own schedule) for {@code --duration}. Each event is a server-side track of ~390
 * bytes of JSON once the SDK adds its ids, timestamps and library (as the load generator's), built on the
 * calling thread as an app would build it. A progress line every 5 s on stderr; at the end the clients
 * are closed (delivering what they queued) and the summary goes to stdout and, as JSON, to {@code --json}:
 * tracked, sent (answered 2xx by the collector: acknowledged), dropped (the SDK's buffer was full: the
 * pipeline did not keep up), failed, the rate achieved and the app's CPU; the same after {@code --warmup}.
 * Exit status 0 when nothing failed and nothing was dropped after the warm-up.
 *
 * <p>Requests in flight per client: the SDK's own default unless {@code --in-flight} is given; set by
 * reflection, so this compiles and runs against an SDK with or without {@code maxRequestsInFlight}.
 */
@Command(
        name = "end-to-end-app",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Tracks events through the Spool SDK at a fixed rate, as an app would.")
public final class EndToEndApp implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "The collector, http://host:port.")
    String url;

    @Option(names = "--write-key", defaultValue = "e2e", description = "Default: ${DEFAULT-VALUE}.")
    String writeKey;

    @Option(
            names = {"-r", "--rate"},
            required = true,
            description = "Events per second, all threads together.")
    long rate;

    @Option(
            names = {"-d", "--duration"},
            defaultValue = "120",
            description = "Seconds of tracking. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(
            names = {"-w", "--warmup"},
            defaultValue = "0",
            description =
                    "Seconds at the start (within --duration) left out of the after-warm-up figures. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(
            names = "--clients",
            defaultValue = "2",
            description = "Spool clients (each its own buffer and senders). Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(
            names = "--threads",
            defaultValue = "4",
            description = "Threads calling track(), shared round-robin over the clients. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--in-flight",
            description = "Requests in flight per client (the SDK's maxRequestsInFlight, when it has one).")
    Integer inFlight;

    @Option(
            names = "--max-queued-events",
            defaultValue = "100000",
            description = "Each client's buffer, in events. Default: ${DEFAULT-VALUE}.")
    int maxQueuedEvents;

    @Option(names = "--json", description = "Write the summary as JSON here.")
    Path json;

    /** The shortest pause between bursts of track calls on one thread. */
    private static final long PACING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final String[] EVENTS = {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"};
    private static final String[] CATEGORIES = {"Shoes", "Accessories", "Outdoor", "Kids"};

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndToEndApp()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Spool> spools = new ArrayList<>();
        String inFlightNote = "SDK default";
        for (int i = 0; i < clients; i++) {
            Spool.Builder b = Spool.builder(writeKey)
                    .endpoint(url)
                    .maxQueuedEvents(maxQueuedEvents)
                    .maxQueuedBytes((long) maxQueuedEvents * 1024)
                    .closeTimeout(Duration.ofSeconds(60))
                    .drainOnShutdown(Duration.ZERO);
            if (inFlight != null) {
                try {
                    Spool.Builder.class
                            .getMethod("maxRequestsInFlight", int.class)
                            .invoke(b, inFlight);
                    inFlightNote = String.valueOf(inFlight);
                } catch (NoSuchMethodException e) {
                    inFlightNote = "1 (this SDK has no maxRequestsInFlight)";
                }
            } else if (!hasInFlight()) {
                inFlightNote = "1 (this SDK has no maxRequestsInFlight)";
            }
            spools.add(b.build());
        }
        LongAdder tracked = new LongAdder();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(durationSeconds);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Spool spool = spools.get(t % clients);
            int seed = t;
            long perThread = rate / threads + (t < rate % threads ? 1 : 0);
            Thread w = new Thread(() -> track(spool, perThread, start, end, seed, tracked), "app-" + t);
            w.start();
            workers.add(w);
        }
        long cpuStart = processCpuNanos();
        long lastSent = 0;
        long lastTracked = 0;
        long last = start;
        long warmupEnd = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        Stats atWarmup = warmupSeconds == 0 ? sum(spools) : null;
        long trackedAtWarmup = 0;
        long warmupAt = start;
        while (System.nanoTime() < end) {
            long untilNext = Math.min(TimeUnit.SECONDS.toNanos(5), Math.max(1, end - System.nanoTime()));
            if (atWarmup == null) {
                untilNext = Math.min(untilNext, Math.max(1, warmupEnd - System.nanoTime()));
            }
            LockSupport.parkNanos(untilNext);
            long now = System.nanoTime();
            Stats s = sum(spools);
            long tr = tracked.sum();
            if (atWarmup == null && now >= warmupEnd) {
                atWarmup = s;
                trackedAtWarmup = tr;
                warmupAt = now;
            }
            double dt = (now - last) / 1e9;
            System.err.printf(
                    Locale.ROOT,
                    "[%5.1f s] tracked %,.0f/s, sent %,.0f/s, queued %,d, dropped %,d, failed %,d, retried %,d%n",
                    (now - start) / 1e9,
                    (tr - lastTracked) / dt,
                    (s.sent() - lastSent) / dt,
                    s.queued(),
                    s.dropped(),
                    s.failed(),
                    s.retried());
            lastSent = s.sent();
            lastTracked = tr;
            last = now;
        }
        for (Thread w : workers) {
            w.join();
        }
        double trackSeconds = (System.nanoTime() - start) / 1e9;
        long cpuTracking = processCpuNanos() - cpuStart;
        for (Spool s : spools) {
            s.close(); // delivers what is queued, within closeTimeout
        }
        Stats s = sum(spools);
        long tr = tracked.sum();
        if (atWarmup == null) {
            atWarmup = new Stats(0, 0, 0, 0, 0, 0, 0);
        }
        double measured = Math.max(1e-9, trackSeconds - (warmupAt - start) / 1e9);
        String summary = String.format(
                Locale.ROOT,
                """
                {
                  "rate_asked": %d,
                  "clients": %d,
                  "threads": %d,
                  "in_flight": "%s",
                  "seconds": %.1f,
                  "tracked": %d,
                  "tracked_per_second": %.0f,
                  "sent": %d,
                  "dropped": %d,
                  "failed": %d,
                  "invalid": %d,
                  "retried": %d,
                  "bytes_sent": %d,
                  "app_cpu_cores": %.2f,
                  "warmup_seconds": %d,
                  "tracked_per_second_after_warmup": %.0f,
                  "dropped_after_warmup": %d,
                  "failed_after_warmup": %d
                }
                """,
                rate,
                clients,
                threads,
                inFlightNote,
                trackSeconds,
                tr,
                tr / trackSeconds,
                s.sent(),
                s.dropped(),
                s.failed(),
                s.invalid(),
                s.retried(),
                s.bytesSent(),
                cpuTracking / 1e9 / trackSeconds,
                warmupSeconds,
                (tr - trackedAtWarmup) / measured,
                s.dropped() - atWarmup.dropped(),
                s.failed() - atWarmup.failed());
        System.out.print(summary);
        if (json != null) {
            Files.writeString(json, summary, StandardCharsets.UTF_8);
        }
        return s.failed() == 0 && s.dropped() == atWarmup.dropped() ? 0 : 1; // what the warm-up dropped does not count
    }

    private static boolean hasInFlight() {
        try {
            Spool.Builder.class.getMethod("maxRequestsInFlight", int.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** One thread's share: an event every {@code 1/rate} s on its own schedule, catching up when late. */
    private static void track(Spool spool, long perSecond, long start, long end, int seed, LongAdder tracked) {
        if (perSecond <= 0) {
            return;
        }
        Random random = new Random(seed);
        // the app's values: a few hundred products and users, as a shop's server would see
        List<Map<String, Object>> products = new ArrayList<>();
        for (int p = 0; p < 256; p++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("product_id", "prod_" + p);
            m.put("sku", "SKU-" + p);
            m.put("price", 10 + p % 90 + 0.95);
            m.put("currency", "USD");
            m.put("category", CATEGORIES[p % CATEGORIES.length]);
            products.add(m);
        }
        String[] users = new String[1024];
        for (int u = 0; u < users.length; u++) {
            users[u] = "user_" + Integer.toHexString(random.nextInt());
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("ip", "203.0.113." + seed);
        context.put("locale", "en-US");
        double interval = 1e9 / perSecond;
        long n = 0;
        long done = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - start) / interval) + 1;
            for (; n < due; n++) {
                int i = (int) n;
                spool.track(Track.builder(EVENTS[i & 3])
                        .userId(users[random.nextInt(users.length)])
                        .properties(products.get(random.nextInt(products.size())))
                        .context(context)
                        .build());
                done++;
            }
            if (done >= 256) {
                tracked.add(done);
                done = 0;
            }
            // Park until the next event is due, and at least PACING_NANOS: the events due meanwhile go in
            // one burst. Spinning instead while the next is under 50 µs away (each thread's interval at
            // ~80k events/s and more) kept all four threads on the CPU, and the app took ~1 core of the
            // two from the collector and the writer it was measuring (BENCHMARKS.md, end to end).
            long next = start + (long) (n * interval);
            long wait = next - System.nanoTime();
            LockSupport.parkNanos(Math.max(wait, PACING_NANOS));
        }
        tracked.add(done);
    }

    private static Stats sum(List<Spool> spools) {
        long queued = 0, sent = 0, retried = 0, dropped = 0, failed = 0, invalid = 0, bytes = 0;
        for (Spool s : spools) {
            Stats x = s.stats();
            queued += x.queued();
            sent += x.sent();
            retried += x.retried();
            dropped += x.dropped();
            failed += x.failed();
            invalid += x.invalid();
            bytes += x.bytesSent();
        }
        return new Stats(queued, sent, retried, dropped, failed, invalid, bytes);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
