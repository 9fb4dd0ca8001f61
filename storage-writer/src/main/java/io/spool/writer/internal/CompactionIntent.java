package io.spool.writer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The note of the {@link Compaction} in progress, {@value #NAME} beside the commit intent, that makes it
 * crash safe. Before creating anything, a compaction notes the files it replaces and each file it creates.
 * A writer that finds the note on start re-reads the table ({@link #settle}): if the rewrite committed (a
 * snapshot with its nonce in the current ancestry, or one of its new files live) the replaced files still
 * there are deleted; if not, its new files are.
 *
 * <p>Format: a first line {@code compaction <nonce> <table> <day>}, then {@code replaced <location>} lines
 * written (and synced) before anything is created, {@code added <location>} lines each synced before its
 * file is created, and {@code unknown} when the commit's outcome could not be learned. Used on the
 * writer's thread only.
 */
final class CompactionIntent {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionIntent.class);
    static final String NAME = "compaction-intent";

    /** What the note holds: the compaction's nonce, table and day, the files it replaces and creates. */
    record Left(String nonce, String table, int day, List<String> replaced, List<String> added, boolean unknown) {}

    private final Path file;
    private final List<String> added = new ArrayList<>();
    private FileChannel channel;
    /** False while a compaction note of an earlier run (or an unknown outcome) still waits to be settled. */
    private boolean settled;

    CompactionIntent(Path file) {
        this.file = file;
    }

    /** Starts the note of a compaction (replacing whatever was there), before it creates anything. */
    void begin(String nonce, String table, int day, List<String> replaced) throws IOException {
        close();
        added.clear();
        StringBuilder text = new StringBuilder("compaction ")
                .append(nonce)
                .append(' ')
                .append(table)
                .append(' ')
                .append(day)
                .append('\n');
        replaced.forEach(l -> text.append("replaced ").append(l).append('\n'));
        channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        append(text.toString());
        LocalOutputStore.syncDirectory(file.getParent());
    }

    /** Notes a new file before it is created. */
    void noteAdded(String location) throws IOException {
        append("added " + location + "\n");
        added.add(location);
    }

    /** The commit's outcome could not be learned: the note stays, for the next run to settle. */
    void markUnknown() throws IOException {
        append("unknown\n");
        close();
        settled = false;
    }

    /** Until {@link #clear}: the note is left to settle, should what comes next fail. */
    void markUnsettled() {
        settled = false;
    }

    /** Whether no note waits to be settled, so that a new compaction may begin (and overwrite the note). */
    boolean settled() {
        return settled;
    }

    /** The new files noted since {@link #begin}. */
    List<String> added() {
        return List.copyOf(added);
    }

    private void append(String line) throws IOException {
        if (channel == null) {
            throw new IllegalStateException("no compaction begun");
        }
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
    }

    /** The compaction is decided (committed, or its files dealt with): forget it. */
    void clear() throws IOException {
        close();
        added.clear();
        Files.deleteIfExists(file);
        settled = true;
    }

    /** What the note holds, or null; a torn last line (a crash mid-write) is left out: its file was never created. */
    Left read() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
        String[] head = lines.length == 0 ? new String[0] : lines[0].split(" ");
        if (head.length != 4 || !head[0].equals("compaction")) {
            return null; // torn before the first line was whole: nothing was created
        }
        List<String> replaced = new ArrayList<>();
        List<String> newFiles = new ArrayList<>();
        boolean unknown = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("replaced ")) {
                replaced.add(line.substring(9));
            } else if (line.startsWith("added ")) {
                newFiles.add(line.substring(6));
            } else if (line.equals("unknown")) {
                unknown = true;
            }
        }
        return new Left(head[1], head[2], Integer.parseInt(head[3]), replaced, newFiles, unknown);
    }

    /**
     * Settles the compaction the note describes, if any, from what the table shows now: committed (a
     * snapshot with its nonce in the current ancestry, or one of its new files live, should that snapshot
     * have been expired since) deletes the replaced files that are not live; not committed deletes its new
     * files, unless the note says the outcome was unknown, when nothing is deleted.
     */
    void settle(Lake lake, Duration orphanAge) throws IOException {
        Left left = read();
        if (left == null) {
            settled = true;
            return;
        }
        Table table = Compaction.table(lake, left.table());
        table.refresh();
        Set<String> live = new HashSet<>();
        Snapshot current = table.currentSnapshot();
        if (current != null) {
            for (DataFile f : filesOfDay(table, current, left.table(), left.day())) {
                live.add(f.location());
            }
        }
        boolean committed = Compaction.hasCompaction(table, left.nonce())
                || left.added().stream().anyMatch(live::contains);
        OutputStore store = lake.store();
        int deleted = 0;
        if (committed) {
            for (String f : left.replaced()) {
                if (!live.contains(f)) {
                    store.delete(f);
                    deleted++;
                }
            }
            LOG.info(
                    "storage writer: the compaction {} of {} an earlier run left had committed; deleted the {} file(s)"
                            + " it replaced",
                    left.nonce(),
                    left.table(),
                    deleted);
        } else if (left.unknown()) {
            LOG.warn(
                    "storage writer: the compaction {} of {} whose outcome was unknown does not show in the table; kept"
                            + " its {} new file(s) and the small ones: orphan removal takes the new ones after {}",
                    left.nonce(),
                    left.table(),
                    left.added().size(),
                    orphanAge);
        } else {
            for (String f : left.added()) {
                if (!live.contains(f)) {
                    if (store.renames()) {
                        store.delete(store.temporary(f));
                    }
                    store.delete(f);
                    deleted++;
                }
            }
            LOG.info(
                    "storage writer: the compaction {} of {} an earlier run left had not committed; deleted its {} new"
                            + " file(s)",
                    left.nonce(),
                    left.table(),
                    deleted);
        }
        clear();
    }

    private static List<DataFile> filesOfDay(Table table, Snapshot snapshot, String name, int day) throws IOException {
        String column = Compaction.partitionColumn(name);
        long start = day * Compaction.DAY_MICROS;
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan()
                .useSnapshot(snapshot.snapshotId())
                .filter(Expressions.and(
                        Expressions.greaterThanOrEqual(column, start),
                        Expressions.lessThan(column, start + Compaction.DAY_MICROS)))
                .ignoreResiduals()
                .planFiles()) {
            tasks.forEach(t -> files.add(t.file()));
        }
        return files;
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
