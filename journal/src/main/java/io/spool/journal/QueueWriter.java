package io.spool.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.PrecreatedFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a journal queue in this process: owns its only Chronicle appender, the lock every
 * {@link JournalAppender} handle appends under, the disk space reserved ahead of the appends
 * ({@link SpaceReserver}) and, with fsync, the group commit ({@link GroupSync}).
 *
 * <p>One process appends to a queue at a time (a lock file in the queue's folder says which): the
 * reservation must know every write to the file, and two collectors on one journal are a mistake.
 */
final class QueueWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueWriter.class);
    static final String LOCK_FILE = "appender.lock";
    /**
     * Queue folders this JVM appends to. A second writer must be refused before it opens the lock file:
     * closing any descriptor of a file drops every POSIX lock the process holds on it, the first writer's too.
     */
    private static final Set<Path> APPENDING = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path key; // in APPENDING
    private final SingleChronicleQueue queue;
    private final AppendClock clock;
    private final boolean fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ExcerptAppender appender;
    /** Chronicle's native binding, looked up once for both its users here; null where there is none. */
    private final PosixAPI posix = NativePosix.orNull();

    private final SpaceReserver space = new SpaceReserver(posix);
    private final GroupSync sync;
    private final DateTimeFormatter cycleFormat;
    private Path file; // the cycle file of the last append
    private FileChannel channel; // to force it, with fsync
    private FileChannel closedAfterForce; // the last channel this writer forced whole, then closed
    private long appended; // appends so far, guarded by this
    private long lastIndex; // the index of the last append, guarded by this
    private final Touch touch = new Touch(posix); // guarded by itself
    private BytesStore<?, ?> advised; // the mapping last advised MADV_RANDOM, guarded by this
    private BytesStore<?, ?> unmappedIn; // with fsync: the mapping last unmapped in, guarded by this
    private long unmappedTo; // the file position up to which its written pages were, guarded by this
    private boolean directoryForced = true; // with fsync: whether the folder was forced since the file changed
    private boolean closed;

    /** @param clock the queue's time provider ({@link SingleChronicleQueue#time()} must be it) */
    QueueWriter(Path dir, SingleChronicleQueue queue, AppendClock clock, boolean fsync) {
        if (queue.time() != clock) {
            throw new IllegalArgumentException("the queue must tell time with the writer's AppendClock");
        }
        this.dir = dir;
        this.queue = queue;
        this.clock = clock;
        this.fsync = fsync;
        this.key = key(dir);
        if (!APPENDING.add(key)) {
            throw alreadyAppending(dir);
        }
        FileChannel lc = null;
        try {
            lc = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lc.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                throw alreadyAppending(dir);
            }
            this.lockChannel = lc;
            this.lock = l;
            RollCycle rollCycle = queue.rollCycle();
            this.cycleFormat = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
            this.appender = queue.createAppender();
        } catch (IOException | RuntimeException e) {
            closeQuietly(lc); // releases the lock, if taken
            APPENDING.remove(key);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock the journal queue " + dir + " for appending", io);
            }
            throw (RuntimeException) e;
        }
        // Chronicle pins an appender to the first thread that uses it; this class's lock makes sharing safe.
        appender.singleThreadedCheckDisabled(true);
        this.sync = new GroupSync(new GroupSync.Target() {
            @Override
            public GroupSync.Snapshot snapshot() throws IOException {
                return syncSnapshot();
            }

            @Override
            public boolean closedAfterForce(FileChannel c) {
                return wasClosedAfterForce(c);
            }
        });
        removeStalePrecreatedFiles();
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static IllegalStateException alreadyAppending(Path dir) {
        return new IllegalStateException("the journal queue " + dir + " is already being appended to by another "
                + "collector (or another journal opened on the same folder); one process appends to a journal");
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                log.debug("Closing a file of the journal queue: {}", e.toString());
            }
        }
    }

    /**
     * Appends {@code length} bytes of {@code array} as one excerpt (one bulk copy) and returns its
     * index; with fsync, returns once it is on disk.
     *
     * @throws JournalFullException when the disk has no room (nothing was written)
     * @throws JournalSyncException with fsync, when the sync failed (the excerpt is written, not durable)
     */
    long append(byte[] array, int length) {
        long sequence;
        long index;
        synchronized (this) {
            sequence = write(array, length);
            index = lastIndex;
        }
        awaitSync(sequence);
        return index;
    }

    /**
     * Appends {@code length} bytes of {@code array} as one excerpt (one bulk copy into the mapped file)
     * without waiting for a sync, and returns the append's sequence for {@link #awaitSync(long)}.
     *
     * @throws JournalFullException when the disk has no room (nothing was written)
     */
    long appendUnsynced(byte[] array, int length) {
        return write(array, length);
    }

    /**
     * With fsync, returns once append {@code sequence} (and every one before it) is on disk; one sync
     * serves all the appends made before it started. Without fsync, returns at once.
     *
     * @throws JournalSyncException when the sync that covered it failed
     */
    void awaitSync(long sequence) {
        if (fsync) {
            sync.await(sequence);
        }
    }

    /** Writes {@code length} bytes of {@code array} as one excerpt; returns its sequence. */
    private long write(byte[] array, int length) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the journal is closed");
            }
            // One instant for both choices of the cycle file: the one space is reserved in here and the one
            // Chronicle writes to (an hour ending between two readings would send the append to a file
            // with nothing reserved, and leave later appends reserving and forcing the old one).
            clock.hold();
            try {
                reserveFor(length);
                writeArray(array, length);
            } finally {
                clock.release();
            }
            adviseRandomAccess();
            space.releasePrevious(); // after a roll: the old file has its EOF now
            lastIndex = appender.lastIndexAppended();
            return ++appended;
        }
    }

    /**
     * Advises each part of the file Chronicle maps for the appends {@code MADV_RANDOM} (once, when the
     * appends move into it): the kernel then reads no pages around or ahead of a page the appends fault
     * in. Its read-around is the disk's {@code read_ahead_kb} (8 MB on this project's machines), every
     * page of it allocated and zeroed inside the faulting append, on the thread that answers requests;
     * and a page it brought in carries a mark whose next touch reads the following window too, so one
     * such read kept every later append paying for it (p99 18-20 ms at a tenth of the maximum rate).
     * The pages ahead are brought in by the pretoucher instead ({@link #pretouch}), one at a time.
     */
    private void adviseRandomAccess() {
        Wire wire = appender.wire();
        if (wire == null || posix == null) {
            return;
        }
        BytesStore<?, ?> store = wire.bytes().bytesStore();
        if (store == advised || !(store instanceof MappedBytesStore mapped)) {
            return;
        }
        advised = store;
        try {
            posix.madvise(mapped.addressForRead(mapped.start()), mapped.realCapacity(), MAdviseFlag.MADV_RANDOM);
        } catch (RuntimeException e) {
            log.debug("Cannot advise the journal's mapping: {}", e.toString());
        }
    }

    /**
     * The same excerpt {@code writeBytes} makes, but copied with one bulk write: Chronicle's
     * {@code writeBytes(BytesStore)} copies eight bytes at a time with a bounds check each, which
     * profiled as a tenth of the collector's CPU.
     */
    private void writeArray(byte[] array, int length) {
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                dc.wire().bytes().write(array, 0, length);
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose();
                throw e;
            }
        }
    }

    /**
     * Reads the pages of the current cycle file just ahead of the append position, at most
     * {@code maxBytes} of them past those read before, so that they are in the page cache before the
     * append writes them: the first touch of a page (allocating and zeroing it, costly in a VM) then
     * happens on the caller's thread, off the path of a request, instead of as a page fault inside
     * the append. The bytes read are zeros or what was appended; nothing is written. Returns false when
     * everything up to {@code aheadBytes} past the append position is read already.
     */
    boolean pretouch(long aheadBytes, long maxBytes) {
        Path target;
        long position;
        synchronized (this) {
            Wire wire = appender.wire();
            if (closed || wire == null || file == null) {
                return false;
            }
            target = file;
            position = wire.bytes().writePosition();
        }
        synchronized (touch) {
            try {
                if (!target.equals(touch.file)) {
                    touch.close();
                    touch.channel = FileChannel.open(
                            Files.exists(target)
                                    ? target
                                    : PrecreatedFiles.preCreatedFile(target.toFile())
                                            .toPath(),
                            StandardOpenOption.READ);
                    touch.file = target;
                    touch.end = 0;
                }
                long end = Math.min(position + aheadBytes, touch.channel.size());
                long from = Math.max(touch.end, position & ~(PAGE - 1));
                if (from >= end) {
                    return false;
                }
                long to = Math.min(end, from + maxBytes);
                if (!touch.touchMapped(from & ~(PAGE - 1), to)) {
                    touch.touchRead(from, to);
                }
                touch.end = to;
                return to < end;
            } catch (IOException e) {
                log.debug("Cannot read ahead in the journal file {}: {}", target, e.toString());
                touch.close();
                return false;
            }
        }
    }

    private static final long PAGE = 4096;

    /**
     * The pretouching side's own read-only view of the current file.
     *
     * <p>Why not plain reads: reading the file in order, the kernel takes it for a sequential stream and
     * reads ahead of it, up to the disk's {@code read_ahead_kb} (8 MB on this project's machines) in one
     * call that allocates and zeroes every page of that window (the reserved space reads as zeros). One
     * such call held a CPU for up to 28 ms, and the I/O threads woken on that CPU waited behind it: p99
     * 10-15 ms at a tenth of the collector's maximum rate, 0.8 ms with {@code read_ahead_kb} at 128
     * (BENCHMARKS.md, latency). A page of a mapping advised {@code MADV_RANDOM} is faulted in alone, with
     * no read-around, so this thread does one page of work at a time and can be preempted between pages.
     */
    private static final class Touch {
        /** The native binding for madvise; null where there is none (then plain reads, downwards). */
        private final PosixAPI posix;

        final java.nio.ByteBuffer probe = java.nio.ByteBuffer.allocateDirect(1);
        Path file;
        FileChannel channel;
        long end;
        /** What the touches read (kept so that the reads are not optimised away). */
        long sum;

        Touch(PosixAPI posix) {
            this.posix = posix;
        }

        /** Bytes of the file mapped at a time: one map and unmap (a TLB shootdown on every core) per window. */
        private static final long WINDOW = 8L << 20;

        private long windowAddress; // 0: none mapped
        private long windowStart;

        /**
         * Reads a byte of each page of [from, to) through a read-only mapping advised random, mapped one
         * aligned window at a time. False when it cannot map (then the caller reads instead).
         */
        boolean touchMapped(long from, long to) throws IOException {
            if (posix == null) {
                return false;
            }
            long at = from;
            while (at < to) {
                long start = at & ~(WINDOW - 1);
                if (windowAddress == 0 || windowStart != start) {
                    unmapWindow();
                    if (start + WINDOW > channel.size()) {
                        return false; // the file does not reach the window's end yet: mapping it could fault
                    }
                    try {
                        windowAddress = OS.map(channel, FileChannel.MapMode.READ_ONLY, start, WINDOW);
                    } catch (IOException | RuntimeException e) {
                        windowAddress = 0;
                        return false;
                    }
                    windowStart = start;
                    posix.madvise(windowAddress, WINDOW, MAdviseFlag.MADV_RANDOM);
                }
                long until = Math.min(to, start + WINDOW);
                long s = 0;
                try {
                    for (long page = at & ~(PAGE - 1); page < until; page += PAGE) {
                        s += UnsafeMemory.MEMORY.readByte(windowAddress + (page - start));
                    }
                } catch (InternalError e) {
                    // SIGBUS: the file was cut short under the mapping (Chronicle shrinks a file it rolled away from)
                    unmapWindow();
                    return true;
                }
                sum += s;
                at = until;
            }
            return true;
        }

        private void unmapWindow() {
            if (windowAddress != 0) {
                try {
                    OS.unmap(windowAddress, WINDOW);
                } catch (IOException e) {
                    log.debug("Cannot unmap the journal's read-ahead view: {}", e.toString());
                }
                windowAddress = 0;
            }
        }

        /**
         * Reads a byte of each page of [from, to), last page first: read downwards, each read misses with
         * no cached page just before it, so the kernel brings in that page only instead of reading ahead.
         */
        void touchRead(long from, long to) throws IOException {
            long top = (to - 1) & ~(PAGE - 1);
            for (long at = top; at >= from; at -= PAGE) {
                probe.clear();
                channel.read(probe, at);
            }
        }

        void close() {
            unmapWindow();
            closeQuietly(channel);
            channel = null;
            file = null;
            end = 0;
        }
    }

    /** Syncs done so far with fsync on (one serves every append before it); 0 without fsync. */
    long syncs() {
        return sync.syncs();
    }

    private void reserveFor(long bytes) {
        int cycle = queue.cycle();
        Wire wire = appender.wire();
        if (wire != null && appender.cycle() == cycle && file != null) {
            space.reserve(file, wire.bytes().writePosition(), bytes);
            return;
        }
        // This append opens a cycle file (the first append of this process, or the hour rolled).
        Path target = dir.resolve(cycleName(cycle) + ".cq4");
        if (Files.exists(target)) {
            space.reserve(target, endOfLastExcerpt(cycle) + SpaceReserver.HEADROOM, bytes);
        } else {
            // Chronicle renames a "pre-created" file into place when it creates a cycle: allocating that
            // one first means the file's header and first index are written into allocated blocks too.
            Path precreated = PrecreatedFiles.preCreatedFile(target.toFile()).toPath();
            try {
                if (!Files.exists(precreated)) {
                    Files.createFile(precreated);
                }
            } catch (IOException e) {
                throw new JournalFullException("cannot create the journal's next cycle file " + precreated + ": " + e);
            }
            space.reserve(target, precreated, SpaceReserver.HEADROOM, bytes);
        }
        rolledTo(target);
    }

    /**
     * Switches the file that fsync forces; the previous one is forced whole first. Nothing changes until
     * each step succeeded, so the next append retries a failed one: a new file must never be left
     * without a channel (its appends would be acknowledged and never forced).
     */
    private void rolledTo(Path target) {
        if (target.equals(file)) {
            return;
        }
        if (channel != null) {
            FileChannel previous;
            try {
                previous = currentChannel();
                previous.force(false);
            } catch (IOException e) {
                sync.failed(appended); // appends still waiting for their sync are in that file: not on disk
                throw new JournalSyncException("the journal's fsync of " + file + " failed: " + e.getMessage(), e);
            }
            closeQuietly(previous);
            closedAfterForce = previous;
            channel = null;
        }
        if (fsync) {
            try {
                channel = openForSync(target);
            } catch (IOException e) {
                throw new JournalSyncException("cannot open " + target + " to fsync it: " + e.getMessage(), e);
            }
            directoryForced = false;
        }
        file = target;
    }

    /** Opened on the pre-created file while there is one: a rename keeps the file it names. */
    private static FileChannel openForSync(Path target) throws IOException {
        Path open = Files.exists(target)
                ? target
                : PrecreatedFiles.preCreatedFile(target.toFile()).toPath();
        return FileChannel.open(open, StandardOpenOption.WRITE);
    }

    /**
     * The channel of the current file, reopened when an interrupt closed it (a FileChannel closes itself
     * when the thread in its force() is interrupted); null without fsync or before the first append.
     */
    private FileChannel currentChannel() throws IOException {
        if (channel != null && !channel.isOpen()) {
            channel = openForSync(file);
        }
        return channel;
    }

    private synchronized boolean wasClosedAfterForce(FileChannel c) {
        return c == closedAfterForce;
    }

    private synchronized GroupSync.Snapshot syncSnapshot() throws IOException {
        if (!directoryForced) {
            // A new cycle file's name must survive a power loss too: force the folder once per file.
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
                directoryForced = true;
            } catch (IOException e) {
                log.warn("Cannot fsync the journal folder {}: {}", dir, e.toString());
            }
        }
        unmapWrittenPages();
        return new GroupSync.Snapshot(appended, currentChannel());
    }

    /**
     * With fsync, before each sync: takes the whole pages appended since the last sync out of the
     * appender's mapping ({@code MADV_DONTNEED}; for a shared file mapping that only drops the page-table
     * entries, the dirty pages stay in the page cache and the sync writes them). Why: the sync's writeback
     * write-protects every mapped dirty page it writes, one page-table entry and one TLB flush at a time,
     * and each flush interrupts the other CPU running the collector (an IPI, a VM exit on a VM): 22 % of
     * all CPU under {@code --fsync} load (BENCHMARKS.md, fsync). Unmapped here, the range costs one flush.
     * The appends never come back to those pages. A later read fault nearby maps some back (the kernel's
     * fault-around), read-only, so writeback has nothing to write-protect there; Chronicle's index
     * entries written into them fault the page back in from the page cache. The partly written page at
     * the append position stays mapped.
     */
    private void unmapWrittenPages() {
        Wire wire = appender.wire();
        if (posix == null || wire == null) {
            return;
        }
        BytesStore<?, ?> store = wire.bytes().bytesStore();
        if (!(store instanceof MappedBytesStore mapped)) {
            return;
        }
        long to = wire.bytes().writePosition() & ~(PAGE - 1);
        if (store != unmappedIn) {
            // a new file or chunk: start at its first sync's position (below it: the file's header and
            // Chronicle's first index, rewritten by every append)
            unmappedIn = store;
            unmappedTo = to;
            return;
        }
        long from = Math.max(unmappedTo, mapped.start());
        if (to <= from) {
            return;
        }
        try {
            posix.madvise(mapped.addressForRead(from), to - from, MAdviseFlag.MADV_DONTNEED);
            unmappedTo = to;
        } catch (RuntimeException e) {
            log.debug("Cannot unmap the journal's synced pages: {}", e.toString());
        }
    }

    /** Where the last excerpt of {@code cycle} ends in its file, read back by a tailer; 0 when none. */
    private long endOfLastExcerpt(int cycle) {
        long last = queue.lastIndex();
        if (last == Long.MIN_VALUE || queue.rollCycle().toCycle(last) != cycle) {
            return 0;
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(last)) {
                return 0;
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                return dc.isPresent() ? dc.wire().bytes().readLimit() : 0;
            }
        }
    }

    /** The name of a cycle's file without its extension, as Chronicle names it ({@code 20261201-10F}). */
    private String cycleName(int cycle) {
        return cycleFormat.format(
                Instant.ofEpochMilli((long) cycle * queue.rollCycle().lengthInMillis()));
    }

    /** Pre-created files of hours gone by, left when a process died between creating one and using it. */
    private void removeStalePrecreatedFiles() {
        String current = cycleName(queue.cycle());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.precreated")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.compareTo(current) < 0) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            log.debug("Cannot list pre-created files in {}: {}", dir, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            appender.close();
            space.close();
            synchronized (touch) {
                touch.close();
            }
            FileChannel last = currentChannel();
            channel = null;
            if (last != null) {
                try {
                    last.force(false);
                    closedAfterForce = last;
                } finally {
                    closeQuietly(last);
                }
            }
        } catch (IOException e) {
            sync.failed(appended); // appends still waiting for their sync: not on disk
            log.warn("Closing the journal queue {}: {}", dir, e.toString());
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.debug("Releasing {}: {}", LOCK_FILE, e.toString());
            }
            APPENDING.remove(key);
        }
    }

    /**
     * The queue's clock, held still by the writer for the length of one append, on the appending thread
     * only (Chronicle reads the clock again inside the append to pick its cycle file; tailers and other
     * threads see the source clock). Install it with the queue's builder.
     */
    static final class AppendClock implements TimeProvider {
        private final TimeProvider source;
        private volatile Thread holder;
        private long heldMillis; // written and read by the holder only

        AppendClock(TimeProvider source) {
            this.source = source;
        }

        @Override
        public long currentTimeMillis() {
            return Thread.currentThread() == holder ? heldMillis : source.currentTimeMillis();
        }

        void hold() {
            heldMillis = source.currentTimeMillis();
            holder = Thread.currentThread();
        }

        void release() {
            holder = null;
        }
    }
}
