package io.spool.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {
    @TempDir
    Path dir;

    /** What the child runs: prints its arguments and SPOOL_PROBE, then exits with the status its first names. */
    public static final class Echo {
        public static void main(String[] args) {
            System.out.println("args " + String.join(" ", args) + " probe " + System.getenv("SPOOL_PROBE"));
            System.exit(Integer.parseInt(args[0]));
        }
    }

    @Test
    void aMainClassRunsOnTheTestClassPathAndEachRunAppendsToTheLog() throws Exception {
        Path log = dir.resolve("echo.log");
        try (ChildJvm first = ChildJvm.main(Echo.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .log(log)
                .args("0", "one")
                .start()) {
            assertThat(first.awaitOutput(Pattern.compile("args 0 (\\w+)"), Duration.ofSeconds(30))
                            .group(1))
                    .isEqualTo("one");
            first.awaitExit(0, Duration.ofSeconds(30));
        }
        ChildJvm.Builder again = ChildJvm.main(Echo.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .log(log)
                .announce()
                .environment("SPOOL_PROBE", "set")
                .args("3", "two");
        try (ChildJvm second = again.start()) {
            assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
            assertThat(second.output())
                    .as("this run's output only")
                    .doesNotContain("one")
                    .contains("args 3 two probe set");
        }
        assertThat(Files.readString(log)).contains("args 0 one", "==== ", "args 3 two");
        assertThat(ChildJvm.count(log, "args ")).isEqualTo(2);
    }

    @Test
    void waitingForOutputFailsAtOnceWhenTheProcessExitsWithoutIt() throws Exception {
        try (ChildJvm child = ChildJvm.main(Echo.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .directory(dir)
                .args("7")
                .start()) {
            assertThatThrownBy(() -> child.awaitOutput(Pattern.compile("never printed"), Duration.ofSeconds(60)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Echo exited with 7 before printing /never printed/")
                    .hasMessageContaining("args 7 probe null");
        }
        assertThat(dir.resolve("Echo.log")).exists();
    }
}
