package io.spool.sdk.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The reused byte array an event is serialized into. It refuses to grow past the per-event limit, so an
 * oversized map costs at most that many bytes before the event is refused.
 */
final class BoundedSink extends OutputStream {
  /** Thrown when the limit is passed; preallocated and without a stack trace, it is control flow. */
  static final class LimitExceeded extends RuntimeException {
    LimitExceeded() {
      super("event over the size limit", null, false, false);
    }
  }

  private static final LimitExceeded LIMIT_EXCEEDED = new LimitExceeded();

  private final int limit;
  private byte[] bytes;
  private int size;

  BoundedSink(int limit) {
    this.limit = limit;
    this.bytes = new byte[Math.min(limit, 1024)];
  }

  void reset() {
    size = 0;
  }

  byte[] array() {
    return bytes;
  }

  int size() {
    return size;
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  private void ensure(int more) {
    int needed = size + more;
    if (needed > limit) {
      throw LIMIT_EXCEEDED;
    }
    if (needed > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(needed, bytes.length * 2)));
    }
  }
}
