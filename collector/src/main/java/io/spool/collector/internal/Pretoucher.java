package io.spool.collector.internal;

import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that keeps the journal's next few megabytes in the page cache ahead of the appends
 * ({@link JournalSink#pretouch()}), so that the threads that append (the I/O threads, or with fsync the
 * {@link AppendLoop}) copy into pages that exist instead of faulting each new one in. Why a thread of its
 * own: measured under load, the first touch of a page (the kernel allocating and zeroing it; in this VM
 * ~10 µs per 4 KB page of memory the host had not backed yet) was two thirds of the appending thread's
 * time, and that thread, the one that answers requests, is never idle under full load. Chronicle's own {@code pretouch()} overflows its
 * stack in the open-source 2026.2.
 */
final class Pretoucher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pretoucher.class);
    /** Pause when everything ahead is read in: the appends move ~4 MB in 10–100 ms under load. */
    private static final long CAUGHT_UP_PAUSE_NANOS = 2_000_000L;

    private final JournalSink sink;
    private final Thread thread;
    private volatile boolean closed;

    Pretoucher(JournalSink sink) {
        this.sink = sink;
        this.thread = new Thread(this::run, "spool-pretoucher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            boolean more;
            try {
                more = sink.pretouch();
            } catch (RuntimeException e) {
                log.debug("Reading ahead in the journal failed: {}", e.toString());
                more = false;
            }
            if (!more) {
                LockSupport.parkNanos(CAUGHT_UP_PAUSE_NANOS);
            }
        }
    }

    /** Stops the thread (no interrupt: it would close the journal file's channel mid-read). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
