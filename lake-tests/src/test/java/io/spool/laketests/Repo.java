package io.spool.laketests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its built jars are, seen from the test JVM. */
public final class Repo {
    private Repo() {}

    /**
     * The repository root: the system property {@code spool.repo.root} (the pom sets it), else the first
     * folder up from the working directory that holds {@code .ci/run}.
     */
    public static Path root() {
        String configured = System.getProperty("spool.repo.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".ci").resolve("run"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with .ci/run) above "
                + Path.of("").toAbsolutePath() + "; set -Dspool.repo.root");
    }

    public static Path collectorJar() {
        return jar("spool.collector.jar", "collector", "spool-collector.jar");
    }

    public static Path writerJar() {
        return jar("spool.writer.jar", "storage-writer", "spool-storage-writer.jar");
    }

    private static Path jar(String property, String module, String name) {
        String configured = System.getProperty(property);
        Path jar = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : root().resolve(module).resolve("target").resolve(name);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build it first (mvn -B -pl " + module + " -am package -DskipTests)");
        }
        return jar.toAbsolutePath().normalize();
    }
}
