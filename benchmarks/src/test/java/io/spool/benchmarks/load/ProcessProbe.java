package io.spool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the soak watches in a child JVM, read the way an operator would: the heap used after a full GC
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}), and from {@code /proc/PID}: threads, anonymous
 * RSS and open file descriptors. Linux only (the soak test says so when it skips).
 */
final class ProcessProbe {
    /** " garbage-first heap   total 262144K, used 23456K [...", " tenured generation   total ..., used ...K" */
    private static final Pattern GENERATION = Pattern.compile("(?m)^ (?!Metaspace)\\S.*?total \\d+K, used (\\d+)K");

    /** One sample of one process. */
    record Sample(
            double seconds,
            long heapAfterGcBytes,
            int threads,
            int openFiles,
            long rssAnonBytes,
            Map<String, Integer> threadNames) {
        @Override
        public String toString() {
            return String.format(
                    "t=%.0fs heap-after-GC %.1f MB, threads %d, open files %d, RssAnon %.0f MB",
                    seconds, heapAfterGcBytes / 1048576.0, threads, openFiles, rssAnonBytes / 1048576.0);
        }
    }

    private ProcessProbe() {}

    static boolean supported() {
        return Files.isDirectory(Path.of("/proc/self/fd")) && Files.isExecutable(jcmd());
    }

    static Sample sample(long pid, double seconds) throws IOException, InterruptedException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
        int threads = (int) statusField(status, "Threads");
        long rssAnon = statusField(status, "RssAnon") * 1024;
        int openFiles;
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            openFiles = (int) fds.count();
        }
        return new Sample(seconds, heapAfterGc(pid), threads, openFiles, rssAnon, threadNames(pid));
    }

    /** Threads by name, digits dropped ("iceberg-worker-pool-0" and "-1" count together), from /proc/PID/task/TID/comm. */
    static Map<String, Integer> threadNames(long pid) throws IOException {
        Map<String, Integer> names = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8)
                            .strip()
                            .replaceAll("\\d+", "N");
                    names.merge(name, 1, Integer::sum);
                } catch (NoSuchFileException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return names;
    }

    /** A full GC, then the sum of the generations' used bytes. */
    static long heapAfterGc(long pid) throws IOException, InterruptedException {
        Path commands = Files.createTempFile("jcmd", ".txt");
        try {
            Files.writeString(commands, "GC.run\nGC.heap_info\n");
            Process jcmd = new ProcessBuilder(jcmd().toString(), Long.toString(pid), "-f", commands.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " failed: " + out);
            }
            long usedKb = 0;
            boolean found = false;
            for (Matcher m = GENERATION.matcher(out); m.find(); ) {
                usedKb += Long.parseLong(m.group(1));
                found = true;
            }
            if (!found) {
                throw new IllegalStateException("no heap sizes in jcmd's GC.heap_info of " + pid + ":\n" + out);
            }
            return usedKb * 1024;
        } finally {
            Files.deleteIfExists(commands);
        }
    }

    private static long statusField(String status, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(status);
        if (!m.find()) {
            throw new UncheckedIOException(new IOException("no " + name + " in /proc/PID/status"));
        }
        return Long.parseLong(m.group(1));
    }

    private static Path jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }
}
