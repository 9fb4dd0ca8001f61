package io.spool.benchmarks.collector;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * The least a server can do to store what it receives: copy the bytes into a memory-mapped file, one
 * after another, under one lock, with a thread of its own faulting the file's next pages in ahead of the
 * copies (as the collector's pretoucher does). No framing, no index, no parsing: what storing alone costs
 * on the machine, the memory the page cache has to find for every new byte included (in this project's
 * VMs ~10 µs per 4 KB page the host has not backed yet). The file is deleted when the store closes.
 */
final class MappedStore implements AutoCloseable {
    private static final long CHUNK = 64L << 20;
    private static final long AHEAD = 4L << 20;
    private static final int PAGE = 4096;
    /** A compare-and-set of 0 with 0: a write access to the page that never changes a byte of it. */
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final Path file;
    private final FileChannel channel;
    private final Thread toucher;
    private MappedByteBuffer chunk; // guarded by this
    private long chunkStart; // guarded by this
    private volatile long position;
    private volatile boolean closed;

    MappedStore(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.file = dir.resolve("ceiling.store");
        this.channel = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.chunk = channel.map(FileChannel.MapMode.READ_WRITE, 0, CHUNK);
        this.toucher = new Thread(this::touchAhead, "ceiling-store-toucher");
        toucher.setDaemon(true);
        toucher.start();
    }

    /** Copies what {@code bytes} holds between its position and limit to the end of the file. */
    synchronized void append(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            int at = (int) (position - chunkStart);
            if (at == CHUNK) {
                chunkStart += CHUNK;
                chunk = channel.map(FileChannel.MapMode.READ_WRITE, chunkStart, CHUNK);
                at = 0;
            }
            int n = (int) Math.min(bytes.remaining(), CHUNK - at);
            chunk.put(at, bytes, bytes.position(), n);
            bytes.position(bytes.position() + n);
            position += n;
        }
    }

    /** Writes into each page up to {@link #AHEAD} past the copies, so that they copy into pages that exist. */
    private void touchAhead() {
        long touched = 0;
        MappedByteBuffer view = null;
        long viewStart = -1;
        try {
            while (!closed) {
                long target = (position + AHEAD) & -PAGE; // touched stays page-aligned
                if (touched >= target) {
                    LockSupport.parkNanos(1_000_000L);
                    continue;
                }
                long start = touched - touched % CHUNK;
                if (start != viewStart) {
                    view = channel.map(FileChannel.MapMode.READ_WRITE, start, CHUNK);
                    viewStart = start;
                }
                long until = Math.min(target, start + CHUNK);
                for (long page = Math.max(touched, position - position % PAGE + PAGE); page < until; page += PAGE) {
                    INTS.compareAndSet(view, (int) (page - start), 0, 0);
                }
                touched = until;
            }
        } catch (IOException e) {
            System.err.println("ceiling store: touching ahead stopped: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
        Files.deleteIfExists(file);
    }
}
