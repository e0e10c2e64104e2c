package io.vnet.it.machine;

import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** CPU time and peak resident memory of processes (each with its descendants), from /proc. */
public final class ProcessUsage {
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private ProcessUsage() {
    }

    /** User plus system CPU seconds used so far by these processes and their descendants. */
    public static double cpuSeconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : tree(pids)) {
            ticks += cpuTicks(pid);
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** The largest peak resident set (VmHWM) among these processes and their descendants, in MiB. */
    public static double peakRssMiB(List<Long> pids) {
        long maxKb = 0;
        for (long pid : tree(pids)) {
            maxKb = Math.max(maxKb, statusKb(pid, "VmHWM:"));
        }
        return maxKb / 1024.0;
    }

    /** User plus system CPU seconds used so far by this one process (not its descendants). */
    public static double cpuSeconds(long pid) {
        return cpuTicks(pid) / TICKS_PER_SECOND;
    }

    /** The resident set (VmRSS) of this one process now, in KiB. */
    public static long rssKiB(long pid) {
        long kb = statusKb(pid, "VmRSS:");
        if (kb <= 0) {
            throw new IllegalStateException("no VmRSS for process " + pid);
        }
        return kb;
    }

    private static List<Long> tree(List<Long> pids) {
        List<Long> all = new ArrayList<>();
        for (long pid : pids) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                throw new IllegalStateException("process " + pid + " is gone; cannot read its CPU and memory");
            }
            all.add(pid);
            h.get().descendants().forEach(d -> all.add(d.pid()));
        }
        return all;
    }

    /** User plus system clock ticks of this one process, from /proc/PID/stat. */
    public static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name in parentheses may contain spaces; the fields after it are fixed
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    private static long statusKb(long pid, String key) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static double ticksPerSecond() {
        Sh.Result r = Sh.run("getconf", "CLK_TCK");
        return r.ok() ? Double.parseDouble(r.out().trim()) : 100.0;
    }
}
