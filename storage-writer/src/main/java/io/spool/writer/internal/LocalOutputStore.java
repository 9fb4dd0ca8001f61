package io.spool.writer.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/** Data files on a local disk. Renames are atomic; files and their folders are fsynced before a commit. */
final class LocalOutputStore implements OutputStore {
    @Override
    public OutputFile create(String location) throws IOException {
        Path file = LakeLocations.localPath(location);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        return new LocalOutputFile(file);
    }

    @Override
    public boolean renames() {
        return true;
    }

    @Override
    public void publish(String temporary, String location) throws IOException {
        Path from = LakeLocations.localPath(temporary);
        Path target = LakeLocations.localPath(location);
        try (FileChannel channel = FileChannel.open(from, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(from, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }

    static void syncDirectory(Path dir) {
        // Makes a rename durable on Linux; some platforms refuse to open a folder, where it is moot.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    @Override
    public void delete(String location) throws IOException {
        try {
            Files.deleteIfExists(LakeLocations.localPath(location));
        } catch (NoSuchFileException ignored) {
            // already gone
        }
    }

    @Override
    public String describe() {
        return "local disk";
    }
}
