package io.spool.benchmarks.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

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

  /** Per worker thread: the raw body, the inflated body and an inflater, reused so the server's own
   * garbage stays out of the clients' allocation figures. */
  private static final class Buffers {
    byte[] raw = new byte[64 * 1024];
    byte[] inflated = new byte[256 * 1024];
    final Inflater inflater = new Inflater(true);
  }

  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  private void handle(HttpExchange exchange) throws IOException {
    Buffers b = buffers.get();
    int rawLength = 0;
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(b.raw, rawLength, b.raw.length - rawLength)) > 0) {
        rawLength += n;
        if (rawLength == b.raw.length) {
          b.raw = Arrays.copyOf(b.raw, b.raw.length * 2);
        }
      }
    }
    int found;
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      found = count(b.inflated, inflate(b, rawLength));
    } else {
      found = count(b.raw, rawLength);
    }
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

  /** Inflates a gzip member with no optional header fields (what OkHttp's and Spool's gzip write). */
  private static int inflate(Buffers b, int rawLength) throws IOException {
    if (rawLength < 18 || b.raw[0] != 0x1f || (b.raw[1] & 0xff) != 0x8b || b.raw[3] != 0) {
      throw new IOException("not a plain gzip member");
    }
    Inflater inflater = b.inflater;
    inflater.reset();
    inflater.setInput(b.raw, 10, rawLength - 18);
    int length = 0;
    try {
      while (!inflater.finished()) {
        if (length == b.inflated.length) {
          b.inflated = Arrays.copyOf(b.inflated, b.inflated.length * 2);
        }
        int n = inflater.inflate(b.inflated, length, b.inflated.length - length);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IOException("truncated gzip body");
        }
        length += n;
      }
    } catch (DataFormatException e) {
      throw new IOException(e);
    }
    return length;
  }

  private static int count(byte[] body, int length) {
    int n = 0;
    outer:
    for (int i = 0; i <= length - NEEDLE.length; i++) {
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
