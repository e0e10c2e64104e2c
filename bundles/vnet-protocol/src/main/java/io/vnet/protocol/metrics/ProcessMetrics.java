package io.vnet.protocol.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's own metrics, under the names Prometheus's client libraries use, so existing
 * dashboards and alerts work: {@code process_resident_memory_bytes}, {@code process_open_fds},
 * {@code process_cpu_seconds_total}, {@code process_start_time_seconds}, and the JVM's heap and
 * threads. Read from {@code /proc/self} (Linux) and the JVM's management beans at each scrape; a
 * value this system cannot give is left out.
 */
public final class ProcessMetrics {
    /** Linux's clock ticks per second for /proc/self/stat's times (USER_HZ, 100 on every architecture Debian ships). */
    private static final double TICKS = 100.0;

    private ProcessMetrics() {
    }

    /** Adds the families to {@code e}. */
    public static void write(Exposition e) {
        List<String> status = lines(Path.of("/proc/self/status"));
        long rss = kib(status, "VmRSS:");
        if (rss >= 0) {
            e.gauge("process_resident_memory_bytes", "Resident memory size in bytes.").sample(rss * 1024.0);
        }
        long fds = openFds();
        if (fds >= 0) {
            e.gauge("process_open_fds", "Number of open file descriptors.").sample(fds);
        }
        double cpu = cpuSeconds();
        if (cpu >= 0) {
            e.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.").sample(cpu);
        }
        e.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.")
                .sample(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        e.gauge("jvm_memory_used_bytes", "Used bytes of a given JVM memory area.").sample(heap.getUsed(), "area", "heap")
                .sample(ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed(), "area", "nonheap");
        if (heap.getMax() > 0) {
            e.gauge("jvm_memory_max_bytes", "Max bytes of a given JVM memory area.").sample(heap.getMax(), "area", "heap");
        }
        e.gauge("jvm_threads_current", "Current thread count of a JVM.").sample(ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static long kib(List<String> status, String key) {
        for (String l : status) {
            if (l.startsWith(key)) {
                String[] f = l.substring(key.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(f[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static long openFds() {
        long n = 0;
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : d) {
                n++;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return Math.max(0, n - 1); // less the directory stream's own descriptor
    }

    /** utime + stime of /proc/self/stat, fields 14 and 15, counted after the command's closing parenthesis. */
    private static double cpuSeconds() {
        List<String> stat = lines(Path.of("/proc/self/stat"));
        if (stat.isEmpty()) {
            return -1;
        }
        String s = stat.get(0);
        int close = s.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] f = s.substring(close + 1).trim().split("\\s+");
        try {
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
