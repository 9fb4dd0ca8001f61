package io.spool.collector.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * Gives a request's body the read timeout to arrive in full, counted from its headers. Undertow bounds
 * the headers' time and each read's silence, but not the whole body: a client sending a byte a second
 * would hold its connection (and a pooled workspace) for days. Only a body still unfinished when the
 * handler returns gets a timer; most arrive with their headers and cost one check.
 */
final class BodyDeadline implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(BodyDeadline.class);

    private final HttpHandler next;
    private final long timeoutMillis;

    BodyDeadline(HttpHandler next, long timeoutMillis) {
        this.next = next;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        next.handleRequest(exchange);
        // Still on the I/O thread, before a dispatch to a worker runs; the body's reads and the timer
        // below run on this same thread, so the check and the close cannot interleave with a read.
        if (!exchange.isRequestComplete()) {
            exchange.getIoThread()
                    .executeAfter(
                            () -> {
                                if (!exchange.isRequestComplete()) {
                                    log.debug(
                                            "Body of a request from {} unfinished after {} ms; closing its connection",
                                            exchange.getSourceAddress(),
                                            timeoutMillis);
                                    IoUtils.safeClose(exchange.getConnection());
                                }
                            },
                            timeoutMillis,
                            TimeUnit.MILLISECONDS);
        }
    }
}
