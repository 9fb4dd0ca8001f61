package io.spool.writer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
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
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the writer's two tables tidy, on the writer's thread: compaction of this writer's small files,
 * snapshot expiry, and (at most once a day) removal of orphan files.
 *
 * <p><b>Compaction.</b> A trickle of traffic makes one small file per commit in each day partition. A
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
 * <p><b>Crash safety.</b> Before creating anything, a compaction notes the files it replaces and each file
 * it creates in {@code compaction-intent} beside the commit intent. A writer that finds the note on start
 * re-reads the table: if the rewrite committed (a snapshot with its nonce in the current ancestry, or one
 * of its new files live) the replaced files still there are deleted; if not, its new files are. The three
 * outcomes of the commit: committed (old files deleted); failed, a conflict Iceberg could not retry past
 * (new files deleted, old ones stay and are compacted later); unknown (nothing is deleted; the next upkeep
 * re-reads the table, deletes the replaced files if the rewrite shows by then, and otherwise leaves the
 * unreferenced side to orphan removal).
 *
 * <p><b>Snapshot expiry</b> after {@link WriterConfig.Upkeep#snapshotRetention()}, except that the newest
 * snapshot of each writer that records a journal position ({@code spool.commit}) is kept, and with it
 * every snapshot between it and the table's head; see {@link #expire}.
 *
 * <p><b>Orphan removal</b>, at most once a day: files in the tables' data folders that no snapshot
 * references, older than {@link WriterConfig.Upkeep#orphanAge()} (at least an hour, so a file of a commit
 * or compaction in progress, this writer's or another's, is never taken) and not in a local intent. This
 * is the one listing of the lake, and it is here, not in recovery.
 *
 * <p>Commits wait while the upkeep runs. Iceberg's generic reader and writer rewrite about 55,000 event
 * rows (2.8 MB of our files) a second on a 2-core machine (300,000 rows in 120 files: 5.3 s, both passes),
 * so one run rewrites at most {@value #MAX_REWRITE_BYTES} bytes and {@value #MAX_REWRITE_ROWS} rows (at
 * least two files): a pause of about 20 s at most, and a dedup table of about 50 MB at most (24 bytes a
 * slot, 40 to 80 bytes a row). What is left is compacted in the next runs.
 */
final class TableUpkeep {
    private static final Logger LOG = LoggerFactory.getLogger(TableUpkeep.class);
    /** The snapshot summary key of a rewrite commit: the compaction's nonce. */
    static final String COMPACTION = "spool.compaction";
    static final String INTENT_FILE = "compaction-intent";
    private static final String ORPHANS_CHECKED_FILE = "orphans-checked";
    private static final String DIRTY_FILE = "compaction-partitions";
    private static final long DAY_MILLIS = 86_400_000L;
    private static final long DAY_MICROS = DAY_MILLIS * 1000;
    /** A day partition counts as closed this long after its day ended (late commits of a writer that keeps up). */
    private static final long CLOSED_AFTER_MILLIS = 3_600_000L;
    /** A compaction's new file rolls over at this size: the row group size, what engines split on. */
    static final long TARGET_FILE_BYTES = 128L << 20;
    /** Bytes of small files one upkeep run rewrites at most (see the class comment). */
    static final long MAX_REWRITE_BYTES = 64L << 20;
    /** Rows one upkeep run rewrites at most. */
    static final long MAX_REWRITE_ROWS = 1_000_000;
    /** Orphans are never younger than this, whatever the settings say: younger files may belong to a commit in progress. */
    private static final long MIN_ORPHAN_AGE_MILLIS = 3_600_000L;
    private static final int ROWS_PER_SIZE_CHECK = 1024;

    private final WriterConfig config;
    private final Lake lake;
    private final WriterState state;
    private final WriterMetrics metrics;
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
    /** False while a compaction note of an earlier run (or an unknown outcome) still waits to be settled. */
    private boolean settled;
    private boolean warnedNoListing;

    /** A day partition of one of the two tables. */
    record Partition(String table, int day) implements Comparable<Partition> {
        @Override
        public int compareTo(Partition o) {
            int c = Integer.compare(day, o.day);
            return c != 0 ? c : table.compareTo(o.table);
        }
    }

    /** What one run did, for the log line and the metrics. */
    private static final class Counts {
        int partitions;
        int filesIn;
        int filesOut;
        long bytesIn;
        long bytesOut;
        long duplicates;
        int expired;
        int orphans;

        boolean any() {
            return filesIn > 0 || expired > 0 || orphans > 0;
        }
    }

    /** A file a compaction wrote: its temporary name, its final location and its entry for the table. */
    private record NewFile(String temporary, String location, DataFile file) {
    }

    TableUpkeep(WriterConfig config, Lake lake, WriterState state, WriterMetrics metrics) {
        this.config = config;
        this.lake = lake;
        this.state = state;
        this.metrics = metrics;
        this.writerId = config.writerId();
        this.ownFile = Pattern.compile("part-" + Pattern.quote(writerId)
                + "-(?:(?:dl)?\\d+-[0-9a-f]{8}|c[0-9a-f]{12}-\\d+)\\.parquet");
        this.intent = new CompactionIntent(state.dir().resolve(INTENT_FILE));
        this.dirtyFile = state.dir().resolve(DIRTY_FILE);
        loadDirty();
        // Should that note be lost: the days a restart most likely left uncompacted.
        int today = CommitFiles.dayOf(config.clock().millis());
        for (int day = today - 2; day <= today; day++) {
            dirty.add(new Partition("events", day));
            dirty.add(new Partition("rejected", day));
        }
        try {
            settle();
        } catch (IOException | RuntimeException e) {
            LOG.warn("storage writer: could not settle the compaction an earlier run left ({}); the upkeep tries again"
                    + " before it compacts anything", Lake.rootMessage(e));
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
            Files.move(tmp, dirtyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("storage writer: could not note the partitions to compact in {} ({})", dirtyFile, e.toString());
        }
    }

    void run() throws IOException {
        long t0 = System.nanoTime();
        if (!settled) {
            settle();
        }
        Counts counts = new Counts();
        int dirtyBefore = dirty.size();
        Exception failure = compact(counts);
        if (dirty.size() != dirtyBefore) {
            saveDirty();
        }
        counts.expired += expire(lake.events()) + expire(lake.rejected());
        removeOrphansIfDue(counts);
        metrics.compactedFiles.inc(counts.filesIn);
        metrics.compactionFiles.inc(counts.filesOut);
        metrics.compactionDuplicates.inc(counts.duplicates);
        metrics.expiredSnapshots.inc(counts.expired);
        metrics.orphanFiles.inc(counts.orphans);
        if (counts.any()) {
            List<String> did = new ArrayList<>();
            if (counts.filesIn > 0) {
                did.add("compacted " + counts.filesIn + " small file(s) (" + size(counts.bytesIn) + ") of "
                        + counts.partitions + " partition(s) into " + counts.filesOut + " (" + size(counts.bytesOut)
                        + "), " + counts.duplicates + " repeated message id(s) dropped");
            }
            if (counts.expired > 0) {
                did.add("expired " + counts.expired + " snapshot(s)");
            }
            if (counts.orphans > 0) {
                did.add("deleted " + counts.orphans + " orphan file(s)");
            }
            LOG.info("storage writer: upkeep {}; {} ms", String.join("; ", did), (System.nanoTime() - t0) / 1_000_000);
        }
        if (failure instanceof IOException io) {
            throw io;
        } else if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    private static String size(long bytes) {
        if (bytes < 10 << 10) {
            return bytes + " B";
        }
        return bytes < 10 << 20 ? (bytes >> 10) + " KB" : (bytes >> 20) + " MB";
    }

    void close() {
        try {
            intent.close();
        } catch (IOException ignored) {
            // nothing is open between runs
        }
    }

    private Table table(String name) {
        return name.equals("events") ? lake.events() : lake.rejected();
    }

    private static String partitionColumn(String table) {
        return table.equals("events") ? "timestamp" : "received_at";
    }

    // ---------------------------------------------------------------- compaction

    /** Compacts what is due, closed partitions first; returns the first failure (the others still ran). */
    private Exception compact(Counts counts) {
        long now = config.clock().millis();
        long budget = MAX_REWRITE_BYTES;
        long rowBudget = MAX_REWRITE_ROWS;
        Set<String> refreshed = new HashSet<>();
        List<Partition> order = new ArrayList<>(dirty);
        order.sort(Comparator.comparing((Partition p) -> !closed(p, now)).thenComparing(Comparator.naturalOrder()));
        Exception failure = null;
        for (Partition p : order) {
            if (budget <= 0 || rowBudget <= 0 || !settled) {
                break; // out of budget, or a note is left that the next compaction would overwrite
            }
            try {
                Table table = table(p.table());
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
                    if (chosen.size() >= 2 && (bytes + f.fileSizeInBytes() > budget || rows + f.recordCount() > rowBudget)) {
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
                LOG.warn("storage writer: could not compact partition {} of {} ({}); will try again in the next upkeep",
                        p.day(), p.table(), Lake.rootMessage(e));
                if (failure == null) {
                    failure = e;
                }
            }
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
        Expression inDay = Expressions.and(Expressions.greaterThanOrEqual(column, start),
                Expressions.lessThan(column, start + DAY_MICROS));
        long small = config.upkeep().smallFileBytes();
        int specId = table.spec().specId();
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(base.snapshotId()).filter(inDay)
                .ignoreResiduals().planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile f = task.file();
                Integer day = f.specId() == specId ? f.partition().get(0, Integer.class) : null;
                if (day != null && day == p.day() && f.format() == FileFormat.PARQUET && task.deletes().isEmpty()
                        && f.fileSizeInBytes() < small && ownFile.matcher(fileName(f.location())).matches()) {
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
        intent.begin(nonce, p.table(), p.day(), old.stream().map(DataFile::location).toList());
        List<NewFile> added = new ArrayList<>();
        long duplicates;
        try {
            duplicates = write(table, old, nonce, p.table().equals("events"), added);
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
            LOG.warn("storage writer: compacting {} file(s) of partition {} of {} failed ({}); deleted its new files,"
                    + " the small ones stay and are compacted later", old.size(), p.day(), p.table(), e.getMessage());
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
                settled = false;
                LOG.warn("storage writer: the outcome of compacting {} file(s) of partition {} of {} is unknown ({}); kept"
                                + " both the small files and the {} new one(s). The next upkeep re-reads the table and deletes"
                                + " the small files if the rewrite shows; if it never does, orphan removal takes the new"
                                + " files after {}. Until then read_parquet over the data folder may see these rows twice",
                        old.size(), p.day(), p.table(), Lake.rootMessage(e), added.size(), config.upkeep().orphanAge());
                return false;
            }
            LOG.warn("storage writer: the outcome of compacting partition {} of {} was unknown ({}); the table shows it"
                    + " committed", p.day(), p.table(), Lake.rootMessage(e));
        }
        // Committed. The replaced files leave the data folder now, so that read_parquet over it sees exactly the
        // table's rows. This costs time travel: snapshots from before this compaction still list them, and
        // reading such a snapshot through Iceberg fails for them until expiry removes it.
        settled = false; // should a delete fail, the next run finishes it from the note
        for (DataFile f : old) {
            store.delete(f.location());
        }
        intent.clear();
        settled = true;
        counts.partitions++;
        counts.filesIn += old.size();
        counts.filesOut += added.size();
        counts.bytesIn += old.stream().mapToLong(DataFile::fileSizeInBytes).sum();
        counts.bytesOut += added.stream().mapToLong(n -> n.file().fileSizeInBytes()).sum();
        counts.duplicates += duplicates;
        return true;
    }

    /** Deletes every file the compaction in progress noted as new, under both its names, then the note. */
    private void abandon(OutputStore store) throws IOException {
        settled = false; // should a delete fail, the next run finishes it from the note
        for (String location : intent.added()) {
            if (store.renames()) {
                store.delete(store.temporary(location));
            }
            store.delete(location);
        }
        intent.clear();
        settled = true;
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
                ? org.apache.iceberg.Files.localInput(LakeLocations.localPath(file.location()).toFile())
                : table.io().newInputFile(file.location(), file.fileSizeInBytes());
        return Parquet.read(in).project(projection)
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
                location = table.locationProvider().newDataLocation(table.spec(), partition,
                        "part-" + writerId + "-c" + nonce + "-" + n++ + ".parquet");
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
            added.add(new NewFile(temporary, location, DataFiles.builder(table.spec())
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

        static Winners of(TableUpkeep upkeep, Table table, List<DataFile> files) throws IOException {
            Schema ids = table.schema().select("message_id", "received_at");
            long rows = files.stream().mapToLong(DataFile::recordCount).sum();
            Winners w = new Winners(rows);
            for (DataFile f : files) {
                try (CloseableIterable<Record> it = upkeep.read(table, f, ids)) {
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

    // ---------------------------------------------------------------- after a crash or an unknown outcome

    /**
     * Settles the compaction the note describes, if any, from what the table shows now: committed (a
     * snapshot with its nonce in the current ancestry, or one of its new files live, should that snapshot
     * have been expired since) deletes the replaced files that are not live; not committed deletes its new
     * files, unless the note says the outcome was unknown, when nothing is deleted.
     */
    private void settle() throws IOException {
        CompactionIntent.Left left = intent.read();
        if (left == null) {
            settled = true;
            return;
        }
        Table table = table(left.table());
        table.refresh();
        Set<String> live = new HashSet<>();
        Snapshot current = table.currentSnapshot();
        if (current != null) {
            for (DataFile f : filesOfDay(table, current, left.table(), left.day())) {
                live.add(f.location());
            }
        }
        boolean committed = hasCompaction(table, left.nonce()) || left.added().stream().anyMatch(live::contains);
        OutputStore store = lake.store();
        int deleted = 0;
        if (committed) {
            for (String f : left.replaced()) {
                if (!live.contains(f)) {
                    store.delete(f);
                    deleted++;
                }
            }
            LOG.info("storage writer: the compaction {} of {} an earlier run left had committed; deleted the {} file(s)"
                    + " it replaced", left.nonce(), left.table(), deleted);
        } else if (left.unknown()) {
            LOG.warn("storage writer: the compaction {} of {} whose outcome was unknown does not show in the table; kept"
                    + " its {} new file(s) and the small ones: orphan removal takes the new ones after {}", left.nonce(),
                    left.table(), left.added().size(), config.upkeep().orphanAge());
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
            LOG.info("storage writer: the compaction {} of {} an earlier run left had not committed; deleted its {} new"
                    + " file(s)", left.nonce(), left.table(), deleted);
        }
        intent.clear();
        settled = true;
    }

    private List<DataFile> filesOfDay(Table table, Snapshot snapshot, String name, int day) throws IOException {
        String column = partitionColumn(name);
        long start = day * DAY_MICROS;
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId())
                .filter(Expressions.and(Expressions.greaterThanOrEqual(column, start),
                        Expressions.lessThan(column, start + DAY_MICROS)))
                .ignoreResiduals().planFiles()) {
            tasks.forEach(t -> files.add(t.file()));
        }
        return files;
    }

    private static boolean hasCompaction(Table table, String nonce) {
        for (Snapshot s = table.currentSnapshot(); s != null;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            if (nonce.equals(s.summary().get(COMPACTION))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- snapshot expiry

    /**
     * Expires snapshots older than the retention, keeping what recovery needs. Each writer finds its journal
     * position by walking the table's current ancestry from the head to its newest snapshot carrying
     * {@code spool.commit} ({@code Committer.newestOwn}), so that snapshot must stay, and so must every
     * snapshot between it and the head: a gap ends the walk. Iceberg cannot keep chosen snapshots (a tag
     * keeps one, but expiring its neighbours still cuts the parent chain), so nothing at or after the
     * oldest of those snapshots expires: the cut-off moves back to the oldest timestamp on that stretch.
     * A writer that stops committing for good thus holds back expiry of the snapshots after its last one.
     *
     * <p>Expiry deletes the files only expired snapshots referenced; files a compaction replaced are gone
     * already, and a missing file does not fail it.
     */
    private int expire(Table table) {
        table.refresh();
        Snapshot head = table.currentSnapshot();
        if (head == null || !gcEnabled(table)) {
            return 0;
        }
        long olderThan = config.clock().millis() - config.upkeep().snapshotRetention().toMillis();
        Set<String> writers = new HashSet<>();
        long oldestSoFar = Long.MAX_VALUE;
        for (Snapshot s = head; s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            oldestSoFar = Math.min(oldestSoFar, s.timestampMillis());
            String writer = s.summary().get(Committer.WRITER_ID);
            if (writer != null && s.summary().containsKey(Committer.COMMIT) && writers.add(writer)) {
                olderThan = Math.min(olderThan, oldestSoFar);
            }
        }
        // Iceberg commits new metadata even when nothing expires: ask first.
        if (table.expireSnapshots().expireOlderThan(olderThan).retainLast(1).apply().isEmpty()) {
            return 0;
        }
        Set<Long> before = new HashSet<>();
        table.snapshots().forEach(s -> before.add(s.snapshotId()));
        table.expireSnapshots().expireOlderThan(olderThan).retainLast(1)
                .deleteWith(location -> {
                    try {
                        table.io().deleteFile(location);
                    } catch (RuntimeException e) {
                        LOG.debug("storage writer: expiry could not delete {} ({})", location, e.toString());
                    }
                })
                .commit();
        table.refresh();
        table.snapshots().forEach(s -> before.remove(s.snapshotId()));
        return before.size();
    }

    // ---------------------------------------------------------------- orphans

    private void removeOrphansIfDue(Counts counts) throws IOException {
        long now = config.clock().millis();
        Path marker = state.dir().resolve(ORPHANS_CHECKED_FILE);
        if (Files.exists(marker)) {
            try {
                long last = Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).trim());
                if (now >= last && now - last < DAY_MILLIS) {
                    return;
                }
            } catch (NumberFormatException e) {
                // unreadable: check now
            }
        }
        long olderThan = now - Math.max(config.upkeep().orphanAge().toMillis(), MIN_ORPHAN_AGE_MILLIS);
        Set<String> keep = new HashSet<>();
        CommitIntent.Left commit = new CommitIntent(state.intentFile()).read();
        if (commit != null) {
            commit.files().forEach(f -> keep.add(key(f.location())));
        }
        CompactionIntent.Left compaction = intent.read();
        if (compaction != null) {
            compaction.replaced().forEach(f -> keep.add(key(f)));
            compaction.added().forEach(f -> keep.add(key(f)));
        }
        counts.orphans += removeOrphans(lake.events(), olderThan, keep) + removeOrphans(lake.rejected(), olderThan, keep);
        Path tmp = state.dir().resolve(ORPHANS_CHECKED_FILE + ".tmp");
        Files.writeString(tmp, Long.toString(now), StandardCharsets.UTF_8);
        Files.move(tmp, marker, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private record Listed(String location, String key) {
    }

    /** Deletes the files of the table's data folder older than {@code olderThan} that no snapshot references. */
    private int removeOrphans(Table table, long olderThan, Set<String> keep) throws IOException {
        if (!gcEnabled(table)) {
            return 0;
        }
        String data = dataLocation(table);
        List<Listed> old = new ArrayList<>();
        boolean local = LakeLocations.isLocal(data);
        if (local) {
            Path dir = LakeLocations.localPath(data);
            if (!Files.isDirectory(dir)) {
                return 0;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.lastModifiedTime().toMillis() < olderThan) {
                        old.add(new Listed(file.toString(), key(file.toString())));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted while we walked
                }
            });
        } else if (table.io() instanceof SupportsPrefixOperations prefixes) {
            for (FileInfo f : prefixes.listPrefix(data + "/")) {
                if (f.createdAtMillis() < olderThan) {
                    old.add(new Listed(f.location(), key(f.location())));
                }
            }
        } else {
            if (!warnedNoListing) {
                warnedNoListing = true;
                LOG.warn("storage writer: the FileIO of {} ({}) cannot list files, so orphan files are not removed",
                        table.name(), table.io().getClass().getName());
            }
            return 0;
        }
        if (old.isEmpty()) {
            return 0;
        }
        // Read after listing: a file committed in between is seen as referenced.
        table.refresh();
        Set<String> referenced = referencedKeys(table);
        int deleted = 0;
        for (Listed f : old) {
            if (referenced.contains(f.key()) || keep.contains(f.key())) {
                continue;
            }
            if (local) {
                Files.deleteIfExists(Path.of(f.location()));
            } else {
                table.io().deleteFile(f.location());
            }
            LOG.debug("storage writer: deleted orphan file {}", f.location());
            deleted++;
        }
        return deleted;
    }

    /** Every file any snapshot of the table references (all snapshots, all their manifests). */
    private static Set<String> referencedKeys(Table table) throws IOException {
        Set<String> manifests = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (Snapshot s : table.snapshots()) {
            for (ManifestFile m : s.allManifests(table.io())) {
                if (!manifests.add(m.path())) {
                    continue;
                }
                try (CloseableIterable<String> paths = ManifestFiles.readPaths(m, table.io(), table.specs())) {
                    for (String p : paths) {
                        keys.add(key(p));
                    }
                }
            }
        }
        return keys;
    }

    /** Iceberg's own switch ({@code gc.enabled}): off when the table's files may belong to other tables too. */
    private static boolean gcEnabled(Table table) {
        return PropertyUtil.propertyAsBoolean(table.properties(), TableProperties.GC_ENABLED,
                TableProperties.GC_ENABLED_DEFAULT);
    }

    private static String dataLocation(Table table) {
        String data = table.properties().get(TableProperties.WRITE_DATA_LOCATION);
        if (data == null) {
            data = table.properties().get("write.folder-storage.path");
        }
        if (data == null) {
            data = table.location() + "/data";
        }
        return data.endsWith("/") ? data.substring(0, data.length() - 1) : data;
    }

    /**
     * A location as compared between listing and metadata: local paths normalized; the scheme left out
     * (s3 and s3a name the same object); on object stores bucket and key, elsewhere the path only (a
     * listing may qualify {@code hdfs://nn/…} as {@code hdfs://nn:8020/…}).
     */
    static String key(String location) {
        if (LakeLocations.isLocal(location)) {
            return LakeLocations.localPath(location).toAbsolutePath().normalize().toString();
        }
        int scheme = location.indexOf("://");
        String rest = location.substring(scheme + 3);
        if (!LakeLocations.isObjectStore(location)) {
            int slash = rest.indexOf('/');
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        return rest.replaceAll("/{2,}", "/");
    }

    // ---------------------------------------------------------------- the note

    /**
     * The note of the compaction in progress, beside the commit intent: a first line
     * {@code compaction <nonce> <table> <day>}, then {@code replaced <location>} lines written (and synced)
     * before anything is created, {@code added <location>} lines each synced before its file is created,
     * and {@code unknown} when the commit's outcome could not be learned.
     */
    static final class CompactionIntent {
        record Left(String nonce, String table, int day, List<String> replaced, List<String> added, boolean unknown) {
        }

        private final Path file;
        private final List<String> added = new ArrayList<>();
        private FileChannel channel;

        CompactionIntent(Path file) {
            this.file = file;
        }

        void begin(String nonce, String table, int day, List<String> replaced) throws IOException {
            close();
            added.clear();
            StringBuilder text = new StringBuilder("compaction ").append(nonce).append(' ').append(table).append(' ')
                    .append(day).append('\n');
            replaced.forEach(l -> text.append("replaced ").append(l).append('\n'));
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            append(text.toString());
            LocalOutputStore.syncDirectory(file.getParent());
        }

        void noteAdded(String location) throws IOException {
            append("added " + location + "\n");
            added.add(location);
        }

        void markUnknown() throws IOException {
            append("unknown\n");
            close();
        }

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

        void clear() throws IOException {
            close();
            added.clear();
            Files.deleteIfExists(file);
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

        void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
