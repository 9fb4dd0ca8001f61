package io.spool.writer.internal;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Runs {@code --drain} in a child JVM with the C1 compiler only ({@code -XX:TieredStopAtLevel=1}). A
 * drain is a one-shot batch: in a fresh JVM the optimizing compiler (C2) spends more CPU compiling the
 * hot loop than it later saves on two cores, and a jar manifest cannot carry JVM flags. Measured as
 * whole processes (both JVMs' start counted): about 1.6× faster for 500k events (BENCHMARKS.md, writer).
 * When launched with {@code -jar}, the child also maps a class-data-sharing archive of the classes a
 * drain loads, kept per jar in {@code ~/.cache/spool-storage-writer} ({@link #classArchive}).
 *
 * <p>The child gets the parent's JVM options (those from {@code JAVA_TOOL_OPTIONS} and the like once, on
 * its command line), class path (or {@code -jar}, so the manifest's {@code Add-Opens} apply), arguments
 * and environment; its output is the parent's. The parent exits
 * with the child's status and forwards SIGTERM (its shutdown hook stops the child and waits for it).
 * When the parent dies however it dies ({@code kill -9} included), the child halts too, as if it had
 * been killed, so no drain outlives the process the user started.
 *
 * <p>Not relaunched: the long-running writer (no {@code --drain}), a JVM given its own JIT flags
 * ({@code -XX:TieredStopAtLevel}, {@code -Xint}, …), or with {@code -Dspool.drain.relaunch=false} or
 * {@code SPOOL_DRAIN_RELAUNCH=false}.
 */
public final class DrainRelaunch {
    static final String CHILD_PROPERTY = "spool.drain.child";
    private static final String MAIN_CLASS = "io.spool.writer.StorageWriterMain";
    /** The environment variables whose JVM options the launcher or the JVM adds to the input arguments. */
    private static final List<String> OPTION_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private DrainRelaunch() {}

    /** How many class archives the cache keeps (one per jar version, JVM and JVM options in use). */
    static final int KEPT_ARCHIVES = 4;

    private static boolean watching;

    /**
     * The jar's entry point: decides before {@code StorageWriterMain} (logging, picocli, Chronicle's
     * settings: 0.15–0.25 s of class loading) is loaded whether this JVM drains or starts the one that does.
     */
    public static void main(String[] args) {
        if (System.getProperty(CHILD_PROPERTY) == null) {
            OptionalInt drained = runInChildJvm(args);
            if (drained.isPresent()) {
                System.exit(drained.getAsInt());
            }
        }
        io.spool.writer.StorageWriterMain.main(args); // in the child, it calls runInChildJvm once logging is set
    }

    /**
     * In the process the user started with {@code --drain}: runs the drain in a C1-only child JVM and
     * returns its exit status. Empty when this process should do the work itself (and, in the child,
     * starts watching the parent and {@link DrainPreload}: call it once logging is configured, so that
     * what the preload's libraries log goes where Spool's lines go).
     */
    public static OptionalInt runInChildJvm(String[] args) {
        if (System.getProperty(CHILD_PROPERTY) != null) {
            watchParent();
            noPosixBindings();
            DrainPreload.start();
            return OptionalInt.empty();
        }
        if (!isDrain(args)
                || "false".equalsIgnoreCase(System.getProperty("spool.drain.relaunch"))
                || "false".equalsIgnoreCase(System.getenv("SPOOL_DRAIN_RELAUNCH"))) {
            return OptionalInt.empty();
        }
        List<String> jvmArgs = jvmArguments();
        for (String a : jvmArgs) {
            if (a.startsWith("-XX:TieredStopAtLevel")
                    || a.startsWith("-XX:-TieredCompilation")
                    || a.equals("-Xint")
                    || a.equals("-Xcomp")
                    || a.startsWith("-XX:+UseJVMCICompiler")) {
                return OptionalInt.empty(); // the user chose the JIT
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-D" + CHILD_PROPERTY + "=true");
        String classPath = System.getProperty("java.class.path", "");
        String launched = System.getProperty("sun.java.command", "");
        Path archive = null;
        Path newArchive = null;
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar") && launched.startsWith(classPath)) {
            // The jar's real path, not the one typed: the JVM only maps an archive whose recorded class
            // path is spelled the same, so `-jar x.jar` in one folder and `-jar /opt/x.jar` (or a
            // link) would each make an archive the other cannot use and silently load every class again.
            Path jar = realPath(Path.of(classPath));
            archive = classArchive(jar, jvmArgs);
            if (archive != null) {
                // -Xlog: a missing or stale archive is not worth a warning; the JVM then loads classes as usual
                command.add("-Xlog:cds=off");
                command.add("-Xlog:cds+dynamic=off");
                if (Files.isRegularFile(archive)) {
                    markUsed(archive);
                    command.add("-XX:SharedArchiveFile=" + archive);
                } else {
                    newArchive = archive.resolveSibling(archive.getFileName() + "."
                            + ProcessHandle.current().pid() + ".tmp");
                    command.add("-XX:ArchiveClassesAtExit=" + newArchive);
                }
            }
            command.add("-jar"); // the manifest's Add-Opens/Add-Exports apply only to -jar
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(MAIN_CLASS);
        }
        command.addAll(List.of(args));
        ProcessBuilder launch = new ProcessBuilder(command).inheritIO();
        // The JVM's input arguments include the options these variables gave this JVM, and the child
        // gets all of them on its command line: left in its environment too, it would apply each twice
        // (a -javaagent an APM set in JAVA_TOOL_OPTIONS would load twice) and print "Picked up" again.
        launch.environment().keySet().removeAll(OPTION_VARIABLES);
        Process child;
        try {
            child = launch.start();
        } catch (IOException e) {
            System.err.println(
                    "storage writer: cannot start a JVM for the drain (" + e.getMessage() + "); draining in this one");
            return OptionalInt.empty();
        }
        Thread stop = new Thread(
                () -> {
                    if (child.isAlive()) {
                        child.destroy(); // SIGTERM: the drain commits what it has and exits
                        try {
                            child.waitFor();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                "spool-drain-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        int status;
        while (true) {
            try {
                status = child.waitFor();
                break;
            } catch (InterruptedException e) {
                // keep waiting: the child decides when the drain is done
            }
        }
        if (newArchive != null) {
            try {
                if (status == 0 && Files.isRegularFile(newArchive)) {
                    Files.move(
                            newArchive, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    removeUnusedArchives(archive.getParent());
                }
                Files.deleteIfExists(newArchive);
            } catch (IOException ignored) {
                // the next drain makes another
            }
        }
        return OptionalInt.of(status);
    }

    /**
     * Where the class-data-sharing archive of this jar, JVM and JVM options is kept: the classes a drain
     * loads (Iceberg, Hadoop, Parquet, Chronicle, SQLite: about 8,000), already parsed and verified, so a
     * drain's JVM maps them instead of loading each from the jar (about a second of start-up and
     * commit). The first drain of a jar version writes it at exit (a few seconds more, once); every later
     * one uses it. The JVM checks the archive against the jar itself and ignores one that does not match.
     * {@code null} (no archive) when the user set class-data-sharing options or the cache folder cannot
     * be made.
     */
    private static Path classArchive(Path jar, List<String> jvmArgs) {
        for (String a : jvmArgs) {
            if (a.startsWith("-Xshare") || a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit")) {
                return null;
            }
        }
        try {
            String home = System.getenv("XDG_CACHE_HOME");
            Path dir = home != null && !home.isBlank()
                    ? Path.of(home)
                    : Path.of(System.getProperty("user.home"), ".cache");
            dir = dir.resolve("spool-storage-writer");
            Files.createDirectories(dir);
            String key = jar + "|" + Files.size(jar) + "|"
                    + Files.getLastModifiedTime(jar).toMillis() + "|" + System.getProperty("java.vm.version") + "|"
                    + String.join(" ", jvmArgs);
            return dir.resolve("drain-" + Integer.toHexString(key.hashCode()) + ".jsa");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * This JVM's options, as {@code RuntimeMXBean.getInputArguments()} gives them (the same JVM call), but
     * without loading the management classes: 27 ms of the parent's start, while the user waits.
     * jdk.internal.misc is exported to the jar by its manifest (Chronicle needs it); without it
     * ({@code -cp}), the management bean.
     */
    static List<String> jvmArguments() {
        try {
            Object args = Class.forName("jdk.internal.misc.VM")
                    .getMethod("getRuntimeArguments")
                    .invoke(null);
            return List.of((String[]) args);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return ManagementFactory.getRuntimeMXBean().getInputArguments();
        }
    }

    private static Path realPath(Path jar) {
        try {
            return jar.toRealPath();
        } catch (IOException | RuntimeException e) {
            return jar.toAbsolutePath();
        }
    }

    /** An archive's modification time is when a drain last used it: the cache keeps the recently used. */
    private static void markUsed(Path archive) {
        try {
            Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
        } catch (IOException | RuntimeException ignored) {
            // then it may be removed sooner; the next drain makes another
        }
    }

    /**
     * Each jar version (and JVM, and set of JVM options) has an archive of ~40 MB: after a new one is
     * written, only the {@value #KEPT_ARCHIVES} most recently used stay, so upgrades do not pile them up
     * in the user's cache; dumps a killed drain left behind go after an hour.
     */
    static void removeUnusedArchives(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> archives = new ArrayList<>();
            Instant stale = Instant.now().minus(Duration.ofHours(1));
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.startsWith("drain-")) {
                    continue;
                }
                if (name.endsWith(".jsa")) {
                    archives.add(f);
                } else if (name.endsWith(".tmp") && modified(f).isBefore(stale)) {
                    Files.deleteIfExists(f);
                }
            }
            archives.sort(Comparator.comparing(DrainRelaunch::modified).reversed());
            for (Path old : archives.subList(Math.min(KEPT_ARCHIVES, archives.size()), archives.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException | RuntimeException ignored) {
            // a cache: what is not removed now is removed after the next new archive
        }
    }

    private static Instant modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * In the drain's child, before Chronicle loads: Chronicle's POSIX bindings stay unbound. Chronicle's
     * {@code Jvm} binds them when it loads (through jnr-ffi: about 0.15 s of class loading and native
     * stubs), but only an appender uses them ({@code fallocate} ahead of writes, {@code msync}, the
     * pre-toucher); a drain only tails the journal, which is plain memory-mapped reads. The no-op binding
     * answers those calls with "done" (an {@code msync} would silently not sync), so it is only set in
     * this JVM, which never appends.
     */
    private static void noPosixBindings() {
        try {
            net.openhft.posix.PosixAPI.useNoOpPosixApi();
        } catch (LinkageError e) {
            // another Chronicle without this switch: it binds them as usual
        }
    }

    static boolean isDrain(String[] args) {
        boolean drain = "true".equalsIgnoreCase(System.getenv("SPOOL_DRAIN"));
        for (String a : args) {
            if (a.equals("--drain") || a.equalsIgnoreCase("--drain=true")) {
                drain = true;
            } else if (a.equalsIgnoreCase("--drain=false")) {
                drain = false;
            } else if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V")) {
                return false;
            }
        }
        return drain;
    }

    /**
     * In the child: halts once the parent is gone, however it went ({@code kill -9} included). Polled
     * (a read of {@code /proc}, ten times a second) rather than a blocking read of a pipe from the
     * parent: a thread blocked reading standard input held the JVM's exit up by 0.3 s.
     */
    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null || watching) {
            return;
        }
        watching = true;
        Thread watch = new Thread(
                () -> {
                    while (parent.isAlive()) {
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    Runtime.getRuntime().halt(137);
                },
                "spool-drain-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
