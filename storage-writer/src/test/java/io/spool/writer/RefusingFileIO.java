package io.spool.writer;

import io.spool.writer.internal.LocalFileIO;
import java.io.UncheckedIOException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * A warehouse that reads but refuses every write of the tables' metadata (manifests, metadata files),
 * as a store does whose permissions or quota changed under a running writer. Given to a writer's child
 * JVM as {@code --catalog-property io-impl=io.spool.writer.RefusingFileIO}: its data files are written
 * (they go through the writer's own store) and every commit fails.
 */
public final class RefusingFileIO implements FileIO {
    private final LocalFileIO local = new LocalFileIO();

    @Override
    public InputFile newInputFile(String path) {
        return local.newInputFile(path);
    }

    @Override
    public OutputFile newOutputFile(String path) {
        throw new UncheckedIOException(new java.io.IOException("the store refuses writes: " + path));
    }

    @Override
    public void deleteFile(String path) {
        local.deleteFile(path);
    }
}
