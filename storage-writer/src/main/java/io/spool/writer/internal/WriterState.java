package io.spool.writer.internal;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A writer's own state beside the journal it reads ({@code <journal>/writer/<writer-id>/}): the
 * deduplication window's ids (one segment file per commit), the note of the commit in progress
 * ({@link CommitIntent}) and a local copy of the positions its tables record. Kept with the journal,
 * not with the lake, because it speaks of this journal's indexes. A lock file keeps a second writer with the same id
 * away from the same journal.
 */
public final class WriterState implements Closeable {
    private static final String POSITIONS = "positions";
    private static final String SEGMENT_SUFFIX = ".ids";
    /** Bytes of a segment written at a time (a multiple of an id's 24 bytes, plus the count's 4). */
    private static final int SEGMENT_WRITE_BUFFER = 4 + 24 * 2048;

    private final Path dir;
    private final Path dedupDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final StateIo io;
    private Positions positions;

    public WriterState(Path dir) throws IOException {
        this(dir, StateIo.NONE);
    }

    WriterState(Path dir, StateIo io) throws IOException {
        this.dir = dir;
        this.io = io;
        this.dedupDir = dir.resolve("dedup");
        Files.createDirectories(dedupDir);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IllegalStateException("another storage writer with the same writer id is running on " + dir);
        }
        this.lock = l;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The positions of the last commit this writer made, as a local copy. The tables' snapshots are the
     * truth; this copy stands in only where the snapshot that recorded them was expired by someone else.
     */
    public Positions positions() throws IOException {
        if (positions != null) {
            return positions;
        }
        Path file = dir.resolve(POSITIONS);
        if (!Files.exists(file)) {
            return positions = Positions.NONE;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        try {
            return positions = new Positions(
                    Long.parseLong(p.getProperty("events", "-1")),
                    Long.parseLong(p.getProperty("eventsRejected", "-1")),
                    Long.parseLong(p.getProperty("deadLetters", "-1")),
                    Long.parseLong(p.getProperty("commit", "0")));
        } catch (NumberFormatException e) {
            throw new IOException("the positions file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Replaces the local positions atomically: written to a temporary file, fsynced, renamed over the old one. */
    public void writePositions(Positions next) throws IOException {
        if (next.equals(positions)) {
            return;
        }
        String text = "events=" + next.events() + "\neventsRejected=" + next.eventsRejected() + "\ndeadLetters="
                + next.deadLetters() + "\ncommit=" + next.seq() + "\n";
        Path tmp = dir.resolve(POSITIONS + ".tmp");
        io.before(StateIo.POSITIONS_WRITE, tmp);
        writeDurably(tmp, text.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, dir.resolve(POSITIONS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LocalOutputStore.syncDirectory(dir);
        positions = next;
    }

    /**
     * This journal's identity, a random id made the first time a writer runs on it and kept in
     * {@code <journal>/writer/journal-id}. Each commit carries it, so a writer id that another journal
     * already commits under is refused instead of mixing two journals' positions.
     */
    public String journalId() throws IOException {
        Path file = dir.getParent().resolve("journal-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = java.util.UUID.randomUUID().toString();
        Path tmp = dir.getParent().resolve("journal-id.tmp");
        writeDurably(tmp, (id + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }

    /** Where the note of the commit in progress is kept ({@link CommitIntent}). */
    Path intentFile() {
        return dir.resolve("commit-intent");
    }

    private static void writeDurably(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
    }

    /** A dedup segment: the ids a commit wrote, named by the events index range it covers. */
    public record Segment(Path file, long first, long last) {}

    /** Writes a commit's ids to a temporary file; {@link #publishSegment} gives it its name. */
    public Path writeSegmentTemp(DedupIndex.Pending ids) throws IOException {
        Path tmp = dedupDir.resolve("pending" + SEGMENT_SUFFIX + ".tmp");
        io.before(StateIo.DEDUP_WRITE, tmp);
        // The layout is the big-endian int count, then hi, lo, time per id. Written through one small
        // buffer, not one the size of the segment: at commit that would be a second copy of the pending
        // ids on the heap (24 B a row; and the JDK copies a heap buffer into a direct one as large).
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(SEGMENT_WRITE_BUFFER);
        long[] raw = ids.raw();
        int longs = 3 * ids.size();
        bytes.putInt(ids.size());
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int done = 0;
            while (true) {
                int n = Math.min(longs - done, bytes.remaining() / Long.BYTES);
                bytes.asLongBuffer().put(raw, done, n);
                bytes.position(bytes.position() + n * Long.BYTES);
                done += n;
                bytes.flip();
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                bytes.clear();
                if (done == longs) {
                    break;
                }
            }
            channel.force(true);
        }
        return tmp;
    }

    /**
     * Gives a written segment its name and makes the name durable (the folder fsynced), before the commit
     * whose ids it holds is published: once the tables show that commit, a power cut cannot take its ids
     * away (which would let a client's retry of those events in again). Recovery deletes a segment whose
     * commit did not land ({@link #deleteSegments}).
     */
    public void publishSegment(Path tmp, long first, long last) throws IOException {
        Path segment = segmentFile(first, last);
        io.before(StateIo.DEDUP_PUBLISH, segment);
        Files.move(tmp, segment, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        io.before(StateIo.DEDUP_SYNC, dedupDir);
        LocalOutputStore.syncDirectory(dedupDir);
    }

    /**
     * Deletes segments of commits that did not land, and makes the deletion durable before the writer
     * commits again: a segment that came back after a power cut would name events that were never
     * committed, and they would be dropped as duplicates when read again.
     */
    void deleteSegments(List<Segment> stale) throws IOException {
        if (stale.isEmpty()) {
            return;
        }
        for (Segment s : stale) {
            Files.deleteIfExists(s.file());
        }
        io.before(StateIo.DEDUP_SYNC, dedupDir);
        LocalOutputStore.syncDirectory(dedupDir);
    }

    /** The published segment of the commit that covered events {@code first}..{@code last}. */
    Path segmentFile(long first, long last) {
        return dedupDir.resolve(first + "-" + last + SEGMENT_SUFFIX);
    }

    /** Every published segment; also deletes temporaries (only called before the writer runs). */
    public List<Segment> segments() throws IOException {
        List<Segment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(dedupDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                    continue;
                }
                if (!name.endsWith(SEGMENT_SUFFIX)) {
                    continue;
                }
                String[] range = name.substring(0, name.length() - SEGMENT_SUFFIX.length())
                        .split("-");
                if (range.length == 2) {
                    try {
                        segments.add(new Segment(f, Long.parseLong(range[0]), Long.parseLong(range[1])));
                    } catch (NumberFormatException ignored) {
                        // not ours
                    }
                }
            }
        }
        segments.sort((a, b) -> Long.compare(a.first(), b.first()));
        return segments;
    }

    /** Reads a segment's ids into {@code index}; returns the newest time in it. */
    public static long readSegment(Segment segment, DedupIndex index) throws IOException {
        long newest = Long.MIN_VALUE;
        try (DataInputStream in =
                new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(segment.file()), 1 << 16))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                long hi = in.readLong();
                long lo = in.readLong();
                long time = in.readLong();
                if (index != null) {
                    index.restore(hi, lo, time);
                }
                newest = Math.max(newest, time);
            }
        }
        return newest;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
