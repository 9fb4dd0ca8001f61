package io.spool.writer.internal;

import java.io.IOException;
import java.util.List;
import org.apache.parquet.io.OutputFile;

/**
 * Where the Parquet files go: a local folder, or a Hadoop FileSystem. Paths are relative to the
 * output root, with {@code /} separators.
 */
public interface OutputStore {
    /** A new file to write (replacing a leftover of the same name). */
    OutputFile create(String path) throws IOException;

    /** Makes a closed file durable (fsync where the store has it). */
    void sync(String path) throws IOException;

    /** Renames a written file to its final name; the target must not exist. */
    void rename(String from, String to) throws IOException;

    /** Every file under {@code dir}, recursively, as paths relative to the root; empty when it does not exist. */
    List<String> listFiles(String dir) throws IOException;

    void delete(String path) throws IOException;

    /** What to show in logs. */
    String describe();

    /**
     * Opens the output named by {@code location}: a folder, a {@code file:} URI, or any other URI
     * (hdfs://, s3a://) through Hadoop's FileSystem, which must then be on the class path.
     */
    static OutputStore open(String location) {
        int colon = location.indexOf("://");
        if (colon < 0 || location.startsWith("file:")) {
            java.nio.file.Path path = colon < 0 ? java.nio.file.Path.of(location) : java.nio.file.Path.of(java.net.URI.create(location));
            return new LocalOutputStore(path);
        }
        try {
            Class.forName("org.apache.hadoop.fs.FileSystem", false, OutputStore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("output " + location + " needs Hadoop's client jars on the class path"
                    + " (hadoop-client-api and hadoop-client-runtime, plus the file system's own jars for s3a://)");
        }
        return HadoopOutputStore.open(location);
    }
}
