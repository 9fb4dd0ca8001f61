package io.spool.writer.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/** A local output folder. Renames are atomic; files and their folders are fsynced before a commit. */
final class LocalOutputStore implements OutputStore {
    private final Path root;

    LocalOutputStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    @Override
    public OutputFile create(String path) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        return new LocalOutputFile(file);
    }

    @Override
    public void sync(String path) throws IOException {
        try (FileChannel channel = FileChannel.open(root.resolve(path), StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Path target = root.resolve(to);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(root.resolve(from), target, StandardCopyOption.ATOMIC_MOVE);
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
    public List<String> listFiles(String dir) throws IOException {
        Path start = root.resolve(dir);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(start)) {
            walk.filter(Files::isRegularFile)
                    .forEach(p -> files.add(root.relativize(p).toString().replace(java.io.File.separatorChar, '/')));
        }
        return files;
    }

    @Override
    public void delete(String path) throws IOException {
        try {
            Files.deleteIfExists(root.resolve(path));
        } catch (NoSuchFileException ignored) {
            // already gone
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
