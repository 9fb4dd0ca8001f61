package io.spool.writer.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the writer may write its warehouse, asked at start-up: otherwise the first commit, a roll
 * interval later, would be the first to say so. A local folder is created if missing, then a file is
 * created in it and deleted. Remote warehouses ({@code hdfs://}, {@code s3://}) are not probed here:
 * opening the catalog at start reads them, and a store that refuses writes fails the first commit, which
 * the writer retries (one line each) and a drain gives up on.
 */
public final class WarehouseProbe {
    private WarehouseProbe() {}

    /** What stops the writer from writing {@code warehouse}, or null when it can (or it is not local). */
    public static String problem(String warehouse) {
        if (!LakeLocations.isLocal(warehouse)) {
            return null;
        }
        Path folder;
        try {
            folder = LakeLocations.localPath(warehouse).toAbsolutePath();
        } catch (RuntimeException e) {
            return "not a local path (" + e.getMessage() + ")";
        }
        try {
            Files.createDirectories(folder);
        } catch (FileAlreadyExistsException e) {
            return folder + " is a file, not a folder";
        } catch (IOException e) {
            return "cannot create " + folder + " (" + describe(e) + ")";
        }
        try {
            Path probe = Files.createTempFile(folder, ".spool-write-check-", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException e) {
            return "cannot write in " + folder + " (" + describe(e) + ")";
        }
    }

    private static String describe(IOException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? name : name + ": " + e.getMessage();
    }
}
