package io.vnet.it.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole machine's CPU idle share over time, from the first line of /proc/stat, sampled by
 * a daemon thread, so that any window of a run can be asked for afterwards. Idle is idle plus
 * iowait; the total is user, nice, system, idle, iowait, irq, softirq and steal.
 *
 * <p>Each sample also holds the CPU time (user + system, /proc/PID/stat) of this JVM and every
 * process descending from it: the experiment's own agents, manager and ranks. On a machine
 * shared with other work, that tells the experiment's share apart from the others'. Kernel
 * threads (ksoftirqd, kworkers) that move the experiment's packets are not in it.
 */
public final class CpuMonitor implements AutoCloseable {
    private static final Path STAT = Path.of("/proc/stat");

    /**
     * One reading: when (epoch ms), the cumulative idle and total ticks of all CPUs, and the
     * cumulative user + system ticks of this JVM and each of its descendants, by pid.
     */
    public record Sample(long epochMs, long idle, long total, Map<Long, Long> own) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    private CpuMonitor(long periodMs) {
        take();
        thread = new Thread(() -> {
            while (!stop) {
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
                take();
            }
        }, "cpu-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts sampling every {@code periodMs}. */
    public static CpuMonitor start(long periodMs) {
        return new CpuMonitor(periodMs);
    }

    /** Reads /proc/stat now. */
    public static Sample read() {
        try {
            String first = Files.readString(STAT).lines().findFirst().orElse("");
            String[] f = first.trim().split("\\s+");
            if (f.length < 5 || !f[0].equals("cpu")) {
                throw new IllegalStateException("unexpected first line of /proc/stat: " + first);
            }
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal; guest is counted in user already
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new Sample(System.currentTimeMillis(), idle, total, ownTicks());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: " + e.getMessage(), e);
        }
    }

    /** User + system ticks of this JVM and each descendant that can still be read, by pid. */
    static Map<Long, Long> ownTicks() {
        Map<Long, Long> out = new HashMap<>();
        ProcessHandle self = ProcessHandle.current();
        List<Long> pids = new ArrayList<>();
        pids.add(self.pid());
        self.descendants().forEach(p -> pids.add(p.pid()));
        for (long pid : pids) {
            try {
                out.put(pid, ProcessUsage.cpuTicks(pid));
            } catch (RuntimeException gone) {
                // exited between the listing and the read
            }
        }
        return out;
    }

    private void take() {
        Sample s = read();
        synchronized (samples) {
            samples.add(s);
        }
    }

    private List<Sample> snapshot() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The idle share (percent) between two samples, NaN if no time passed. */
    public static double idlePercent(Sample a, Sample b) {
        long total = b.total() - a.total();
        return total <= 0 ? Double.NaN : 100.0 * (b.idle() - a.idle()) / total;
    }

    /**
     * The idle share (percent) from {@code fromMs} to {@code toMs} (epoch ms), between the last
     * sample at or before the start and the first at or after the end (the window is widened
     * by at most one period). NaN if the samples do not cover it.
     */
    public double idlePercent(long fromMs, long toMs) {
        Sample[] ab = around(fromMs, toMs);
        return ab == null ? Double.NaN : idlePercent(ab[0], ab[1]);
    }

    /** The last sample at or before {@code fromMs} and the first at or after {@code toMs} (or the ends); null if none. */
    private Sample[] around(long fromMs, long toMs) {
        List<Sample> s = snapshot();
        Sample a = null;
        Sample b = null;
        for (Sample x : s) {
            if (x.epochMs() <= fromMs) {
                a = x;
            }
            if (b == null && x.epochMs() >= toMs) {
                b = x;
            }
        }
        if (a == null && !s.isEmpty()) {
            a = s.get(0);
        }
        if (b == null && !s.isEmpty()) {
            b = s.get(s.size() - 1);
        }
        return a == null || b == null || b.epochMs() <= a.epochMs() ? null : new Sample[] {a, b};
    }

    /**
     * The experiment's own share (percent of all CPUs) between two samples: the CPU time of
     * the processes present in both, over the machine's total. NaN if no time passed.
     */
    public static double ownPercent(Sample a, Sample b) {
        long total = b.total() - a.total();
        if (total <= 0) {
            return Double.NaN;
        }
        long own = 0;
        for (Map.Entry<Long, Long> e : b.own().entrySet()) {
            Long was = a.own().get(e.getKey());
            if (was != null && e.getValue() >= was) {
                own += e.getValue() - was;
            }
        }
        return 100.0 * own / total;
    }

    /** As {@link #idlePercent(long, long)}, the experiment's own share ({@link #ownPercent(Sample, Sample)}). */
    public double ownPercent(long fromMs, long toMs) {
        Sample[] ab = around(fromMs, toMs);
        return ab == null ? Double.NaN : ownPercent(ab[0], ab[1]);
    }

    /**
     * The lowest idle share (percent) over any stretch of at least {@code windowMs} between two
     * samples inside {@code fromMs..toMs}; NaN if the window holds no such stretch.
     */
    public double minIdlePercent(long fromMs, long toMs, long windowMs) {
        List<Sample> in = new ArrayList<>();
        for (Sample x : snapshot()) {
            if (x.epochMs() >= fromMs && x.epochMs() <= toMs) {
                in.add(x);
            }
        }
        double min = Double.NaN;
        int j = 0;
        for (int i = 0; i < in.size(); i++) {
            j = Math.max(j, i + 1);
            while (j < in.size() && in.get(j).epochMs() - in.get(i).epochMs() < windowMs) {
                j++;
            }
            if (j >= in.size()) {
                break;
            }
            double v = idlePercent(in.get(i), in.get(j));
            if (!Double.isNaN(v) && (Double.isNaN(min) || v < min)) {
                min = v;
            }
        }
        return min;
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}
