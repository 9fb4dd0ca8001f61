package io.spool.collector;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spool.testsupport.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What this process holds open under a folder, read from Linux's {@code /proc/self}: file descriptors
 * ({@code fd/}) and memory mappings ({@code maps}). Chronicle Queue maps its files, so a queue left open
 * shows up in both; a closed one shows up in neither.
 */
final class OpenFiles {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Path MAPS = Path.of("/proc/self/maps");

    private OpenFiles() {}

    /** Every descriptor target and mapped file of this process under {@code dir}; skips the test off Linux. */
    static List<String> under(Path dir) {
        assumeTrue(Files.isDirectory(FDS) && Files.isReadable(MAPS), "needs Linux's /proc/self");
        String prefix;
        try {
            prefix = dir.toRealPath().toString() + "/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        found.add("fd " + fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed between the listing and the read (the stream's own descriptor, for one)
                }
            }
            for (String line : Files.readAllLines(MAPS)) {
                int path = line.indexOf(prefix);
                if (path >= 0) {
                    found.add("mapped " + line.substring(path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * Polls until nothing under {@code dir} is open or mapped, and fails with what is left after
     * {@code limit}. (Chronicle may release a mapping on its background releaser thread just after close.)
     */
    static void awaitNoneUnder(Path dir, Duration limit) {
        Deadline.of(limit)
                .every(Duration.ofMillis(1))
                .await(
                        "files of " + dir + " to be closed and unmapped",
                        () -> under(dir).isEmpty(),
                        () -> "still open or mapped " + limit + " after close: " + under(dir));
    }
}
