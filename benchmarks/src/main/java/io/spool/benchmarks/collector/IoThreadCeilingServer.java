package io.spool.benchmarks.collector;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;

/**
 * The upper ceiling of the collector's load figures: Undertow with one I/O thread per core and no
 * dispatch at all. Each body is read on the I/O thread into a buffer that thread reuses, and the
 * {@code 200 {"success":true}} goes out from the same thread. Nothing is parsed, inflated or (by default) stored:
 * this is what HTTP alone costs on the machine, so a server that does any work per request (the
 * collector, {@link CeilingServer}) is measured as a fraction of it.
 *
 * <p>With {@code --store DIR} it also copies every body, as received, into a memory-mapped file in
 * {@code DIR} ({@link MappedStore}) before it answers: the ceiling of a server that stores what it is
 * sent and does nothing else, the page cache's cost of new memory included.
 *
 * <p>{@code java -cp benchmarks.jar io.spool.benchmarks.collector.IoThreadCeilingServer [port] [--store DIR]}
 */
public final class IoThreadCeilingServer {
    private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.US_ASCII);
    /** Per I/O thread, reused by every request that thread reads: no garbage per request. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(64 * 1024));

    private IoThreadCeilingServer() {}

    private static MappedStore store; // null: store nothing

    public static void main(String[] args) throws InterruptedException, IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        if (args.length > 2 && args[1].equals("--store")) {
            store = new MappedStore(java.nio.file.Path.of(args[2]));
            MappedStore opened = store;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    opened.close();
                } catch (IOException e) {
                    System.err.println("ceiling store: " + e);
                }
            }));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Undertow server = Undertow.builder()
                .addHttpListener(port, "0.0.0.0")
                .setIoThreads(cores)
                .setWorkerThreads(1) // never used: nothing is dispatched
                .setHandler(IoThreadCeilingServer::handle)
                .build();
        server.start();
        System.err.println("I/O-thread ceiling server listening on port " + port
                + (store == null ? "" : ", storing every body in " + args[2]));
        Thread.currentThread().join();
    }

    private static void handle(HttpServerExchange exchange) {
        StreamSourceChannel channel = exchange.getRequestChannel();
        if (channel == null) {
            answer(exchange);
            return;
        }
        ChannelListener<StreamSourceChannel> reader = new ChannelListener<>() {
            @Override
            public void handleEvent(StreamSourceChannel c) {
                ByteBuffer buffer = BUFFER.get();
                try {
                    while (true) {
                        buffer.clear();
                        int read = c.read(buffer);
                        if (read < 0) {
                            c.getReadSetter().set(null);
                            c.suspendReads();
                            answer(exchange);
                            return;
                        }
                        if (read == 0) {
                            c.getReadSetter().set(this);
                            c.resumeReads();
                            return;
                        }
                        if (store != null) {
                            store.append(buffer.flip());
                        }
                    }
                } catch (IOException e) {
                    exchange.endExchange();
                }
            }
        };
        reader.handleEvent(channel);
    }

    private static void answer(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(OK));
    }
}
