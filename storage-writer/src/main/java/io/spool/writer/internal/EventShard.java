package io.spool.writer.internal;

import io.spool.journal.RecordView;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Writes event rows into Parquet files on a thread of its own, so that encoding and compressing the
 * columns (most of the writer's work) runs on every core while the writer's thread reads the journal
 * and deduplicates. The writer's thread hands it runs of already accepted records ({@link #submit});
 * its files and Parquet writers belong to its thread alone.
 *
 * <p>Each shard gets whole excerpts; its files are named by the first excerpt it was given in the
 * commit and a nonce of its own, so no two shards or attempts write the same name.
 */
final class EventShard implements Runnable {
    /** Excerpts waiting for the shard: bounds the memory between reading and writing. */
    private static final int QUEUE = 64;

    private sealed interface Task permits Records, Close, Abandon, Stop {}

    /** Accepted records framed as in an excerpt ({@code int32 length, record}...). */
    private record Records(byte[] data, int length, long firstIndex) implements Task {}

    private record Close(CompletableFuture<List<CommitFiles.Written>> result) implements Task {}

    private record Abandon(CompletableFuture<Void> done) implements Task {}

    private record Stop() implements Task {}

    private final CommitFiles files;
    private final BlockingQueue<Task> tasks = new ArrayBlockingQueue<>(QUEUE);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(QUEUE + 2);
    private final RecordView view = new RecordView();
    private final Thread thread;
    private Throwable failure;

    EventShard(CommitFiles files, String name) {
        this.files = files;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A buffer of at least {@code size} bytes to fill and {@link #submit}; recycled when possible. */
    byte[] buffer(int size) {
        byte[] b = free.poll();
        return b != null && b.length >= size ? b : new byte[Math.max(size, 64 * 1024)];
    }

    /** Queues records for writing; blocks while the shard is {@value #QUEUE} excerpts behind. */
    void submit(byte[] data, int length, long firstIndex) {
        put(new Records(data, length, firstIndex));
    }

    /** Closes the shard's files of this commit (in the background). */
    CompletableFuture<List<CommitFiles.Written>> close() {
        CompletableFuture<List<CommitFiles.Written>> result = new CompletableFuture<>();
        put(new Close(result));
        return result;
    }

    /** Drops whatever the shard is writing (after a failure); temporaries are deleted on recovery. */
    CompletableFuture<Void> abandon() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        put(new Abandon(done));
        return done;
    }

    void stop() {
        put(new Stop());
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void put(Task task) {
        try {
            tasks.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing records to a writer thread", e);
        }
    }

    @Override
    public void run() {
        while (true) {
            Task task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                files.abandon();
                return;
            }
            if (task instanceof Records r) {
                if (failure == null) {
                    write(r);
                }
                free.offer(r.data());
            } else if (task instanceof Close c) {
                if (failure != null) {
                    files.abandon();
                    c.result().completeExceptionally(failure);
                    failure = null;
                } else {
                    try {
                        c.result().complete(files.close());
                    } catch (Throwable e) {
                        files.abandon();
                        c.result().completeExceptionally(e);
                    }
                }
            } else if (task instanceof Abandon a) {
                files.abandon();
                failure = null;
                a.done().complete(null);
            } else {
                files.abandon();
                return;
            }
        }
    }

    private void write(Records r) {
        byte[] data = r.data();
        int pos = 0;
        try {
            CrashPoints.reached(CrashPoints.SHARD_WRITE);
            while (pos < r.length()) {
                int len = (data[pos] & 0xff)
                        | (data[pos + 1] & 0xff) << 8
                        | (data[pos + 2] & 0xff) << 16
                        | (data[pos + 3] & 0xff) << 24;
                files.writeEvent(view.wrap(data, pos + 4, len), r.firstIndex());
                pos += 4 + len;
            }
        } catch (Throwable e) {
            failure = e; // reported by the next close; the commit then fails and is retried
        }
    }
}
