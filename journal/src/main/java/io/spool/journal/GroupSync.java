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
        Snapshot snapshot();
    }

    record Snapshot(long appended, FileChannel channel) {
    }

    private final Target target;
    private final Object lock = new Object();
    private final LongAdder syncs = new LongAdder();
    private long synced; // guarded by lock
    private boolean syncing; // guarded by lock

    GroupSync(Target target) {
        this.target = target;
    }

    /** Syncs done so far (each serves every append before it). */
    long syncs() {
        return syncs.sum();
    }

    /** Returns once append number {@code sequence} is on disk. */
    void await(long sequence) {
        synchronized (lock) {
            while (true) {
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
        IOException failure = null;
        try {
            Snapshot snapshot = target.snapshot();
            done = snapshot.appended();
            if (snapshot.channel() != null) {
                try {
                    snapshot.channel().force(false);
                } catch (ClosedChannelException e) {
                    // The file rolled since the snapshot, and the roll forced it whole before closing.
                }
            }
            syncs.increment();
        } catch (IOException e) {
            failure = e;
        } finally {
            synchronized (lock) {
                syncing = false;
                if (failure == null && done > synced) {
                    synced = done;
                }
                lock.notifyAll();
            }
        }
        if (failure != null) {
            throw new JournalSyncException("the journal's fsync failed: " + failure.getMessage(), failure);
        }
        if (done < sequence) {
            await(sequence); // cannot happen: the snapshot was taken after this append
        }
    }
}
