package io.spool.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.testsupport.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real apps in child JVMs: exiting without close(), and the oldest OkHttp supported, with no Jackson
 * and no SLF4J binding.
 */
class ChildJvmTest {
    @TempDir
    Path tmp;

    private CollectorStub collector;

    @BeforeEach
    void start() throws Exception {
        collector = new CollectorStub();
    }

    @AfterEach
    void stop() throws Exception {
        collector.close();
    }

    @Test
    void theJvmExitsWhenMainReturnsWithoutCloseAndTheHookDeliversTheQueue() throws Exception {
        Result result =
                run(System.getProperty("java.class.path"), ExitWithoutCloseMain.class, collector.endpoint(), "drain");

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("main returns");
        assertThat(collector.allMessageIds()).containsExactly("exit-0", "exit-1", "exit-2");
    }

    @Test
    void withoutTheShutdownHookTheJvmStillExits() throws Exception {
        Result result =
                run(System.getProperty("java.class.path"), ExitWithoutCloseMain.class, collector.endpoint(), "no-hook");

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("main returns");
    }

    @Test
    void worksWithOkHttp4AndNoJsonLibrary() throws Exception {
        Path compat = Path.of(System.getProperty("spool.test.compatClasspath", "target/compat-okhttp4"));
        List<String> entries = new ArrayList<>();
        entries.add(Path.of("target/classes").toAbsolutePath().toString());
        entries.add(Path.of("target/test-classes").toAbsolutePath().toString());
        try (Stream<Path> jars = Files.list(compat)) {
            entries.addAll(jars.map(Path::toString).sorted().collect(Collectors.toList()));
        }
        String classPath = String.join(File.pathSeparator, entries);
        assertThat(classPath)
                .contains("okhttp-4.12.0.jar")
                .doesNotContain("jackson")
                .doesNotContain("okhttp-jvm");

        Result result = run(classPath, CompatibilityMain.class, collector.endpoint());

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("okhttp 4.12.0 without jackson");
        assertThat(collector.allMessageIds()).hasSize(20).doesNotHaveDuplicates();
        assertThat(collector.allEvents().get(0).get("properties").toString()).contains("at=1970-01-01T00:00:00.000Z");
        // the compat class path has slf4j-api and no binding: build() says so, once, in one line
        assertThat(result.output.lines().filter(l -> l.contains("spool: no SLF4J binding found")))
                .hasSize(1);
    }

    private record Result(int exitCode, String output) {}

    private Result run(String classPath, Class<?> main, String... args) throws IOException {
        try (ChildJvm child = ChildJvm.main(main, classPath)
                .jvmArgs("-Xmx128m")
                .log(tmp.resolve(main.getSimpleName() + ".out"))
                .args(args)
                .start()) {
            return new Result(child.awaitExit(Duration.ofSeconds(60)), child.output());
        }
    }
}
