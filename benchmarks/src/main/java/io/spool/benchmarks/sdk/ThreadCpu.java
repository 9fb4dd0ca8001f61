package io.spool.benchmarks.sdk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of a process by thread group, from Linux's {@code /proc/PID/task/*}: each thread's name
 * ({@code comm}, 15 characters, a trailing number folded to {@code #}, so {@code spool-sender-3} and
 * {@code spool-sender-4} add up as {@code spool-sender-#}) and its run time in nanoseconds
 * ({@code schedstat}; the main thread is named {@code java} there, shown as {@code main}), plus the whole process's ({@code stat}, which keeps the threads that exited).
 * Two samples' difference says where a window's CPU went.
 */
final class ThreadCpu {
    /** What a thread group and the whole process had used when sampled, in nanoseconds. */
    record Sample(Map<String, Long> byGroup, long process) {
        /** The CPU between {@code earlier} and this, by group, largest first; "(exited)" holds the rest. */
        Map<String, Long> since(Sample earlier) {
            Map<String, Long> delta = new TreeMap<>();
            long attributed = 0;
            for (Map.Entry<String, Long> e : byGroup.entrySet()) {
                long d = e.getValue() - earlier.byGroup.getOrDefault(e.getKey(), 0L);
                if (d > 0) {
                    delta.put(e.getKey(), d);
                    attributed += d;
                }
            }
            long rest = (process - earlier.process) - attributed;
            // stat counts in 10 ms ticks, schedstat in ns: only a rest above the ticks' rounding is real
            if (rest > 50_000_000L) {
                delta.put("(exited)", rest);
            }
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(delta.entrySet());
            sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            Map<String, Long> out = new LinkedHashMap<>();
            sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        }
    }

    private ThreadCpu() {}

    static Sample sample(long pid) {
        Map<String, Long> groups = new TreeMap<>();
        Path tasks = Path.of("/proc/" + pid + "/task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+$", "#");
                    if (name.equals("java")) {
                        name = "main"; // the launcher's thread keeps the process's name
                    }
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    long ns = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    groups.merge(name, ns, Long::sum);
                } catch (IOException | RuntimeException exited) {
                    // the thread ended between the listing and the read: the process total keeps its time
                }
            }
        } catch (IOException e) {
            return new Sample(Map.of(), 0);
        }
        return new Sample(groups, processCpuNanos(pid));
    }

    /** utime + stime of a whole process (the threads that exited included), in nanoseconds. */
    static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
            return ticks * (1_000_000_000L / 100); // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** "main 1.02, spool-sender-# 2.31, …" in µs per event, groups under 0.02 µs left out. */
    static String perEvent(Map<String, Long> delta, double events) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : delta.entrySet()) {
            double us = e.getValue() / 1e3 / events;
            if (us >= 0.02) {
                sb.append(sb.length() == 0 ? "" : ", ")
                        .append(e.getKey())
                        .append(' ')
                        .append(String.format("%.2f", us));
            }
        }
        return sb.toString();
    }
}
