package io.spool.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java [jvmArgs] -jar JAR ARGS} as a child process, as a user runs it; its output in a log file. */
final class ChildJvm {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The jar a system property names (the pom sets it), which the reactor built before this module. */
    static Path jar(String property) {
        String configured = System.getProperty(property);
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw new IllegalStateException("-D" + property + " must name a built jar, not " + configured
                    + " (mvn -B -DskipTests package builds it)");
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    static ChildJvm start(String name, Path jar, List<String> jvmArgs, List<String> args, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the jars read SPOOL_* variables as defaults: none of the test runner's may leak in
        builder.environment().keySet().removeIf(k -> k.startsWith("SPOOL_"));
        return new ChildJvm(name, builder.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last lines of its output, for a failure message. */
    String tail() {
        List<String> lines = output().lines().toList();
        return "----- " + name + " (" + log + ", last 30 lines)\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** Polls the output for {@code pattern}; fails if the process exits first or time runs out. */
    Matcher awaitOutput(Pattern pattern, Duration timeout) {
        Matcher[] found = new Matcher[1];
        await(name + " to print /" + pattern + "/", timeout, () -> {
            Matcher m = pattern.matcher(output());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return found[0];
    }

    /** Polls {@code condition} every 100 ms; fails with this process's output if it exits or time runs out. */
    void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while waiting for " + what + "\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + tail());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** SIGTERM; the exit status (fails if it is still running after {@code timeout}). */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running " + timeout.toSeconds() + " s after SIGTERM\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL, if it is still running, and waits for it to go. */
    void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
