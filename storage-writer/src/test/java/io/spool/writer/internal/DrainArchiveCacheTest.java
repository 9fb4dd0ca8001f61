package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain's class-archive cache ({@code ~/.cache/spool-storage-writer}) does not grow with every jar
 * version a user has run: only the most recently used archives stay, and dumps a killed drain left go.
 */
class DrainArchiveCacheTest {
    @TempDir
    Path cache;

    @Test
    void onlyTheMostRecentlyUsedArchivesStay() throws Exception {
        Instant now = Instant.now();
        for (int i = 0; i < 7; i++) {
            file("drain-" + i + ".jsa", now.minus(Duration.ofDays(i)));
        }
        file("drain-7.jsa.123.tmp", now.minus(Duration.ofHours(2))); // a dump a killed drain left
        file("drain-8.jsa.456.tmp", now); // a dump a running drain is writing
        file("notes.txt", now.minus(Duration.ofDays(30))); // not ours

        DrainRelaunch.removeUnusedArchives(cache);

        assertThat(names())
                .containsExactlyInAnyOrder(
                        "drain-0.jsa", "drain-1.jsa", "drain-2.jsa", "drain-3.jsa", "drain-8.jsa.456.tmp", "notes.txt");
        assertThat(DrainRelaunch.KEPT_ARCHIVES).isEqualTo(4);
    }

    @Test
    void aFolderThatCannotBeListedIsLeftAlone() {
        DrainRelaunch.removeUnusedArchives(cache.resolve("missing")); // no exception: it is only a cache
        assertThat(Files.exists(cache.resolve("missing"))).isFalse();
    }

    private void file(String name, Instant modified) throws Exception {
        Path f = Files.writeString(cache.resolve(name), name);
        Files.setLastModifiedTime(f, FileTime.from(modified));
    }

    private Stream<String> names() throws Exception {
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }
}
