package io.spool.laketests;

import io.spool.testsupport.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The collector and writer jars run as child JVMs, as a user runs them ({@code java -jar}), each
 * logging (stdout and stderr) to its own file in a folder of the test's. Register it as an extension
 * ({@code @RegisterExtension}): after each test every child still alive is killed, and a failing test's
 * error carries the tail of every child's log.
 */
public final class Processes implements AfterEachCallback, TestExecutionExceptionHandler {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^\\s:]+:(\\d+)");
    private static final int LOG_TAIL_LINES = 80;
    /** In an assertion's own message: the rest is in the logs attached to a failed test. */
    private static final int MESSAGE_TAIL_LINES = 25;

    private final Path logDir;
    private final List<Child> children = new ArrayList<>();

    public Processes(Path logDir) {
        this.logDir = logDir;
    }

    /**
     * Starts {@code java -jar spool-collector.jar} on 127.0.0.1, a free port, the given journal and
     * write key, and waits for its "listening on" line.
     */
    public Child collector(String name, Path journalDir, String writeKey, String... extraArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--host", "127.0.0.1", "--port", "0", "--journal-dir", journalDir.toString(), "--write-key", writeKey));
        args.addAll(List.of(extraArgs));
        Child child = start(name, Repo.collectorJar(), args);
        Matcher m = child.awaitLog(LISTENING, Duration.ofSeconds(60));
        child.port = Integer.parseInt(m.group(1));
        return child;
    }

    /** Starts {@code java -jar spool-storage-writer.jar ARGS}; does not wait for anything. */
    public Child writer(String name, List<String> args) throws IOException {
        return writer(name, args, Map.of());
    }

    /** The same, with extra environment variables. */
    public Child writer(String name, List<String> args, Map<String, String> environment) throws IOException {
        return start(name, Repo.writerJar(), args, environment);
    }

    /**
     * Starts the writer with {@code --drain} appended (write everything the journal holds, commit,
     * exit); {@link Child#awaitExit(int, Duration)} on the result waits for it.
     */
    public Child drain(String name, List<String> args, Map<String, String> environment) throws IOException {
        List<String> drainArgs = new ArrayList<>(args);
        drainArgs.add("--drain");
        return writer(name, drainArgs, environment);
    }

    public Child start(String name, Path jar, List<String> args) throws IOException {
        return start(name, jar, args, Map.of());
    }

    /**
     * Starts {@code java -Xmx512m -jar JAR ARGS} with the test JVM's environment less its
     * {@code SPOOL_*} variables, plus {@code environment}; output to {@code <logDir>/<name>.log}
     * (appended to across restarts under the same name, each start's command line first).
     */
    public Child start(String name, Path jar, List<String> args, Map<String, String> environment) throws IOException {
        ChildJvm jvm = ChildJvm.jar(jar)
                .name(name)
                .jvmArgs("-Xmx512m", "-XX:+UseSerialGC")
                .args(args)
                .environment(environment)
                .directory(logDir)
                .announce()
                .start();
        Child child = new Child(jvm);
        synchronized (children) {
            children.add(child);
        }
        return child;
    }

    /** The last lines of every child's log, for a failure message. */
    public String logs() {
        StringBuilder out = new StringBuilder();
        List<Path> seen = new ArrayList<>();
        synchronized (children) {
            for (Child child : children) {
                if (seen.contains(child.log())) {
                    continue;
                }
                seen.add(child.log());
                out.append('\n').append(child.jvm.tail(LOG_TAIL_LINES)).append('\n');
            }
        }
        return out.toString();
    }

    /** Fails with the exit status and log tail of the first of {@code children} that is no longer running. */
    public static void requireRunning(Child... children) {
        for (Child child : children) {
            if (!child.isAlive()) {
                throw new AssertionError(
                        child.name() + " exited with " + child.process().exitValue() + " while it should be running:\n"
                                + child.tail(MESSAGE_TAIL_LINES));
            }
        }
    }

    public void killAll() {
        synchronized (children) {
            for (Child child : children) {
                child.kill();
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        killAll();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        if (!children.isEmpty()) {
            throwable.addSuppressed(new ChildLogs(logs()));
        }
        throw throwable;
    }

    /** Carries the children's logs on a failed test (as a suppressed exception, so the original stays first). */
    static final class ChildLogs extends Exception {
        ChildLogs(String logs) {
            super("logs of the child processes:" + logs, null, false, false);
        }
    }

    /** One child JVM, and the port it said it listens on if it is a collector. */
    public static final class Child {
        private final ChildJvm jvm;
        volatile int port = -1;

        Child(ChildJvm jvm) {
            this.jvm = jvm;
        }

        public String name() {
            return jvm.name();
        }

        public Process process() {
            return jvm.process();
        }

        public Path log() {
            return jvm.log();
        }

        /** The port a collector said it listens on. */
        public int port() {
            if (port < 0) {
                throw new IllegalStateException(name() + " has no port");
            }
            return port;
        }

        public boolean isAlive() {
            return jvm.isAlive();
        }

        /** This run's output so far (the log file may hold earlier runs of the same name). */
        public String output() {
            return jvm.output();
        }

        String tail(int lines) {
            return jvm.tail(lines) + "\n";
        }

        /** Polls this run's output for {@code pattern}; fails if the process exits first or time runs out. */
        public Matcher awaitLog(Pattern pattern, Duration timeout) {
            return jvm.awaitOutput(pattern, timeout);
        }

        /** Waits for the process to exit and fails unless it exits with {@code expected} in time. */
        public void awaitExit(int expected, Duration timeout) {
            jvm.awaitExit(expected, timeout);
        }

        /** Waits for the process to exit and returns its status; fails if it is still running at the deadline. */
        public int awaitExit(Duration timeout) {
            return jvm.awaitExit(timeout);
        }

        /** SIGTERM, then waits for the exit status (fails if the process is still up at the deadline). */
        public int terminate(Duration timeout) {
            return jvm.terminate(timeout);
        }

        /** SIGKILL (kill -9) and waits until the process is gone. */
        public void kill() {
            jvm.kill();
        }

        @Override
        public String toString() {
            return jvm.toString();
        }
    }
}
