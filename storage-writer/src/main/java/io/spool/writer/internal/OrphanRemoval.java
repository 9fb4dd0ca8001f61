package io.spool.writer.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orphan removal, part of the {@link TableUpkeep}, at most once a day (the last check's time is kept in
 * {@value #ORPHANS_CHECKED_FILE}): files in the tables' data folders that no snapshot references, older
 * than {@link WriterConfig.Upkeep#orphanAge()} (at least an hour, so a file of a commit or compaction in
 * progress, this writer's or another's, is never taken) and not in a local intent. This is the one
 * listing of the lake, and it is here, not in recovery.
 */
final class OrphanRemoval {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanRemoval.class);
    private static final String ORPHANS_CHECKED_FILE = "orphans-checked";
    private static final long DAY_MILLIS = 86_400_000L;
    /** Orphans are never younger than this, whatever the settings say: younger files may belong to a commit in progress. */
    private static final long MIN_ORPHAN_AGE_MILLIS = 3_600_000L;

    private final WriterConfig config;
    private final Lake lake;
    private final WriterState state;
    private final CompactionIntent intent;
    private boolean warnedNoListing;

    OrphanRemoval(WriterConfig config, Lake lake, WriterState state, CompactionIntent intent) {
        this.config = config;
        this.lake = lake;
        this.state = state;
        this.intent = intent;
    }

    /** Removes the orphan files of both tables if a day has passed since the last check; returns how many. */
    int removeIfDue() throws IOException {
        long now = config.clock().millis();
        Path marker = state.dir().resolve(ORPHANS_CHECKED_FILE);
        if (Files.exists(marker)) {
            try {
                long last = Long.parseLong(
                        Files.readString(marker, StandardCharsets.UTF_8).trim());
                if (now >= last && now - last < DAY_MILLIS) {
                    return 0;
                }
            } catch (NumberFormatException e) {
                // unreadable: check now
            }
        }
        long olderThan = now - Math.max(config.upkeep().orphanAge().toMillis(), MIN_ORPHAN_AGE_MILLIS);
        Set<String> keep = new HashSet<>();
        CommitIntent.Left commit = new CommitIntent(state.intentFile()).read();
        if (commit != null) {
            commit.files().forEach(f -> {
                keep.add(key(f.location()));
                keep.add(key(lake.store().temporary(f.location()))); // still being written, or not yet renamed
            });
        }
        CompactionIntent.Left compaction = intent.read();
        if (compaction != null) {
            compaction.replaced().forEach(f -> keep.add(key(f)));
            compaction.added().forEach(f -> {
                keep.add(key(f));
                keep.add(key(lake.store().temporary(f)));
            });
        }
        int removed = removeOrphans(lake.events(), olderThan, keep) + removeOrphans(lake.rejected(), olderThan, keep);
        Path tmp = state.dir().resolve(ORPHANS_CHECKED_FILE + ".tmp");
        Files.writeString(tmp, Long.toString(now), StandardCharsets.UTF_8);
        Files.move(
                tmp,
                marker,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return removed;
    }

    private record Listed(String location, String key) {}

    /** Deletes the files of the table's data folder older than {@code olderThan} that no snapshot references. */
    private int removeOrphans(Table table, long olderThan, Set<String> keep) throws IOException {
        if (!SnapshotExpiry.gcEnabled(table)) {
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
                LOG.warn(
                        "storage writer: the FileIO of {} ({}) cannot list files, so orphan files are not removed",
                        table.name(),
                        table.io().getClass().getName());
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
            return LakeLocations.localPath(location)
                    .toAbsolutePath()
                    .normalize()
                    .toString();
        }
        int scheme = location.indexOf("://");
        String rest = location.substring(scheme + 3);
        if (!LakeLocations.isObjectStore(location)) {
            int slash = rest.indexOf('/');
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        return rest.replaceAll("/{2,}", "/");
    }
}
