package io.spool.collector.internal;

import io.spool.collector.internal.console.ConsoleFeed;
import io.spool.collector.internal.console.ConsoleHandler;
import io.spool.collector.internal.console.ConsoleSettings;
import io.spool.journal.Journal;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The running collector: Undertow, the ingest handler and the journal sink, and their shutdown in
 * order (stop accepting, finish what is in flight, stop the server, close the journal).
 * Behind {@code io.spool.collector.Collector}; not an API.
 */
public final class CollectorServer {
    private static final Logger log = LoggerFactory.getLogger(CollectorServer.class);

    private final Settings settings;
    private final ConsoleSettings console;
    private final Supplier<Journal> journal;
    private final boolean ownsJournal;
    private final ShutdownState shutdown = new ShutdownState();
    private final CollectorMetrics metrics;
    private final WriteKeys writeKeys;
    private final Gate gate = new Gate();
    private final Undertow undertow;
    private final boolean adminKeySet;
    // Made by start(), once the port is bound: null before.
    private JournalSink sink;
    private AppendLoop appends;
    private Pretoucher pretoucher;
    private ConsoleFeed feed;
    private volatile boolean started;
    private volatile int port = -1;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param journal opens (or hands over) the journal; called by {@link #start()} only once the port is
     *     bound, so that a collector that cannot listen creates no journal folder
     * @param ownsJournal whether {@link #close()} closes it
     */
    public CollectorServer(Settings settings, ConsoleSettings console, Supplier<Journal> journal, boolean ownsJournal) {
        this.settings = settings;
        this.console = console;
        this.journal = journal;
        this.ownsJournal = ownsJournal;
        this.adminKeySet = console.adminKey() != null;
        this.metrics = new CollectorMetrics(settings.writeKeys());
        metrics.inFlight(shutdown::inFlight);
        this.writeKeys = new WriteKeys(settings.writeKeys());
        this.undertow = undertow(settings, gate);
    }

    /**
     * What Undertow serves: 503 until {@link #start()} has opened the journal behind the bound port (a
     * few milliseconds in which a load balancer's health check sees "starting"), then the collector.
     */
    private static final class Gate implements HttpHandler {
        private volatile HttpHandler next;

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            HttpHandler h = next;
            if (h != null) {
                h.handleRequest(exchange);
                return;
            }
            exchange.setStatusCode(503);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            exchange.getResponseSender().send("{\"success\":false,\"error\":\"the collector is starting\"}");
        }
    }

    /** Opens the journal and wires ingest to it; the port is already bound. */
    private HttpHandler open(Journal j) {
        this.sink = new JournalSink(j, ownsJournal, settings.minFreeDiskBytes(), metrics);
        RefusedKeys refusedKeys = new RefusedKeys();
        Ingest ingest = new Ingest(settings, writeKeys, sink, metrics, refusedKeys);
        // Without fsync an append never waits for the disk: the I/O thread that prepared a request appends
        // it itself. With fsync one thread appends and syncs for every request waiting (group commit).
        this.appends = sink.fsync() ? new AppendLoop(ingest, sink) : null;
        this.pretoucher = new Pretoucher(sink);
        ConsoleHandler consoleHandler = null;
        if (console.enabled()) {
            this.feed = new ConsoleFeed(j, console.writerMetrics());
            consoleHandler = new ConsoleHandler(
                    feed,
                    console.adminKey(),
                    writeKeys::accepts,
                    settings.readTimeout().toMillis());
        }
        // The console's paths are asked for after the ingest routes: ingest pays nothing for it
        // (run-console-cost.sh: a handler in front of ingest cost it ~10 %).
        return new IngestHandler(
                settings, writeKeys, ingest, sink, appends, metrics, refusedKeys, shutdown, consoleHandler);
    }

    /** Undertow with the collector's listener, limits and timeouts. */
    private static Undertow undertow(Settings settings, HttpHandler handler) {
        int timeoutMillis =
                (int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis());
        Undertow.Builder builder = Undertow.builder();
        if (settings.tls() != null) {
            // HTTPS instead of HTTP, not beside it: clients send the write key in every request, and a
            // plain port left open next to the TLS one is where a misconfigured client keeps sending it.
            builder.addHttpsListener(settings.port(), settings.host(), settings.tls());
        } else {
            builder.addHttpListener(settings.port(), settings.host());
        }
        return builder.setIoThreads(settings.ioThreads())
                .setWorkerThreads(settings.workerThreads())
                // A client that sends headers or a body slowly (or never) loses its connection after the
                // read timeout instead of holding it forever.
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, timeoutMillis)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, timeoutMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, timeoutMillis)
                .setServerOption(
                        UndertowOptions.MAX_ENTITY_SIZE, (long) BodyReader.DISCARD_FACTOR * settings.maxRequestBytes())
                // Undertow counts the request line and headers as they arrive and answers 400 and closes
                // past this, so a client cannot make it hold more (its default is 1 MB).
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, settings.maxHeaderBytes())
                .setSocketOption(Options.READ_TIMEOUT, timeoutMillis)
                // XNIO's accept thread (one for all I/O threads) stops accepting once this many connections
                // are open and starts again when they drop to the low mark, here as soon as one closes; the
                // kernel's accept queue (Undertow's backlog, 1,000) holds the next ones meanwhile.
                .setSocketOption(Options.CONNECTION_HIGH_WATER, settings.maxConnections())
                .setSocketOption(Options.CONNECTION_LOW_WATER, settings.maxConnections())
                .setHandler(new BodyDeadline(handler, timeoutMillis))
                .build();
    }

    /**
     * Binds the port, then opens the journal and starts serving. Binding first: a port in use is said
     * before anything is created on disk.
     *
     * @throws IllegalStateException naming host:port when the port cannot be bound, or the journal's
     *     folder when it cannot be opened; nothing is left running or open
     */
    public synchronized void start() {
        if (started || closed.get()) {
            throw new IllegalStateException(closed.get() ? "the collector is closed" : "the collector is started");
        }
        try {
            undertow.start();
        } catch (RuntimeException e) {
            stopQuietly();
            throw new IllegalStateException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        Journal j;
        try {
            j = journal.get();
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        try {
            gate.next = open(j);
        } catch (RuntimeException e) {
            stopQuietly();
            closeParts();
            if (sink == null && ownsJournal) {
                j.close();
            }
            throw e;
        }
        started = true;
        log.info(
                "Spool collector listening on {}://{}:{}{}, journal {}, {} write key(s){}{}",
                settings.tls() != null ? "https" : "http",
                settings.host(),
                port,
                settings.tls() != null ? " (TLS keystore " + settings.tlsKeystore() + ")" : "",
                sink.dir(),
                settings.writeKeys().size(),
                settings.allowAnonymous() ? ", anonymous requests allowed" : "",
                settings.metricsKey() != null ? ", /metrics needs the metrics key" : "");
        if (feed != null) {
            log.info(
                    "Console at {}://{}:{}/console ({})",
                    settings.tls() != null ? "https" : "http",
                    "0.0.0.0".equals(settings.host()) ? "localhost" : settings.host(),
                    port,
                    adminKeySet
                            ? "write keys see their own events, the admin key all"
                            : "write keys see their own events");
        }
    }

    private void stopQuietly() {
        try {
            undertow.stop();
        } catch (RuntimeException ignored) {
            // Undertow half started: what it holds is released as far as it goes
        }
    }

    /** Closes what {@link #open} made (the console's feed first: its streams would hold Undertow's stop). */
    private void closeParts() {
        try {
            if (feed != null) {
                feed.close();
            }
            if (appends != null) {
                appends.close(); // answers what is still queued (only after the in-flight wait timed out)
            }
            if (pretoucher != null) {
                pretoucher.close();
            }
        } finally {
            if (sink != null) {
                sink.close();
            }
        }
    }

    /** The port the server listens on (useful when it was started on port 0). */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("the collector is not started");
        }
        return port;
    }

    /**
     * Stops accepting (new requests get 503), waits up to the shutdown timeout for requests in flight
     * to be answered, stops the server and closes the journal. Idempotent.
     */
    public void close() {
        // Not synchronized: port() and the handlers must stay usable while requests drain.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!started) {
            // Never started, or start() failed and cleaned up: a journal handed in and never used is the
            // caller's; one this server would have opened was never opened.
            return;
        }
        try {
            if (!shutdown.closeAndAwaitIdle(settings.shutdownTimeout().toMillis())) {
                log.warn("Requests still in flight after {}; closing anyway", settings.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (feed != null) {
                feed.close(); // ends the console's streams, which would hold Undertow's stop
            }
            undertow.stop();
        } finally {
            closeParts();
        }
        log.info("Spool collector stopped; journal closed");
    }
}
