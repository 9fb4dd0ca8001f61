package io.spool.sdk;

import io.spool.sdk.internal.BatchBody;
import io.spool.sdk.internal.Counters;
import io.spool.sdk.internal.DeliveryLog;
import io.spool.sdk.internal.EventBuffer;
import io.spool.sdk.internal.EventEncoder;
import io.spool.sdk.internal.NoDelaySocketFactory;
import io.spool.sdk.internal.RetryPolicy;
import io.spool.sdk.internal.RetryTimer;
import io.spool.sdk.internal.Sender;
import io.spool.sdk.internal.Senders;
import io.spool.sdk.internal.Snapshot;
import io.spool.sdk.internal.Version;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * The Spool client: build one per app (per write key) and share it; it is thread safe.
 *
 * <pre>{@code
 * Spool spool = Spool.builder("WRITE_KEY").endpoint("http://localhost:8088").build();
 * spool.track(Track.builder("Order Completed").userId("u1").property("total", 99.5).build());
 * ...
 * spool.close(); // delivers what is queued, within closeTimeout
 * }</pre>
 *
 * <p><b>Blocking.</b> {@code track()} and the other event calls check the event and copy it (its maps, not
 * their immutable values) on the calling thread into a bounded buffer; a sender thread serializes it.
 * They never wait for the network. When the buffer is full the event is
 * dropped, counted in {@link Stats#dropped()} and handed to {@link DeliveryListener#onDropped}.
 *
 * <p><b>Delivery.</b> Daemon threads ({@code spool-sender-N}, one per request in flight, see
 * {@link Builder#maxRequestsInFlight}) send batches and retry I/O errors, 5xx, 408 and 429. Delivery is
 * at least once: a batch whose response was lost is sent again, so the collector may see an event twice
 * — with the same {@code messageId}, which the pipeline uses to remove the duplicate. With more than one
 * request in flight, batches may arrive in another order than they were tracked in (events carry their
 * own {@code timestamp}).
 *
 * <p><b>Logging.</b> Through SLF4J, logger {@code io.spool.sdk.Spool}: a warning at the first failed attempt
 * of an outage (an error when the collector refuses the write key), then at most one line per 30 s with
 * counts while it lasts, and one line when delivery works again. Without an SLF4J binding,
 * {@link Builder#build()} says so once on {@code System.err}.
 *
 * <p><b>Exit.</b> The sender is a daemon thread, so an app that forgets {@link #close()} still exits; by
 * default a JVM shutdown hook then delivers what is queued (see {@link Builder#drainOnShutdown}).
 */
public final class Spool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Whether the "no SLF4J binding" line was printed: once per JVM, not once per client. */
    private static final AtomicBoolean NO_BINDING_SAID = new AtomicBoolean();

    private final int maxEventBytes;
    private final EventBuffer buffer;
    private final Counters counters = new Counters();
    private final DeliveryListener listener;
    private final InvalidEventPolicy invalidEventPolicy;
    private final Senders senders;
    private final DeliveryLog deliveryLog;
    /** Counts down when the first close() has its answer, which a second close() then returns too. */
    private final CountDownLatch closeDone = new CountDownLatch(1);

    private volatile boolean closeResult;
    private final OkHttpClient ownClient;
    private final Duration closeTimeout;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** When the last "buffer full" line was logged: one line per 10 s at most while dropping. */
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);

    private Spool(Builder b) {
        this.listener = b.listener;
        this.invalidEventPolicy = b.invalidEventPolicy;
        this.closeTimeout = b.closeTimeout;
        this.maxEventBytes = b.maxEventBytes;
        // one seed per sender's encoder: message ids must differ across processes, not only across threads
        SecureRandom seeds = new SecureRandom();
        int batchEventBytes = b.maxBatchBytes - BatchBody.OVERHEAD - b.batchSize; // room for the commas
        this.buffer = new EventBuffer(
                b.maxQueuedEvents,
                b.maxQueuedBytes,
                b.batchSize,
                Math.max(batchEventBytes, b.maxEventBytes),
                b.linger.toNanos(),
                b.maxRequestsInFlight);
        Call.Factory calls = b.callFactory;
        if (calls == null) {
            ownClient = new OkHttpClient.Builder()
                    .socketFactory(new NoDelaySocketFactory())
                    .connectTimeout(Duration.ofSeconds(10))
                    // no per-read/write timeouts: each would put every socket read and write through okio's
                    // watchdog queue (~0.24 µs an event). Each call has one deadline instead, scaled for its
                    // body (Sender.callTimeoutNanos), so a slow upload that keeps moving is not cut off
                    .writeTimeout(Duration.ZERO)
                    .readTimeout(Duration.ZERO)
                    // one connection per request in flight stays open between batches (OkHttp keeps 5 by default)
                    .connectionPool(new ConnectionPool(Math.max(5, b.maxRequestsInFlight), 5, TimeUnit.MINUTES))
                    .build();
            calls = ownClient;
        } else {
            ownClient = null;
        }
        String authorization =
                "Basic " + Base64.getEncoder().encodeToString((b.writeKey + ":").getBytes(StandardCharsets.UTF_8));
        RetryPolicy retry = new RetryPolicy(b.retryBackoffBase, b.retryBackoffMax, b.jitter);
        RetryTimer timer = b.retryTimer != null
                ? b.retryTimer
                : new RetryTimer() {
                    @Override
                    public long nanoTime() {
                        return System.nanoTime();
                    }

                    @Override
                    public void pauseUntil(long untilNanos) throws InterruptedException {
                        buffer.pauseUntil(untilNanos);
                    }
                };
        Call.Factory callFactory = calls;
        this.deliveryLog = new DeliveryLog(
                log, b.batchUrl.toString(), b.writeKey, b.logInterval.toNanos(), System::nanoTime, buffer::queued);
        this.senders = new Senders(
                b.maxRequestsInFlight,
                i -> new Sender(
                        buffer,
                        i,
                        new BatchBody(b.maxBatchBytes, b.gzip),
                        new EventEncoder(b.maxEventBytes, Version.VERSION, seeds.nextLong()),
                        b.batchSize,
                        callFactory,
                        b.batchUrl,
                        authorization,
                        retry,
                        timer,
                        b.deliveryTimeout.toNanos(),
                        ownClient != null,
                        counters,
                        listener,
                        deliveryLog));
        senders.start();
        if (b.drainOnShutdown.isZero()) {
            shutdownHook = null;
        } else {
            Duration drain = b.drainOnShutdown;
            shutdownHook = new Thread(() -> close(drain), "spool-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Starts a client for {@code writeKey}: the key the collector knows this app's events by. */
    public static Builder builder(String writeKey) {
        return new Builder(writeKey);
    }

    /** Queues a track event. Never blocks on I/O; see the class comment for what happens when full. */
    public void track(Track track) {
        enqueue(track);
    }

    public void identify(Identify identify) {
        enqueue(identify);
    }

    public void page(Page page) {
        enqueue(page);
    }

    public void screen(Screen screen) {
        enqueue(screen);
    }

    public void group(Group group) {
        enqueue(group);
    }

    public void alias(Alias alias) {
        enqueue(alias);
    }

    /**
     * Queues any event: checked and copied now, on this thread (a later change to its maps is not sent);
     * serialized by a sender thread.
     *
     * @throws InvalidEventException under {@link InvalidEventPolicy#THROW}, when the event lacks its ids
     *     or required fields, holds a value that is not JSON-able, or is over the per-event size limit by
     *     the length of its text (one that only its encoding takes over the limit goes to
     *     {@link DeliveryListener#onFailed} with {@link DeliveryFailure.Reason#TOO_LARGE})
     */
    public void enqueue(Event event) {
        Objects.requireNonNull(event, "event");
        String missing = event.missingField();
        if (missing != null) {
            refuse(event, new InvalidEventException(missing));
            return;
        }
        Snapshot snapshot;
        try {
            snapshot = Snapshot.of(event, System.currentTimeMillis(), maxEventBytes);
        } catch (InvalidEventException e) {
            refuse(event, e);
            return;
        }
        EventBuffer.Offer offer = buffer.offer(snapshot, System.nanoTime());
        if (offer != EventBuffer.Offer.ACCEPTED) {
            drop(event, offer == EventBuffer.Offer.FULL ? DropReason.BUFFER_FULL : DropReason.CLOSED);
        }
    }

    private void refuse(Event event, InvalidEventException e) {
        counters.invalid.increment();
        if (invalidEventPolicy == InvalidEventPolicy.THROW) {
            throw e;
        }
        try {
            listener.onInvalid(event, e);
        } catch (RuntimeException listenerError) {
            log.warn("spool: DeliveryListener.onInvalid threw {}", listenerError.toString());
        }
    }

    private void drop(Event event, DropReason reason) {
        counters.dropped.increment();
        if (reason == DropReason.BUFFER_FULL) {
            long now = System.nanoTime();
            long last = lastDropLog.get();
            if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
                log.warn(
                        "spool: buffer full ({} events queued): dropping new events until the sender catches up;"
                                + " {} dropped so far",
                        buffer.queued(),
                        counters.dropped.sum());
            }
        }
        try {
            listener.onDropped(event, reason);
        } catch (RuntimeException listenerError) {
            log.warn("spool: DeliveryListener.onDropped threw {}", listenerError.toString());
        }
    }

    /**
     * Asks the sender to send everything queued now rather than after the linger time, and returns at
     * once. Safe from any thread, listeners included.
     */
    public void flush() {
        buffer.requestFlush();
    }

    /**
     * Sends everything queued now and waits until each of those events is delivered or given up on, or
     * the timeout passes.
     *
     * <p>Returns true only when every event of its scope was delivered in time. Its scope is the events
     * tracked since the previous {@code flush(Duration)} or {@code close()} call began (since
     * {@link Builder#build()} for the first one) and before this call: an earlier call already answered for
     * the ones before. It returns false when any of them was refused by the collector (a 4xx such as 401,
     * 400 or 413, or an event its answer lists as rejected), given up on after {@link
     * Builder#deliveryTimeout} or at close, or dropped because the buffer was full — even when that happened
     * before this call — or when they did not all settle within {@code timeout}. Invalid events, refused at
     * the call, are not in any scope. Which events failed, and why, is in the listener and {@link #stats()}.
     *
     * <p>Called from a listener (a sender thread), it cannot wait for itself: it asks for the flush and
     * returns false, leaving the scope to the next call.
     */
    public boolean flush(Duration timeout) {
        if (senders.isSenderThread()) {
            buffer.requestFlush();
            return false;
        }
        EventBuffer.Scope scope = buffer.openScope();
        try {
            return buffer.awaitScope(scope, timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Stats stats() {
        return new Stats(
                buffer.queued(),
                counters.sent.get(),
                counters.retried.get(),
                counters.dropped.sum(),
                counters.failed.get(),
                counters.invalid.sum(),
                counters.bytesSent.get());
    }

    /** Closes within the builder's {@link Builder#closeTimeout}; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops accepting events (later ones are dropped with {@link DropReason#CLOSED}), sends what is queued,
     * retrying as usual until {@code timeout}, then gives up on the rest — reported to
     * {@link DeliveryListener#onFailed} with reason {@link DeliveryFailure.Reason#CLOSED} and their
     * message ids — and releases the HTTP client if the Spool made it.
     *
     * <p>Returns true only when every event of its scope was delivered: the events tracked since the last
     * {@link #flush(Duration)} call began (since {@link Builder#build()} when there was none), which answered
     * for the ones before. It returns false when any of them was refused by the collector (401, 400, 413,
     * …), given up on (after {@link Builder#deliveryTimeout}, or at this deadline), or dropped because the
     * buffer was full, whether that happened before or during close. A later call (say, an app's shutdown
     * hook racing the client's own) waits, up to its timeout, for the first one to finish and returns the
     * same answer.
     */
    public boolean close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return awaitEarlierClose(timeout);
        }
        boolean result = false;
        try {
            result = closeOnce(timeout);
            return result;
        } finally {
            closeResult = result;
            closeDone.countDown();
        }
    }

    private boolean closeOnce(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        EventBuffer.Scope scope = buffer.close(deadline);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting and the hook runs (or ran) close() itself
            }
        }
        if (senders.isSenderThread()) {
            buffer.endScope(scope);
            return false; // close() from a listener: the senders drain and stop once the listener returns
        }
        boolean stopped = false;
        try {
            stopped = senders.awaitDone(Math.max(0, deadline - System.nanoTime()));
            if (!stopped) {
                senders.cancelInFlight(); // the deadline passed inside requests: end them and give their batches up
                stopped = senders.awaitDone(TimeUnit.SECONDS.toNanos(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownClient != null) {
            ownClient.dispatcher().executorService().shutdown();
            ownClient.connectionPool().evictAll();
        }
        buffer.endScope(scope); // once the senders stopped, every failure of the scope is in it
        long queued = buffer.queued();
        if (scope.failed() > 0 || scope.dropped() > 0 || queued > 0 || !stopped) {
            String lastError = deliveryLog.lastErrorIfFailing();
            // one line for the whole close, however many batches it gave up on
            log.warn(
                    "spool: closed with events not delivered to {}: {} given up on or refused, {} dropped as the"
                            + " buffer was full, {} still queued{}{}",
                    deliveryLog.endpoint(),
                    scope.failed(),
                    scope.dropped(),
                    queued,
                    stopped ? "" : " (a sender is still busy)",
                    lastError == null ? "" : "; last error: " + lastError);
        }
        return stopped && queued == 0 && scope.failed() == 0 && scope.dropped() == 0;
    }

    /**
     * A second close (another thread, or an app's shutdown hook racing the client's own) waits for the
     * first one to finish and reports the same outcome, instead of a bare false.
     */
    private boolean awaitEarlierClose(Duration timeout) {
        if (senders.isSenderThread()) {
            return false;
        }
        try {
            return closeDone.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && closeResult;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The client's settings, each checked in {@link #build()}. Defaults suit a web backend: batches of 100
     * events or ~480 KB, sent within a second.
     */
    public static final class Builder {
        private final String writeKey;
        private HttpUrl batchUrl;
        private Call.Factory callFactory;
        private int batchSize = 100;
        private int maxBatchBytes = 480_000;
        private int maxEventBytes = 32_000;
        private Duration linger = Duration.ofSeconds(1);
        private int maxQueuedEvents = 10_000;
        private int maxRequestsInFlight = 4;
        private boolean gzip = true;
        private long maxQueuedBytes = 8L * 1024 * 1024;
        private Duration deliveryTimeout = Duration.ofMinutes(2);
        private Duration retryBackoffBase = Duration.ofMillis(100);
        private Duration retryBackoffMax = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration drainOnShutdown = Duration.ofSeconds(5);
        private Duration logInterval = Duration.ofSeconds(30);
        private DeliveryListener listener = new DeliveryListener() {};
        private InvalidEventPolicy invalidEventPolicy = InvalidEventPolicy.THROW;
        private RetryTimer retryTimer;
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(String writeKey) {
            this.writeKey = writeKey;
        }

        /**
         * The collector's base URL, e.g. {@code http://localhost:8088}; events go to {@code {endpoint}/v1/batch}.
         * Required.
         */
        public Builder endpoint(String endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            HttpUrl base = HttpUrl.parse(endpoint);
            if (base == null) {
                throw new IllegalArgumentException("endpoint is not an http or https URL: " + endpoint);
            }
            String path = base.encodedPath();
            String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            this.batchUrl = base.newBuilder().encodedPath(prefix + "/v1/batch").build();
            return this;
        }

        public Builder endpoint(URI endpoint) {
            return endpoint(Objects.requireNonNull(endpoint, "endpoint").toString());
        }

        /**
         * The HTTP client to send with: pass the app's {@code OkHttpClient} (an OkHttpClient is a
         * Call.Factory) to share its connection pool, proxy, TLS and timeouts. By default the Spool makes its
         * own client and shuts it down on close; one handed in is left open.
         */
        public Builder callFactory(Call.Factory callFactory) {
            this.callFactory = Objects.requireNonNull(callFactory, "callFactory");
            return this;
        }

        /** Most events in one request (default 100; 1 to 10,000). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Most bytes in one request body before gzip (default 480,000; at most 500,000, the collector's default
         * limit on an inflated request).
         */
        public Builder maxBatchBytes(int maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /**
         * Most bytes of one serialized event (default 32,000; the collector refuses events over 32 KB). An event
         * whose text alone is over it is invalid at the call; one that only its encoding takes over it (escapes,
         * non-ASCII) is reported to {@link DeliveryListener#onFailed} as {@link DeliveryFailure.Reason#TOO_LARGE}.
         */
        public Builder maxEventBytes(int maxEventBytes) {
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        /**
         * How long the first event of a batch may wait for others before the batch is sent anyway (default
         * 1 s). Longer makes bigger batches and fewer requests; zero sends as soon as the sender is free.
         */
        public Builder linger(Duration linger) {
            this.linger = Objects.requireNonNull(linger, "linger");
            return this;
        }

        /** Most events waiting in the buffer (default 10,000); past it new events are dropped. */
        public Builder maxQueuedEvents(int maxQueuedEvents) {
            this.maxQueuedEvents = maxQueuedEvents;
            return this;
        }

        /**
         * Most bytes of events waiting in the buffer (default 8 MiB), each counted by the length of its text
         * at the call (a lower bound of its JSON, which a sender writes later); past it new events are dropped.
         */
        public Builder maxQueuedBytes(long maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        /**
         * Most requests on the wire at once (default 4; 1 to 64), as Kafka's
         * {@code max.in.flight.requests.per.connection}. One request at a time delivers at most one batch per
         * round trip — 100 events per ~3 ms against a collector under load, ~33k events/s — while an app can
         * track ten times that; several in flight let one client fill what the collector takes. Each is a
         * sender thread with its own connection and batch body (up to {@link #maxBatchBytes} plus its gzip),
         * memory on top of {@link #maxQueuedBytes}. Above 1, batches may reach the collector out of order,
         * listener calls may come from several sender threads at once, and a retrying batch no longer holds
         * back the others. 1 keeps batches in order.
         */
        public Builder maxRequestsInFlight(int maxRequestsInFlight) {
            this.maxRequestsInFlight = maxRequestsInFlight;
            return this;
        }

        /**
         * Whether request bodies are gzipped (default true, level 1, with {@code Content-Encoding: gzip}) or
         * sent as plain JSON. Gzip makes a batch of typical events 5 to 10 times smaller, which pays on a WAN
         * or a metered link, but costs CPU on both ends: deflating here and inflating in the collector. For a
         * client on the same host or LAN as the collector, {@code false} spends that CPU on events instead.
         * {@link Stats#bytesSent()} counts the bytes as sent either way.
         */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /**
         * How long one batch is retried before it is given up on and reported (default 2 minutes). While every
         * sender retries a batch the rest wait, so this also bounds how long an outage can hold the queue.
         */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
            return this;
        }

        /**
         * The backoff between retries: retry n waits a random time between 0 and {@code base * 2^(n-1)},
         * capped at {@code max} (defaults 100 ms and 10 s), or longer if the collector's {@code Retry-After}
         * asks for it.
         */
        public Builder retryBackoff(Duration base, Duration max) {
            this.retryBackoffBase = Objects.requireNonNull(base, "base");
            this.retryBackoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /** How long {@link Spool#close()} may take to deliver what is queued (default 5 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
            return this;
        }

        /**
         * How long a JVM shutdown hook may spend delivering what is queued when the app exits without
         * calling close() (default 5 s). {@code Duration.ZERO} registers no hook.
         */
        public Builder drainOnShutdown(Duration timeout) {
            this.drainOnShutdown = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Hears deliveries, failures, drops and (under {@link InvalidEventPolicy#REPORT}) invalid events. */
        public Builder listener(DeliveryListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Whether an invalid event throws from the call (default) or goes to the listener. */
        public Builder invalidEvents(InvalidEventPolicy policy) {
            this.invalidEventPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** For tests: a clock and pause for retries, so a retry schedule is checked without waiting. */
        Builder retryTimer(RetryTimer retryTimer) {
            this.retryTimer = retryTimer;
            return this;
        }

        /** For tests: the least time between two log lines about one outage (default 30 s). */
        Builder logInterval(Duration logInterval) {
            this.logInterval = logInterval;
            return this;
        }

        /** For tests: the jitter factor in [0, 1) applied to each backoff. */
        Builder jitter(DoubleSupplier jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Checks every setting (naming the bad one) and starts the client's sender thread. */
        public Spool build() {
            if (writeKey == null || writeKey.isBlank()) {
                throw new IllegalArgumentException("writeKey is required (the key the collector knows this app by)");
            }
            if (batchUrl == null) {
                throw new IllegalStateException("endpoint is required, e.g. .endpoint(\"http://localhost:8088\")");
            }
            check(batchSize >= 1 && batchSize <= 10_000, "batchSize must be 1 to 10000: " + batchSize);
            check(
                    maxEventBytes >= 256 && maxEventBytes <= 32_768,
                    "maxEventBytes must be 256 to 32768: " + maxEventBytes);
            check(
                    maxBatchBytes <= 500_000,
                    "maxBatchBytes must be at most 500000 (the collector's limit): " + maxBatchBytes);
            check(
                    maxBatchBytes >= maxEventBytes + BatchBody.OVERHEAD + 1,
                    "maxBatchBytes (" + maxBatchBytes
                            + ") must hold one event of maxEventBytes (" + maxEventBytes + ") plus "
                            + (BatchBody.OVERHEAD + 1) + " bytes of batch framing");
            check(!linger.isNegative(), "linger must not be negative: " + linger);
            check(maxQueuedEvents >= 1, "maxQueuedEvents must be at least 1: " + maxQueuedEvents);
            check(
                    maxRequestsInFlight >= 1 && maxRequestsInFlight <= 64,
                    "maxRequestsInFlight must be 1 to 64: " + maxRequestsInFlight);
            check(
                    maxQueuedBytes >= maxEventBytes && maxQueuedBytes <= 1L << 30,
                    "maxQueuedBytes must be " + "between maxEventBytes (" + maxEventBytes + ") and 1 GiB: "
                            + maxQueuedBytes);
            check(
                    !deliveryTimeout.isNegative() && !deliveryTimeout.isZero(),
                    "deliveryTimeout must be positive: " + deliveryTimeout);
            check(
                    !retryBackoffBase.isNegative()
                            && !retryBackoffBase.isZero()
                            && retryBackoffMax.compareTo(retryBackoffBase) >= 0,
                    "retryBackoff needs 0 < base <= max: " + retryBackoffBase + ", " + retryBackoffMax);
            check(!closeTimeout.isNegative(), "closeTimeout must not be negative: " + closeTimeout);
            check(!drainOnShutdown.isNegative(), "drainOnShutdown must not be negative: " + drainOnShutdown);
            sayIfNoLogging();
            return new Spool(this);
        }

        /**
         * Without an SLF4J binding slf4j-api logs nothing, and an app would never hear that its events are
         * refused: say it once per JVM, in one line, where a developer looks.
         */
        private static void sayIfNoLogging() {
            if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory
                    && NO_BINDING_SAID.compareAndSet(false, true)) {
                System.err.println(
                        "spool: no SLF4J binding found (slf4j-api logs nothing), so the Spool client's"
                                + " delivery warnings and errors are not shown; add one such as slf4j-simple or logback-classic");
            }
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
