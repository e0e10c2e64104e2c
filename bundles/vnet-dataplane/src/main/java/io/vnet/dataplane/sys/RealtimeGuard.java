package io.vnet.dataplane.sys;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the real-time class from costing the host a core. An event loop in SCHED_RR runs ahead of
 * every normally scheduled task whenever it has work, which is what makes a frame wait for no
 * guest; but under a flood it would have work all the time, and then only the kernel's real-time
 * throttling (5% of each second) would be left to the other tasks on its core. So, as the kernel
 * hands softirq work to ksoftirqd when it keeps coming: a thread that was on the CPU for at least
 * {@value #DEMOTE_AT} of the last second is put back into normal scheduling, and into SCHED_RR
 * again once it used at most {@value #PROMOTE_AT} of a second. Checked every {@value #PERIOD_MS} ms
 * from the kernel's own accounting ({@code /proc/self/task/TID/schedstat}), by a thread of normal
 * priority.
 */
public final class RealtimeGuard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RealtimeGuard.class.getName());
    static final double DEMOTE_AT = 0.9;
    static final double PROMOTE_AT = 0.5;
    static final long PERIOD_MS = 500;
    /** Samples in the window: one second. */
    static final int WINDOW = (int) (1000 / PERIOD_MS);

    /** What the guard does to one thread after a sample. */
    enum Action { NONE, DEMOTE, PROMOTE }

    /** One event loop thread: its kernel thread id and its last samples of CPU time (ns) and wall time (ns). */
    static final class Watched {
        final int tid;
        final long[] cpu = new long[WINDOW + 1];
        final long[] wall = new long[WINDOW + 1];
        int samples;
        boolean realtime = true;

        Watched(int tid) {
            this.tid = tid;
        }

        /** Adds a sample; returns the share of the window's wall time the thread was on the CPU (NaN until full). */
        double sample(long cpuNs, long wallNs) {
            System.arraycopy(cpu, 1, cpu, 0, WINDOW);
            System.arraycopy(wall, 1, wall, 0, WINDOW);
            cpu[WINDOW] = cpuNs;
            wall[WINDOW] = wallNs;
            samples++;
            if (samples <= WINDOW || wall[WINDOW] <= wall[0]) {
                return Double.NaN;
            }
            return (double) (cpu[WINDOW] - cpu[0]) / (wall[WINDOW] - wall[0]);
        }
    }

    /** The decision for a thread now in SCHED_RR or not ({@code realtime}) that was busy {@code busy} of the window. */
    static Action decide(boolean realtime, double busy) {
        if (Double.isNaN(busy)) {
            return Action.NONE;
        }
        if (realtime && busy >= DEMOTE_AT) {
            return Action.DEMOTE;
        }
        if (!realtime && busy <= PROMOTE_AT) {
            return Action.PROMOTE;
        }
        return Action.NONE;
    }

    private final int priority;
    private final List<Watched> threads = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vnet-realtime-guard");
        t.setDaemon(true);
        return t;
    });
    private long demotions;

    public RealtimeGuard(int priority) {
        this.priority = priority;
        timer.scheduleAtFixedRate(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Watches the calling thread (an event loop that just entered SCHED_RR). */
    public synchronized void watchCurrentThread() {
        int tid = Scheduling.currentTid();
        if (tid > 0) {
            threads.add(new Watched(tid));
        }
    }

    private synchronized void check() {
        long now = System.nanoTime();
        for (Watched w : threads) {
            long cpu = cpuNanos(w.tid);
            if (cpu < 0) {
                continue;
            }
            double busy = w.sample(cpu, now);
            switch (decide(w.realtime, busy)) {
                case DEMOTE -> {
                    if (Scheduling.normal(w.tid) == null) {
                        w.realtime = false;
                        demotions++;
                        LOG.log(Level.WARNING, String.format("event loop thread %d was busy %.0f%% of the last second:"
                                + " back in normal scheduling until it is quieter (so it cannot hold a core)", w.tid,
                                busy * 100));
                    }
                }
                case PROMOTE -> {
                    if (Scheduling.realtime(w.tid, priority) == null) {
                        w.realtime = true;
                        LOG.log(Level.INFO, "event loop thread " + w.tid + " is in SCHED_RR again");
                    }
                }
                default -> {
                }
            }
        }
    }

    /** The thread's time on the CPU in ns (the first field of schedstat), or -1. */
    static long cpuNanos(int tid) {
        try {
            String s = Files.readString(Path.of("/proc/self/task/" + tid + "/schedstat")).trim();
            int sp = s.indexOf(' ');
            return Long.parseLong(sp < 0 ? s : s.substring(0, sp));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** How many times a thread was put back into normal scheduling, and how many are watched and in SCHED_RR now. */
    public synchronized String state() {
        long rt = threads.stream().filter(w -> w.realtime).count();
        return rt + " of " + threads.size() + " event loop(s) in SCHED_RR, " + demotions + " demotion(s)";
    }

    public synchronized long demotions() {
        return demotions;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
