package io.spool.journal;

import java.nio.file.Path;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocates disk blocks of the cycle file ahead of the appender, so that no write into the
 * memory-mapped file ever needs a new block. Why: a mapped write that finds the disk full is not an
 * error the writer can catch; the kernel sends SIGBUS, the JVM loses the write and raises an
 * {@code InternalError} later, possibly after the request was answered 200. With the blocks
 * allocated first by {@code fallocate(2)}, a full disk shows up here, before the append, as a
 * {@link JournalFullException}; and because another process cannot take allocated blocks, it cannot
 * fill the disk under an append either.
 *
 * <p>{@code fallocate} with mode 0 never changes bytes already in the file (it only allocates holes),
 * so reserving over a range Chronicle has written is harmless: the reservation needs only an upper
 * bound of where Chronicle writes next. Not thread safe: the {@link QueueWriter}'s lock guards it.
 */
final class SpaceReserver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpaceReserver.class);
    /** Allocated past the write position in one call: few system calls, little unused tail per file. */
    static final long STEP = 8L << 20;
    /** Beyond an excerpt, what Chronicle may write before the next reservation: index arrays, headers, EOF. */
    static final long HEADROOM = 1L << 20;

    private static final int O_RDWR = 2; // Linux; Chronicle's OpenFlag constants are not Linux's
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;

    private static volatile boolean unsupportedLogged;

    private boolean supported;
    private final PosixAPI posix;
    private static final int PUNCH_HOLE_KEEP_SIZE = 0x02 | 0x01; // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE

    private Path file;
    private int fd = -1;
    private long reservedEnd;
    private long writtenEnd; // where the last reserved-for append ends, at most
    // The file before the last switch, kept open until the append that rolled has written its EOF there.
    private int previousFd = -1;
    private long previousWrittenEnd;
    private long previousReservedEnd;

    /** @param posix the native binding ({@link NativePosix#orNull()}); null where there is none */
    SpaceReserver(PosixAPI posix) {
        this.posix = posix;
        this.supported = posix != null;
        if (!supported) {
            logUnsupported("no native fallocate on " + System.getProperty("os.name"));
        }
    }

    /** The end of the allocated range of the current file (for tests and metrics). */
    long reservedEnd() {
        return reservedEnd;
    }

    /**
     * Makes sure blocks up to {@code writeEnd + bytes + HEADROOM} of {@code target} are allocated.
     *
     * @param writeEnd an upper bound of where Chronicle writes next in {@code target}
     * @throws JournalFullException when the disk has no room for this append
     */
    void reserve(Path target, long writeEnd, long bytes) {
        reserve(target, target, writeEnd, bytes);
    }

    /**
     * As {@link #reserve(Path, long, long)}, for a cycle file not created yet: {@code open} is the
     * pre-created file Chronicle will rename to {@code target} (the same file, so not a switch).
     */
    void reserve(Path target, Path open, long writeEnd, long bytes) {
        if (!supported) {
            return;
        }
        if (!target.equals(file) && !switchTo(target, open)) {
            return; // no posix binding after all
        }
        writtenEnd = writeEnd + bytes;
        long needed = writeEnd + bytes + HEADROOM;
        if (needed <= reservedEnd) {
            return;
        }
        // From 0 on a file not yet reserved in this process: its earlier blocks are allocated already
        // (no-op) or are holes a crashed run left; both are fine to allocate now.
        long from = reservedEnd;
        if (allocate(from, needed + STEP)) {
            reservedEnd = needed + STEP;
        } else if (allocate(from, needed)) {
            reservedEnd = needed; // the last few megabytes of the disk
        } else {
            int errno = posix.lastError();
            if (errno == EOPNOTSUPP || errno == ENOSYS) {
                supported = false;
                logUnsupported("the file system of " + file + " does not support fallocate");
                close();
                return;
            }
            if (errno == ENOSPC || errno == EDQUOT) {
                throw new JournalFullException(
                        "the journal's disk is full: no room for " + bytes + " bytes in " + file);
            }
            throw new JournalFullException("cannot allocate space in " + file + ": " + posix.strerror(errno));
        }
    }

    private boolean allocate(long from, long to) {
        return posix.fallocate(fd, 0, from, to - from) == 0;
    }

    private boolean switchTo(Path target, Path open) {
        releasePrevious();
        if (fd >= 0) {
            previousFd = fd;
            previousWrittenEnd = writtenEnd;
            previousReservedEnd = reservedEnd;
            fd = -1;
        }
        int opened;
        try {
            opened = posix.open(open.toString(), O_RDWR, 0);
        } catch (RuntimeException | LinkageError e) {
            // PosixAPI.posix() hands out a stub that throws when JNR cannot load (a noexec temp folder, say)
            supported = false;
            logUnsupported("no native posix binding: " + e);
            close();
            return false;
        }
        if (opened < 0) {
            throw new JournalFullException("cannot open " + open + " to allocate space: " + posix.lastErrorStr());
        }
        fd = opened;
        file = target;
        reservedEnd = 0;
        return true;
    }

    /**
     * Gives back the unused allocation of the file before the last switch (up to 8 MB per hourly file
     * otherwise stays allocated for the journal's retention), keeping the headroom past its last append
     * where Chronicle writes the end-of-file marker. Call after the append that rolled.
     */
    void releasePrevious() {
        if (previousFd < 0) {
            return;
        }
        long from = (previousWrittenEnd + HEADROOM + 4095) & ~4095L;
        try {
            if (previousReservedEnd > from
                    && posix.fallocate(previousFd, PUNCH_HOLE_KEEP_SIZE, from, previousReservedEnd - from) != 0) {
                log.debug("Cannot give back the unused space of the journal's previous file: {}", posix.lastErrorStr());
            }
        } catch (RuntimeException | LinkageError e) {
            // Runs after a stored append: failing here would answer "not stored" for it (the binding
            // rethrows a missing fallocate symbol for any mode but 0).
            log.debug("Cannot give back the unused space of the journal's previous file: {}", e.toString());
        }
        posix.close(previousFd);
        previousFd = -1;
    }

    private static void logUnsupported(String why) {
        if (!unsupportedLogged) {
            unsupportedLogged = true;
            log.warn(
                    "The journal cannot reserve disk space ahead of its appends ({}): keep --min-free-disk above "
                            + "what can arrive between two checks, or a full disk can cost acknowledged events",
                    why);
        }
    }

    @Override
    public void close() {
        releasePrevious();
        if (fd >= 0) {
            posix.close(fd);
            fd = -1;
        }
        file = null;
        reservedEnd = 0;
    }
}
