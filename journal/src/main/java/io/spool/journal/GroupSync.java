package io.spool.journal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * Group commit for {@code fsync}: an appender thread that needs its append on disk waits for a sync
 * that started after its append; the first thread to find no sync running becomes the leader, forces
 * the file once for every append made so far, and wakes the others. One {@code fdatasync} thus serves
 * every request that arrived while the previous one ran, instead of one sync per request under the
 * append lock (the disk does ~2,600 a second).
 *
 * <p>Why {@link FileChannel#force} covers the mapped writes: on Linux the mapping and the file share
 * the page cache, and fsync writes back every dirty page of the file, however it was dirtied.
 */
final class GroupSync {
    /** What a sync forces: the file of the appends made so far (read under the writer's lock). */
    interface Target {
        /** The sequence of the last append and the channel of the file it is in, read atomically. */
        Snapshot snapshot() throws IOException;

        /** Whether the writer forced {@code channel} whole and then closed it (a roll, or the journal closing). */
        boolean closedAfterForce(FileChannel channel);
    }

    record Snapshot(long appended, FileChannel channel) {}

    private final Target target;
    private final Object lock = new Object();
    private final LongAdder syncs = new LongAdder();
    private long synced; // guarded by lock
    // Appends a failed sync covered (guarded by lock). They are never acknowledged: Linux reports a failed
    // writeback once, so a retried fsync of the same file can succeed without their data on disk.
    private long failedThrough;
    private boolean syncing; // guarded by lock

    GroupSync(Target target) {
        this.target = target;
    }

    /** Syncs done so far (each serves every append before it). */
    long syncs() {
        return syncs.sum();
    }

    /** Appends up to {@code sequence} are in a file whose force failed outside this class (a roll's). */
    void failed(long sequence) {
        synchronized (lock) {
            if (sequence > failedThrough) {
                failedThrough = sequence;
            }
            lock.notifyAll();
        }
    }

    /**
     * Returns once append number {@code sequence} is on disk.
     *
     * @throws JournalSyncException when the sync that covered it failed (or this thread was interrupted)
     */
    void await(long sequence) {
        IOException failure = null;
        while (true) {
            synchronized (lock) {
                while (true) {
                    if (sequence <= failedThrough) {
                        throw new JournalSyncException(
                                "the journal's fsync failed" + (failure == null ? "" : ": " + failure.getMessage()),
                                failure);
                    }
                    if (synced >= sequence) {
                        return;
                    }
                    if (!syncing) {
                        syncing = true;
                        break;
                    }
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new JournalSyncException("interrupted while waiting for the journal's fsync", e);
                    }
                }
            }
            long done = 0;
            failure = null;
            try {
                Snapshot snapshot = target.snapshot();
                done = snapshot.appended();
                if (snapshot.channel() != null) {
                    try {
                        snapshot.channel().force(false);
                    } catch (ClosedChannelException e) {
                        // Fine only when the writer closed it after forcing it whole; not when an interrupt
                        // closed it in the middle of this force (ClosedByInterruptException).
                        if (!target.closedAfterForce(snapshot.channel())) {
                            throw e;
                        }
                    }
                }
                syncs.increment();
            } catch (IOException e) {
                failure = e;
            } finally {
                synchronized (lock) {
                    syncing = false;
                    if (failure == null) {
                        if (done > synced) {
                            synced = done;
                        }
                    } else if (done > failedThrough) {
                        failedThrough = done;
                    }
                    lock.notifyAll();
                }
            }
            if (failure != null && done < sequence) {
                // No snapshot (or one before this append, which cannot happen): nothing says more than this.
                throw new JournalSyncException("the journal's fsync failed: " + failure.getMessage(), failure);
            }
            // Loop: the outcome for this sequence is read back under the lock like every waiter's.
        }
    }
}
