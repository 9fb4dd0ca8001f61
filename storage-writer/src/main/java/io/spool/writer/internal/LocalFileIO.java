package io.spool.writer.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Iceberg's table files (metadata, manifests) on a local warehouse through {@code java.io}, instead of
 * Iceberg's default {@code HadoopFileIO}: Hadoop's local file system, without its native library, starts
 * a {@code chmod} process for every file and folder it creates (about twenty for a new table and a
 * commit, 20–90 ms each), writes a {@code .crc} file beside each, and loads some 500 classes and a
 * {@code setsid}/{@code uname} probe at start. Same files, same (absent) fsync as Hadoop's local
 * store; the embedded catalog's database is what makes a commit durable.
 */
public final class LocalFileIO implements FileIO {
    @Override
    public InputFile newInputFile(String path) {
        return Files.localInput(LakeLocations.localPath(path).toFile());
    }

    @Override
    public OutputFile newOutputFile(String path) {
        java.nio.file.Path file = LakeLocations.localPath(path);
        java.nio.file.Path parent = file.getParent();
        if (parent != null) {
            // Iceberg's local output checks isDirectory() then mkdirs(): when two writers create the same
            // table folder at once, the one whose mkdirs() finds it already made fails ("Failed to create
            // the file's directory", seen in MultiWriterSparkIT). createDirectories() accepts a folder that
            // exists.
            try {
                java.nio.file.Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the folder of " + path, e);
            }
        }
        return Files.localOutput(file.toFile());
    }

    @Override
    public void deleteFile(String path) {
        try {
            java.nio.file.Files.deleteIfExists(LakeLocations.localPath(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
