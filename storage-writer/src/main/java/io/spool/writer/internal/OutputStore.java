package io.spool.writer.internal;

import java.io.IOException;
import org.apache.parquet.io.OutputFile;

/**
 * Where data files go, by their absolute location in the table: a local folder, a Hadoop FileSystem
 * (hdfs://) or an object store through the table's Iceberg {@code FileIO} (s3://).
 *
 * <p>Where the store can rename atomically (local disk, HDFS), a data file is written under a
 * temporary name and renamed to its final one once complete, so that a reader globbing the data folder
 * ({@code read_parquet('…/data/**&#47;*.parquet')}) never meets a half-written file. An object store makes
 * an object visible only when its upload completes, so there the final name is written directly.
 */
interface OutputStore {
    /** A new file to write (replacing a leftover of the same name). */
    OutputFile create(String location) throws IOException;

    /** Whether files are written under a temporary name and {@link #publish published} by rename. */
    boolean renames();

    /** The temporary name a file is written under before {@link #publish}; the location itself when the store does not rename. */
    default String temporary(String location) {
        if (!renames()) {
            return location;
        }
        int slash = location.lastIndexOf('/');
        return location.substring(0, slash + 1) + "." + location.substring(slash + 1) + ".tmp";
    }

    /** Makes a closed file durable (fsync where the store has it) and gives it its final name. */
    void publish(String temporary, String location) throws IOException;

    /** Deletes a file; a missing file is not an error. */
    void delete(String location) throws IOException;

    /** What to show in logs. */
    String describe();

    /** The store for a warehouse location: local paths and file: URIs, s3://, or any Hadoop FileSystem URI. */
    static OutputStore forWarehouse(String warehouse, org.apache.iceberg.io.FileIO io) {
        if (LakeLocations.isLocal(warehouse)) {
            return new LocalOutputStore();
        }
        if (LakeLocations.isObjectStore(warehouse)) {
            return new FileIoOutputStore(io);
        }
        return new HadoopOutputStore();
    }
}
