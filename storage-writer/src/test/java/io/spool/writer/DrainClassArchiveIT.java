package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.journal.Journal;
import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar spool-storage-writer.jar --drain}, the built jar itself: the first drain writes the
 * class-data-sharing archive, and every later drain maps it however the jar's path is spelled (absolute,
 * relative to another folder, through a link). The JVM only maps an archive whose recorded class path
 * matches, and ignores one that does not without a word, so this reads the child JVM's class-loading log.
 */
class DrainClassArchiveIT {
    /** A class the drain loads in its child JVM only, after start-up. */
    private static final String DRAIN_CLASS = "io.spool.writer.internal.WriterLoop ";

    @TempDir
    Path dir;

    @Test
    void laterDrainsMapTheArchiveWhateverTheJarPathLooksLike() throws Exception {
        Path jar = ChildJvm.builtJar("spool.writer.jar");
        Path journal = dir.resolve("journal");
        try (Journal j = Journal.open(journal)) {
            long t0 = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
            TestJournal.append(j, TestJournal.track("m1", t0), TestJournal.track("m2", t0 + 1));
        }
        Path link = Files.createSymbolicLink(dir.resolve("writer.jar"), jar);

        assertThat(drain(jar.getFileName().toString(), jar.getParent(), "first"))
                .as("the first drain (the jar's relative path), which writes the archive")
                .isEqualTo("jar");
        try (Stream<Path> archives = Files.list(dir.resolve("cache/spool-storage-writer"))) {
            assertThat(archives.map(p -> p.getFileName().toString()))
                    .singleElement()
                    .asString()
                    .endsWith(".jsa");
        }
        assertThat(drain(jar.toString(), dir, "absolute"))
                .as("a drain started in another folder with the jar's absolute path")
                .isEqualTo("archive");
        assertThat(drain(link.toString(), dir, "link"))
                .as("a drain started through a link to the jar")
                .isEqualTo("archive");
        assertThat(DuckDb.count("SELECT count(*) FROM " + TestJournal.events(dir.resolve("lake-link"))))
                .isEqualTo(2);
    }

    /** Runs a drain into its own lake; returns where the drain's JVM loaded {@link #DRAIN_CLASS} from. */
    private String drain(String jar, Path workingDir, String name) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("classes-" + name));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        // the same options every run (they are part of the archive's key); %p: the parent and child log apart
        command.add("-Xlog:class+load=info:file=" + dir.resolve("classes") + "/%p.log");
        command.addAll(List.of(
                "-jar",
                jar,
                "--journal-dir",
                dir.resolve("journal").toString(),
                "--output",
                dir.resolve("lake-" + name).toString(),
                "--writer-id",
                "archive-" + name,
                "--drain"));
        Files.createDirectories(dir.resolve("classes"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process p = builder.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as(name + " drain finished")
                .isTrue();
        assertThat(p.exitValue())
                .as(Files.readString(dir.resolve(name + ".log")))
                .isZero();
        String source = null;
        try (Stream<Path> files = Files.list(dir.resolve("classes"))) {
            for (Path log : files.toList()) {
                for (String line : Files.readAllLines(log)) {
                    int at = line.indexOf(DRAIN_CLASS + "source: ");
                    if (at >= 0) {
                        source = line.substring(at + DRAIN_CLASS.length() + "source: ".length());
                    }
                }
                Files.move(log, logs.resolve(log.getFileName()));
            }
        }
        assertThat(source).as("the drain's JVM loaded " + DRAIN_CLASS).isNotNull();
        // "shared objects file (top)": the dynamic archive on top of the JDK's own
        return source.startsWith("shared objects file") ? "archive" : source.startsWith("file:") ? "jar" : source;
    }
}
