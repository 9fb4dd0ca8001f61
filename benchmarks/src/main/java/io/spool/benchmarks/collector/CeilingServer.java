package io.spool.benchmarks.collector;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The ceiling of the collector's load figures: an Undertow server set up like the collector (same
 * thread counts, body read without blocking, answer sent from a worker thread) that reads each body
 * and answers {@code 200 {"success":true}} without parsing or storing anything. The collector's
 * figures are read against this one, measured in the same run.
 *
 * <p>{@code java -cp benchmarks.jar io.spool.benchmarks.collector.CeilingServer [port]}
 */
public final class CeilingServer {
    private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.US_ASCII);

    private CeilingServer() {}

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        int cores = Runtime.getRuntime().availableProcessors();
        Undertow server = Undertow.builder()
                .addHttpListener(port, "0.0.0.0")
                .setIoThreads(cores)
                .setWorkerThreads(8 * cores)
                .setHandler(exchange -> exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
                    Runnable answer = () -> {
                        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                        ex.getResponseSender().send(ByteBuffer.wrap(OK));
                    };
                    if (ex.isInIoThread()) {
                        ex.dispatch(answer);
                    } else {
                        answer.run();
                    }
                }))
                .build();
        server.start();
        System.err.println("ceiling server listening on port " + port);
        Thread.currentThread().join();
    }
}
