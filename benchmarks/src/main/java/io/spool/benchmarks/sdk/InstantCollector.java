package io.spool.benchmarks.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A local server that answers every request 200 at once, counting the events in it (occurrences of
 * {@code "messageId"} in the inflated body): the ceiling a client's sender can reach, with the same cost
 * per request and per byte for every client measured against it.
 */
final class InstantCollector implements AutoCloseable {
  private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEEDLE = "\"messageId\"".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final ExecutorService workers;
  private final Object lock = new Object();
  private long events;
  private long requests;

  InstantCollector() throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed
    // ACK: ~40 ms a request, which would measure the kernel rather than the clients.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    workers = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "instant-collector");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream raw = exchange.getRequestBody()) {
      boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
      InputStream in = gzip ? new GZIPInputStream(raw, 8192) : raw;
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
      in.transferTo(out);
      body = out.toByteArray();
    }
    int found = count(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, OK.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(OK);
    }
    synchronized (lock) {
      events += found;
      requests++;
      lock.notifyAll();
    }
  }

  private static int count(byte[] body) {
    int n = 0;
    outer:
    for (int i = 0; i <= body.length - NEEDLE.length; i++) {
      for (int j = 0; j < NEEDLE.length; j++) {
        if (body[i + j] != NEEDLE[j]) {
          continue outer;
        }
      }
      n++;
      i += NEEDLE.length - 1;
    }
    return n;
  }

  long events() {
    synchronized (lock) {
      return events;
    }
  }

  long requests() {
    synchronized (lock) {
      return requests;
    }
  }

  /** Waits (without spinning: the machine has two cores) until {@code target} events have arrived. */
  boolean awaitEvents(long target, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (lock) {
      while (events < target) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        lock.wait(left);
      }
      return true;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
