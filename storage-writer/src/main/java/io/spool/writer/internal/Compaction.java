package io.spool.writer.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.DateTimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction of this writer's small files, part of the {@link TableUpkeep}.
 *
 * <p>A trickle of traffic makes one small file per commit in each day partition. A
 * partition this writer committed small files into is compacted once it is closed (its day ended more
 * than an hour ago) and holds two or more of them, or while still open once it holds
 * {@link WriterConfig.Upkeep#openPartitionFiles()}. Only this writer's files (named
 * {@code part-<writer-id>-…}): with many writers on one table each compacts its own, so two never race to
 * rewrite the same files. The files come from a scan of the table filtered to the day, never from a
 * listing. Their rows are read with Iceberg's generic Parquet reader and written into one new file (a new
 * one every {@value #TARGET_FILE_BYTES} bytes), published like the writer's own files (written under a
 * temporary name, renamed where the store renames), and swapped in by one rewrite commit that carries
 * {@code spool.compaction=<nonce>} in its summary. Rewriting the events table drops rows whose
 * {@code message_id} repeats among the rows rewritten, keeping the earliest {@code received_at}: client
 * retries the dedup window let through (a window of zero, a retry later than the window). Duplicates in
 * files of another writer (a retry that reached another collector) are not seen: that writer's files
 * are its own.
 *
 * <p>DuckDB reads the data folder directly ({@code read_parquet} over {@code data/**}), so the files a
 * rewrite replaces are deleted right after its commit: the folder then holds the table's rows once.
 * Between publishing the new files and deleting the old ones (the commit's duration) a glob may see both.
 *
 * <p>The three outcomes of the commit (the note that makes them safe across a crash is the
 * {@link CompactionIntent}): committed (old files deleted); failed, a conflict Iceberg could not retry past
 * (new files deleted, old ones stay and are compacted later); unknown (nothing is deleted; the next upkeep
 * re-reads the table, deletes the replaced files if the rewrite shows by then, and otherwise leaves the
 * unreferenced side to orphan removal).
 *
 * <p>Commits wait while the upkeep runs. Iceberg's generic reader and writer rewrite about 55,000 event
 * rows (2.8 MB of our files) a second on a 2-core machine (300,000 rows in 120 files: 5.3 s, both passes),
 * so one run rewrites at most {@value #MAX_REWRITE_BYTES} bytes and {@value #MAX_REWRITE_ROWS} rows (at
 * least two files): a pause of about 20 s at most, and a dedup table of about 50 MB at most (24 bytes a
 * slot, 40 to 80 bytes a row). What is left is compacted in the next runs.
 */
final class Compaction {
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
    /** The snapshot summary key of a rewrite commit: the compaction's nonce. */
    static final String COMPACTION = "spool.compaction";

    private static final String DIRTY_FILE = "compaction-partitions";
    private static final long DAY_MILLIS = 86_400_000L;
    static final long DAY_MICROS = DAY_MILLIS * 1000;
    /** A day partition counts as closed this long after its day ended (late commits of a writer that keeps up). */
    private static final long CLOSED_AFTER_MILLIS = 3_600_000L;
    /** A compaction's new file rolls over at this size: the row group size, what engines split on. */
    static final long TARGET_FILE_BYTES = 128L << 20;
    /** Bytes of small files one upkeep run rewrites at most (see the class comment). */
    static final long MAX_REWRITE_BYTES = 64L << 20;
    /** Rows one upkeep run rewrites at most. */
    static final long MAX_REWRITE_ROWS = 1_000_000;

    private static final int ROWS_PER_SIZE_CHECK = 1024;

    private final WriterConfig config;
    private final Lake lake;
    private final String writerId;
    /** This writer's file names: a commit's ({@code part-<id>-[dl]<index>-<attempt>}) or a compaction's ({@code part-<id>-c<nonce>-<n>}). */
    private final Pattern ownFile;

    private final CompactionIntent intent;
    /**
     * Partitions this writer committed small files into and that may need compacting; kept in
     * {@value #DIRTY_FILE} too, so that a restart between a commit and the next upkeep does not forget them.
     */
    private final Set<Partition> dirty = new TreeSet<>();

    private final Path dirtyFile;

    /** A day partition of one of the two tables. */
    record Partition(String table, int day) implements Comparable<Partition> {
        @Override
        public int compareTo(Partition o) {
            int c = Integer.compare(day, o.day);
            return c != 0 ? c : table.compareTo(o.table);
        }
    }

    /** What one run compacted, for the log line and the metrics. */
    static final class Counts {
        int partitions;
        int filesIn;
        int filesOut;
        long bytesIn;
        long bytesOut;
        long duplicates;
    }

    /** A file a compaction wrote: its temporary name, its final location and its entry for the table. */
    private record NewFile(String temporary, String location, DataFile file) {}

    Compaction(WriterConfig config, Lake lake, WriterState state, CompactionIntent intent) {
        this.config = config;
        this.lake = lake;
        this.writerId = config.writerId();
        this.ownFile = Pattern.compile(
                "part-" + Pattern.quote(writerId) + "-(?:(?:dl)?\\d+-[0-9a-f]{8}|c[0-9a-f]{12}-\\d+)\\.parquet");
        this.intent = intent;
        this.dirtyFile = state.dir().resolve(DIRTY_FILE);
        loadDirty();
        // Should that note be lost: the days a restart most likely left uncompacted.
        int today = CommitFiles.dayOf(config.clock().millis());
        for (int day = today - 2; day <= today; day++) {
            dirty.add(new Partition("events", day));
            dirty.add(new Partition("rejected", day));
        }
    }

    /** Notes what a commit published: partitions it added small files to are looked at by the next run. */
    void committed(List<CommitFiles.Written> files) {
        long small = config.upkeep().smallFileBytes();
        boolean changed = false;
        for (CommitFiles.Written w : files) {
            if (w.file().fileSizeInBytes() < small) {
                Integer day = w.file().partition().get(0, Integer.class);
                if (day != null) {
                    changed |= dirty.add(new Partition(w.table().name, day));
                }
            }
        }
        if (changed) {
            saveDirty();
        }
    }

    private void loadDirty() {
        try {
            if (Files.exists(dirtyFile)) {
                for (String line : Files.readAllLines(dirtyFile, StandardCharsets.UTF_8)) {
                    String[] parts = line.split(" ");
                    if (parts.length == 2 && (parts[0].equals("events") || parts[0].equals("rejected"))) {
                        dirty.add(new Partition(parts[0], Integer.parseInt(parts[1])));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("storage writer: ignoring the unreadable {} ({})", dirtyFile, e.toString());
        }
    }

    /** Replaces the note of the partitions to look at. Not synced: losing it only delays a compaction. */
    private void saveDirty() {
        StringBuilder text = new StringBuilder();
        dirty.forEach(p -> text.append(p.table()).append(' ').append(p.day()).append('\n'));
        Path tmp = dirtyFile.resolveSibling(DIRTY_FILE + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    dirtyFile,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("storage writer: could not note the partitions to compact in {} ({})", dirtyFile, e.toString());
        }
    }

    static Table table(Lake lake, String name) {
        return name.equals("events") ? lake.events() : lake.rejected();
    }

    static String partitionColumn(String table) {
        return table.equals("events") ? "timestamp" : "received_at";
    }

    /**
     * Compacts what is due, closed partitions first, and notes the partitions left to look at; returns the
     * first failure (the others still ran).
     */
    Exception compact(Counts counts) {
        int dirtyBefore = dirty.size();
        long now = config.clock().millis();
        long budget = MAX_REWRITE_BYTES;
        long rowBudget = MAX_REWRITE_ROWS;
        Set<String> refreshed = new HashSet<>();
        List<Partition> order = new ArrayList<>(dirty);
        order.sort(Comparator.comparing((Partition p) -> !closed(p, now)).thenComparing(Comparator.naturalOrder()));
        Exception failure = null;
        for (Partition p : order) {
            if (budget <= 0 || rowBudget <= 0 || !intent.settled()) {
                break; // out of budget, or a note is left that the next compaction would overwrite
            }
            try {
                Table table = table(lake, p.table());
                if (refreshed.add(p.table())) {
                    table.refresh();
                }
                Snapshot base = table.currentSnapshot();
                boolean closed = closed(p, now);
                List<DataFile> small = base == null ? List.of() : ownSmallFiles(table, base, p);
                if (small.size() < (closed ? 2 : Math.max(2, config.upkeep().openPartitionFiles()))) {
                    if (closed) {
                        dirty.remove(p);
                    }
                    continue;
                }
                List<DataFile> chosen = new ArrayList<>();
                long bytes = 0;
                long rows = 0;
                for (DataFile f : small) {
                    if (chosen.size() >= 2
                            && (bytes + f.fileSizeInBytes() > budget || rows + f.recordCount() > rowBudget)) {
                        break;
                    }
                    chosen.add(f);
                    bytes += f.fileSizeInBytes();
                    rows += f.recordCount();
                }
                budget -= bytes;
                rowBudget -= rows;
                if (rewrite(table, p, base, chosen, counts) && closed && chosen.size() == small.size()) {
                    dirty.remove(p);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "storage writer: could not compact partition {} of {} ({}); will try again in the next upkeep",
                        p.day(),
                        p.table(),
                        Lake.rootMessage(e));
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (dirty.size() != dirtyBefore) {
            saveDirty();
        }
        return failure;
    }

    private static boolean closed(Partition p, long now) {
        return now - (p.day() + 1L) * DAY_MILLIS > CLOSED_AFTER_MILLIS;
    }

    /**
     * This writer's small Parquet files of one day partition in snapshot {@code base}, oldest first. The
     * filter on the partition's source column prunes manifests and files to that day; the partition value
     * is checked as well. Files with delete files attached are left to the engine that wrote the deletes.
     */
    private List<DataFile> ownSmallFiles(Table table, Snapshot base, Partition p) throws IOException {
        String column = partitionColumn(p.table());
        long start = p.day() * DAY_MICROS;
        Expression inDay = Expressions.and(
                Expressions.greaterThanOrEqual(column, start), Expressions.lessThan(column, start + DAY_MICROS));
        long small = config.upkeep().smallFileBytes();
        int specId = table.spec().specId();
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan()
                .useSnapshot(base.snapshotId())
                .filter(inDay)
                .ignoreResiduals()
                .planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile f = task.file();
                Integer day = f.specId() == specId ? f.partition().get(0, Integer.class) : null;
                if (day != null
                        && day == p.day()
                        && f.format() == FileFormat.PARQUET
                        && task.deletes().isEmpty()
                        && f.fileSizeInBytes() < small
                        && ownFile.matcher(fileName(f.location())).matches()) {
                    files.add(f);
                }
            }
        }
        files.sort(Comparator.comparing((DataFile f) -> f.dataSequenceNumber() == null ? 0L : f.dataSequenceNumber())
                .thenComparing(DataFile::location));
        return files;
    }

    private static String fileName(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Rewrites {@code old} into new files and commits the swap; false when the commit did not (or may not) land. */
    private boolean rewrite(Table table, Partition p, Snapshot base, List<DataFile> old, Counts counts)
            throws IOException {
        String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        OutputStore store = lake.store();
        intent.begin(
                nonce, p.table(), p.day(), old.stream().map(DataFile::location).toList());
        List<NewFile> added = new ArrayList<>();
        long duplicates;
        try {
            // --dedup-window 0s turns deduplication off, here too
            duplicates = write(
                    table,
                    old,
                    nonce,
                    p.table().equals("events") && !config.dedupWindow().isZero(),
                    added);
            if (store.renames()) {
                for (NewFile n : added) {
                    store.publish(n.temporary(), n.location());
                }
            }
        } catch (IOException | RuntimeException e) {
            abandon(store);
            throw e;
        }
        RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(base.snapshotId());
        if (base.sequenceNumber() > 0) {
            // as old as the rows it copies: an equality delete committed meanwhile still applies to them
            rewrite.dataSequenceNumber(base.sequenceNumber());
        }
        old.forEach(rewrite::deleteFile);
        added.forEach(n -> rewrite.addFile(n.file()));
        rewrite.set(Committer.WRITER_ID, writerId).set(COMPACTION, nonce);
        try {
            rewrite.commit();
        } catch (CommitFailedException | ValidationException e) {
            // Known not to have landed (both are Iceberg's CleanableFailure): nothing references the new files.
            LOG.warn(
                    "storage writer: compacting {} file(s) of partition {} of {} failed ({}); deleted its new files,"
                            + " the small ones stay and are compacted later",
                    old.size(),
                    p.day(),
                    p.table(),
                    e.getMessage());
            abandon(store);
            return false;
        } catch (RuntimeException e) {
            // CommitStateUnknownException, or a failure whose outcome Iceberg does not know either.
            boolean landed = false;
            try {
                table.refresh();
                landed = hasCompaction(table, nonce);
            } catch (RuntimeException refresh) {
                e.addSuppressed(refresh);
            }
            if (!landed) {
                intent.markUnknown();
                LOG.warn(
                        "storage writer: the outcome of compacting {} file(s) of partition {} of {} is unknown ({}); kept"
                                + " both the small files and the {} new one(s). The next upkeep re-reads the table and deletes"
                                + " the small files if the rewrite shows; if it never does, orphan removal takes the new"
                                + " files after {}. Until then read_parquet over the data folder may see these rows twice",
                        old.size(),
                        p.day(),
                        p.table(),
                        Lake.rootMessage(e),
                        added.size(),
                        config.upkeep().orphanAge());
                return false;
            }
            LOG.warn(
                    "storage writer: the outcome of compacting partition {} of {} was unknown ({}); the table shows it"
                            + " committed",
                    p.day(),
                    p.table(),
                    Lake.rootMessage(e));
        }
        // Committed. The replaced files leave the data folder now, so that read_parquet over it sees exactly the
        // table's rows. This costs time travel: snapshots from before this compaction still list them, and
        // reading such a snapshot through Iceberg fails for them until expiry removes it.
        intent.markUnsettled(); // should a delete fail, the next run finishes it from the note
        for (DataFile f : old) {
            store.delete(f.location());
        }
        intent.clear();
        counts.partitions++;
        counts.filesIn += old.size();
        counts.filesOut += added.size();
        counts.bytesIn += old.stream().mapToLong(DataFile::fileSizeInBytes).sum();
        counts.bytesOut +=
                added.stream().mapToLong(n -> n.file().fileSizeInBytes()).sum();
        counts.duplicates += duplicates;
        return true;
    }

    /** Deletes every file the compaction in progress noted as new, under both its names, then the note. */
    private void abandon(OutputStore store) throws IOException {
        intent.markUnsettled(); // should a delete fail, the next run finishes it from the note
        for (String location : intent.added()) {
            if (store.renames()) {
                store.delete(store.temporary(location));
            }
            store.delete(location);
        }
        intent.clear();
    }

    /** Writes the rows of {@code old} into new files (noted in the intent first); returns the duplicates dropped. */
    private long write(Table table, List<DataFile> old, String nonce, boolean dedup, List<NewFile> added)
            throws IOException {
        Schema schema = table.schema();
        Winners winners = dedup ? Winners.of(this, table, old) : null;
        long dropped = 0;
        try (Rolling out = new Rolling(table, old.get(0).partition(), nonce, added)) {
            for (DataFile f : old) {
                try (CloseableIterable<Record> rows = read(table, f, schema)) {
                    for (Record row : rows) {
                        if (winners != null && !winners.take(row)) {
                            dropped++;
                            continue;
                        }
                        out.add(row);
                    }
                }
            }
            out.finish();
        }
        return dropped;
    }

    private CloseableIterable<Record> read(Table table, DataFile file, Schema projection) {
        InputFile in = lake.store() instanceof LocalOutputStore
                ? org.apache.iceberg.Files.localInput(
                        LakeLocations.localPath(file.location()).toFile())
                : table.io().newInputFile(file.location(), file.fileSizeInBytes());
        return Parquet.read(in)
                .project(projection)
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                .build();
    }

    private OutputFile output(Table table, String temporary) throws IOException {
        if (lake.store() instanceof LocalOutputStore) {
            Path path = LakeLocations.localPath(temporary);
            Files.createDirectories(path.getParent());
            return org.apache.iceberg.Files.localOutput(path.toFile());
        }
        return table.io().newOutputFile(temporary);
    }

    /** The new files of one compaction: a new one every {@link #TARGET_FILE_BYTES}. */
    private final class Rolling implements AutoCloseable {
        private final Table table;
        private final StructLike partition;
        private final String nonce;
        private final List<NewFile> added;
        private FileAppender<Record> appender;
        private String temporary;
        private String location;
        private long rows;
        private int n;

        Rolling(Table table, StructLike partition, String nonce, List<NewFile> added) {
            this.table = table;
            this.partition = partition;
            this.nonce = nonce;
            this.added = added;
        }

        void add(Record row) throws IOException {
            if (appender == null) {
                location = table.locationProvider()
                        .newDataLocation(
                                table.spec(), partition, "part-" + writerId + "-c" + nonce + "-" + n++ + ".parquet");
                intent.noteAdded(location);
                temporary = lake.store().temporary(location);
                appender = Parquet.write(output(table, temporary))
                        .forTable(table)
                        .set(TableProperties.PARQUET_COMPRESSION, "zstd")
                        .createWriterFunc(GenericParquetWriter::create)
                        .overwrite()
                        .build();
                rows = 0;
            }
            appender.add(row);
            if (++rows % ROWS_PER_SIZE_CHECK == 0 && appender.length() >= TARGET_FILE_BYTES) {
                finish();
            }
        }

        /** Closes the file being written, if any, into its entry for the table. */
        void finish() throws IOException {
            if (appender == null) {
                return;
            }
            FileAppender<Record> a = appender;
            appender = null;
            a.close();
            added.add(new NewFile(
                    temporary,
                    location,
                    DataFiles.builder(table.spec())
                            .withPath(location)
                            .withFormat(FileFormat.PARQUET)
                            .withPartition(partition)
                            .withFileSizeInBytes(a.length())
                            .withMetrics(a.metrics())
                            .withSplitOffsets(a.splitOffsets())
                            .build()));
        }

        /** After a failure: closes what is open; the caller deletes it (it is in the intent). */
        @Override
        public void close() {
            if (appender != null) {
                try {
                    appender.close();
                } catch (IOException | RuntimeException ignored) {
                    // the file is deleted
                }
                appender = null;
            }
        }
    }

    /**
     * Which copy of each repeated message id a rewrite keeps: the earliest {@code received_at}, the first
     * such row on a tie. Built by a first pass that reads only the two columns. Keyed, like
     * {@link DedupIndex}, by the 128-bit MurmurHash3 of the id; three longs a slot (hashes and the winning
     * time, which {@link #take} replaces with a mark once the winner is written).
     */
    static final class Winners {
        private static final long EMPTY = Long.MIN_VALUE;
        private static final long TAKEN = Long.MAX_VALUE;
        private long[] table;
        private int capacity;
        private int size;
        private final long[] hash = new long[2];

        Winners(long expected) {
            // the smallest power of two that holds them below the load at which offer() grows the table
            long wanted = Math.min(1L << 29, (long) Math.ceil(expected / 0.6));
            int slots = 16;
            while (slots < wanted) {
                slots <<= 1;
            }
            allocate(slots);
        }

        private void allocate(int slots) {
            capacity = slots;
            table = new long[3 * slots];
            for (int i = 2; i < table.length; i += 3) {
                table[i] = EMPTY;
            }
            size = 0;
        }

        static Winners of(Compaction compaction, Table table, List<DataFile> files) throws IOException {
            Schema ids = table.schema().select("message_id", "received_at");
            long rows = files.stream().mapToLong(DataFile::recordCount).sum();
            Winners w = new Winners(rows);
            for (DataFile f : files) {
                try (CloseableIterable<Record> it = compaction.read(table, f, ids)) {
                    for (Record r : it) {
                        String id = (String) r.getField("message_id");
                        if (id != null) {
                            w.offer(id, micros(r));
                        }
                    }
                }
            }
            return w;
        }

        private static long micros(Record r) {
            Object t = r.getField("received_at");
            return t == null ? TAKEN - 1 : DateTimeUtil.microsFromTimestamptz((OffsetDateTime) t);
        }

        private int slot(String id) {
            byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            DedupIndex.murmur3(bytes, 0, bytes.length, hash);
            long lo = hash[1];
            int mask = capacity - 1;
            int slot = (int) (lo ^ (lo >>> 32)) & mask;
            while (table[3 * slot + 2] != EMPTY && (table[3 * slot] != hash[0] || table[3 * slot + 1] != lo)) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        void offer(String id, long time) {
            int at = 3 * slot(id);
            if (table[at + 2] == EMPTY) {
                table[at] = hash[0];
                table[at + 1] = hash[1];
                table[at + 2] = time;
                if (++size > capacity * 0.6) {
                    grow();
                }
            } else if (time < table[at + 2]) {
                table[at + 2] = time;
            }
        }

        private void grow() {
            long[] old = table;
            allocate(capacity * 2);
            int mask = capacity - 1;
            for (int i = 0; i < old.length; i += 3) {
                if (old[i + 2] != EMPTY) {
                    int slot = (int) (old[i + 1] ^ (old[i + 1] >>> 32)) & mask;
                    while (table[3 * slot + 2] != EMPTY) {
                        slot = (slot + 1) & mask;
                    }
                    System.arraycopy(old, i, table, 3 * slot, 3);
                    size++;
                }
            }
        }

        /** Whether {@code row} is the copy to keep (rows without an id always are). */
        boolean take(Record row) {
            String id = (String) row.getField("message_id");
            if (id == null) {
                return true;
            }
            int at = 3 * slot(id);
            if (table[at + 2] == EMPTY) {
                return true; // not seen by the first pass: cannot happen, and keeping is the safe side
            }
            if (table[at + 2] == micros(row)) {
                table[at + 2] = TAKEN;
                return true;
            }
            return false;
        }
    }

    /** Whether the rewrite with {@code nonce} is in the table's current ancestry. */
    static boolean hasCompaction(Table table, String nonce) {
        for (Snapshot s = table.currentSnapshot();
                s != null;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            if (nonce.equals(s.summary().get(COMPACTION))) {
                return true;
            }
        }
        return false;
    }
}
