package io.spool.samples.quickstart;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The quickstart's run folders, {@code <data-dir>/quickstart/run-<yyyyMMdd-HHmmss>}: one per run, so a run
 * never reads an earlier one's journal, and {@code --clean} to delete them. Only folders with exactly
 * that name are ever deleted: a folder a user put beside them is not the quickstart's to remove.
 */
final class QuickstartRuns {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern RUN = Pattern.compile("run-\\d{8}-\\d{6}(-\\d+)?");

    private final Path dir;

    QuickstartRuns(Path dir) {
        this.dir = dir;
    }

    /** Creates the folder of a run started at {@code now}; a second run in the same second gets a suffix. */
    Path newRun(LocalDateTime now) throws IOException {
        Files.createDirectories(dir);
        String name = "run-" + now.format(STAMP);
        Path run = dir.resolve(name);
        for (int n = 2; Files.exists(run); n++) {
            run = dir.resolve(name + "-" + n);
        }
        return Files.createDirectory(run);
    }

    /** Deletes every earlier run's folder; how many there were. */
    int deleteAll() throws IOException {
        List<Path> runs = runs();
        for (Path run : runs) {
            deleteTree(run);
        }
        return runs.size();
    }

    /** How many earlier runs lie beside {@code current}. */
    int countExcept(Path current) throws IOException {
        return (int) runs().stream().filter(run -> !run.equals(current)).count();
    }

    private List<Path> runs() throws IOException {
        List<Path> runs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return runs;
        }
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(p -> RUN.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .forEach(runs::add);
        }
        return runs;
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
