package io.vnet.it.load;

import io.vnet.it.machine.JvmProbe;
import io.vnet.it.machine.ProcessUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A process's CPU over the run, from /proc/PID/stat (utime + stime) every second: the average
 * over the measured window and the busiest 10 s; its RSS; and its heap after a full GC through jcmd
 * ({@link JvmProbe#heapAfterGc}) when asked.
 */
public final class ProcessWatch implements AutoCloseable {
    private record Tick(long atMillis, double cpuSeconds) {
    }

    private final long pid;
    private final List<Tick> ticks = new ArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadgen-cpu-" + r.hashCode());
        t.setDaemon(true);
        return t;
    });
    private long peakRssKiB;

    public ProcessWatch(long pid) {
        this.pid = pid;
    }

    public long pid() {
        return pid;
    }

    public void start() {
        clock.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            double cpu = ProcessUsage.cpuSeconds(pid);
            long rss = ProcessUsage.rssKiB(pid);
            synchronized (this) {
                ticks.add(new Tick(System.currentTimeMillis(), cpu));
                peakRssKiB = Math.max(peakRssKiB, rss);
            }
        } catch (RuntimeException e) {
            // the process is gone: its last ticks stand
        }
    }

    /** From now on: the ticks before are dropped (the window starts). */
    public synchronized void resetWindow() {
        ticks.clear();
        peakRssKiB = 0;
    }

    /** Average CPU over the window, in percent of one core (200 = two cores busy). */
    public synchronized double averagePercent() {
        if (ticks.size() < 2) {
            return Double.NaN;
        }
        Tick a = ticks.get(0);
        Tick b = ticks.get(ticks.size() - 1);
        return 100 * (b.cpuSeconds() - a.cpuSeconds()) / Math.max(0.001, (b.atMillis() - a.atMillis()) / 1000.0);
    }

    /** The busiest 10 s of the window, in percent of one core. */
    public synchronized double peak10sPercent() {
        double best = Double.NaN;
        int j = 0;
        for (int i = 0; i < ticks.size(); i++) {
            while (j < ticks.size() && ticks.get(j).atMillis() - ticks.get(i).atMillis() < 10_000) {
                j++;
            }
            if (j >= ticks.size()) {
                break;
            }
            Tick a = ticks.get(i);
            Tick b = ticks.get(j);
            double p = 100 * (b.cpuSeconds() - a.cpuSeconds()) / ((b.atMillis() - a.atMillis()) / 1000.0);
            best = Double.isNaN(best) ? p : Math.max(best, p);
        }
        return best;
    }

    public synchronized double peakRssMiB() {
        return peakRssKiB / 1024.0;
    }

    /** The heap after a full GC (MiB), or NaN with the reason printed when jcmd cannot tell. */
    public double heapAfterGcMiB() {
        try {
            return JvmProbe.heapAfterGc(pid).usedKiB() / 1024.0;
        } catch (RuntimeException e) {
            System.err.println("loadgen: heap of process " + pid + ": " + e.getMessage());
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
