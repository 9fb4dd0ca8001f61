package io.spool.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JVM in a child process, for the tests whose point is a process: a jar run as a user runs it
 * ({@link #jar}), or a main class on the test's own class path with Chronicle's flags ({@link #main}),
 * for a crash (SIGKILL) at a chosen moment. Its output (stdout and stderr) is appended to a log file;
 * its stdin is empty; the test runner's {@code SPOOL_*} variables are not passed on (the jars read them
 * as defaults). Closing it kills it if it still runs.
 */
public final class ChildJvm implements AutoCloseable {
    /** Small heap, C1 only: starts fast, for the tests that start a child again and again (crash and restart). */
    public static final List<String> QUICK_START = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

    private static final int TAIL_LINES = 30;

    private final String name;
    private final Process process;
    private final Path log;
    private final long logOffset;

    private ChildJvm(String name, Process process, Path log, long logOffset) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logOffset = logOffset;
    }

    /** {@code java [jvm args] -jar JAR [args]}. */
    public static Builder jar(Path jar) {
        return new Builder(
                List.of(),
                List.of("-jar", jar.toAbsolutePath().toString()),
                jar.getFileName().toString());
    }

    /**
     * {@code java [Chronicle's flags] [jvm args] -cp <the test's class path> MAIN [args]}; Chronicle's
     * flags come from the {@code spool.test.jvmArgs} system property the root pom gives surefire.
     */
    public static Builder main(Class<?> main) {
        return main(main, System.getProperty("java.class.path"));
    }

    /** The same on another class path (a test of what runs without one library or with an older one). */
    public static Builder main(Class<?> main, String classPath) {
        List<String> chronicle = new ArrayList<>(Arrays.asList(
                System.getProperty("spool.test.jvmArgs", "").trim().split("\\s+")));
        chronicle.removeIf(String::isEmpty);
        return new Builder(chronicle, List.of("-cp", classPath, main.getName()), main.getSimpleName());
    }

    /** The jar a system property names (the module's pom sets it), which the reactor built before the tests. */
    public static Path builtJar(String property) {
        String configured = System.getProperty(property);
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw new IllegalStateException("-D" + property + " must name a built jar, not " + configured
                    + " (mvn -B -DskipTests package builds it)");
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /** Lines of {@code log} (every run appended to it) that contain {@code text}; 0 when there is no log yet. */
    public static long count(Path log, String text) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    /** How a child is started; {@link #start()} starts one, and can be called again for a restart. */
    public static final class Builder {
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> launch;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String name;
        private Path log;
        private Path directory;
        private boolean announce;

        private Builder(List<String> jvmArgs, List<String> launch, String name) {
            this.jvmArgs.addAll(jvmArgs);
            this.launch = launch;
            this.name = name;
        }

        /** What failure messages call it; also the log's name ({@code NAME.log}) when {@link #log} is not set. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Options for the JVM, before the jar or main class ({@code -Xmx256m}, {@code -Dkey=value}). */
        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs.addAll(jvmArgs);
            return this;
        }

        public Builder jvmArgs(String... jvmArgs) {
            return jvmArgs(List.of(jvmArgs));
        }

        /** The program's own arguments. */
        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        public Builder args(String... args) {
            return args(List.of(args));
        }

        /** Extra environment variables (set after the runner's {@code SPOOL_*} ones are removed). */
        public Builder environment(Map<String, String> environment) {
            this.environment.putAll(environment);
            return this;
        }

        public Builder environment(String name, String value) {
            this.environment.put(name, value);
            return this;
        }

        /** The file its output is appended to (across restarts); default {@code NAME.log} in {@link #directory}. */
        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        /** Its working directory; default the test JVM's. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Writes a {@code ==== java ...} line into the log before each start, so a log of restarts shows where each begins. */
        public Builder announce() {
            this.announce = true;
            return this;
        }

        /** The whole command line. */
        public List<String> command() {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.addAll(launch);
            command.addAll(args);
            return command;
        }

        public ChildJvm start() throws IOException {
            if (log == null && directory == null) {
                throw new IllegalStateException("a child JVM needs a log file or a directory for one: " + name);
            }
            Path file = log != null ? log : directory.resolve(name + ".log");
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (directory != null) {
                Files.createDirectories(directory);
            }
            List<String> command = command();
            if (announce) {
                Files.writeString(
                        file,
                        "==== " + String.join(" ", command) + System.lineSeparator(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            long offset = Files.exists(file) ? Files.size(file) : 0;
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().keySet().removeIf(k -> k.startsWith("SPOOL_"));
            builder.environment().putAll(environment);
            return new ChildJvm(name, builder.start(), file, offset);
        }
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** This run's output so far (the log may hold earlier runs before it). */
    public String output() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of this run's output that contain {@code text}. */
    public long count(String text) {
        return output().lines().filter(l -> l.contains(text)).count();
    }

    /** The last 30 lines of its log, headed by its name, for a failure message. */
    public String tail() {
        return tail(TAIL_LINES);
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "----- " + name + " (" + log + ", last " + lines + " lines)\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Polls this run's output for {@code pattern}; fails if the process exits without printing it or time runs out. */
    public Matcher awaitOutput(Pattern pattern, Duration timeout) {
        Matcher[] found = new Matcher[1];
        Deadline.of(timeout)
                .await(
                        name + " to print /" + pattern + "/",
                        () -> {
                            boolean alive =
                                    process.isAlive(); // before the read: a line printed on the way out still counts
                            Matcher m = pattern.matcher(output());
                            if (m.find()) {
                                found[0] = m;
                                return true;
                            }
                            if (!alive) {
                                throw new AssertionError(name + " exited with " + process.exitValue()
                                        + " before printing /" + pattern + "/\n" + tail());
                            }
                            return false;
                        },
                        this::tail);
        return found[0];
    }

    /** Polls {@code condition}; fails with this process's output if it exits first or time runs out. */
    public void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
        Deadline.of(timeout)
                .await(
                        what,
                        () -> {
                            if (Boolean.TRUE.equals(condition.call())) {
                                return true;
                            }
                            if (!process.isAlive()) {
                                throw new AssertionError(name + " exited with " + process.exitValue()
                                        + " while waiting for " + what + "\n" + tail());
                            }
                            return false;
                        },
                        this::tail);
    }

    /** Waits for it to exit and returns the status; fails if it still runs after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout.toSeconds() + " s\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }

    /** Waits for it to exit; fails unless it exits with {@code expected} within {@code timeout}. */
    public void awaitExit(int expected, Duration timeout) {
        int status = awaitExit(timeout);
        if (status != expected) {
            throw new AssertionError(name + " exited with " + status + ", expected " + expected + "\n" + tail());
        }
    }

    /** SIGTERM, then the exit status (fails if it still runs after {@code timeout}). */
    public int terminate(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    /** SIGKILL (kill -9) if it still runs, and waits until it is gone. */
    public void kill() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
