package io.vnet.it.machine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples named JVM processes with {@link JvmProbe} at a fixed period, on a daemon thread: the
 * first round when started, then one every {@code periodMs}, and a last one at {@link #close()}.
 * A round reads the processes one after the other. A process that cannot be read (gone, jcmd failed)
 * gets no sample for that round, and the failure is kept ({@link #errors()}).
 *
 * <p>Bounded: at most {@link #MAX_SAMPLES} rounds are kept (a soak of 2 hours at one round a
 * minute has 121); later rounds are counted in {@link #refused()} and not kept.
 */
public final class ResourceSampler implements AutoCloseable {
    /** The most rounds kept per process. */
    public static final int MAX_SAMPLES = 10_000;
    /** The most errors kept (the rest are counted). */
    public static final int MAX_ERRORS = 100;

    private final Map<String, Long> pids;
    private final long periodMs;
    private final Map<String, List<JvmProbe.Sample>> series = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private long errorsOmitted;
    private long refused;
    private final Thread thread;
    private volatile boolean stop;
    /** Wakes the sampling thread at close (it is never interrupted: a jcmd it runs would fail). */
    private final Object wake = new Object();
    private boolean closed;

    private ResourceSampler(Map<String, Long> pids, long periodMs) {
        this.pids = new LinkedHashMap<>(pids);
        this.periodMs = periodMs;
        for (String name : pids.keySet()) {
            series.put(name, new ArrayList<>());
        }
        round();
        thread = new Thread(this::loop, "resource-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts sampling {@code pids} (a name per process, e.g. "agent h1", in the order the report
     * lists them) every {@code periodMs}; the first round is taken before this returns.
     */
    public static ResourceSampler start(Map<String, Long> pids, long periodMs) {
        if (periodMs < 1000) {
            throw new IllegalArgumentException("a sampling period below 1 s (" + periodMs + " ms) would mostly measure jcmd");
        }
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("no process to sample");
        }
        return new ResourceSampler(pids, periodMs);
    }

    private void loop() {
        long next = System.currentTimeMillis() + periodMs;
        while (!stop) {
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                synchronized (wake) {
                    if (stop) {
                        return;
                    }
                    try {
                        wake.wait(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue; // woken early or on time: look at the clock again
            }
            if (stop) {
                return;
            }
            round();
            next += periodMs;
            long now = System.currentTimeMillis();
            if (next < now) {
                next = now + periodMs; // a round took longer than the period: do not catch up in a burst
            }
        }
    }

    private void round() {
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            JvmProbe.Sample s;
            try {
                s = JvmProbe.sample(e.getValue());
            } catch (RuntimeException failed) {
                error(e.getKey() + " (pid " + e.getValue() + "): " + failed.getMessage());
                continue;
            }
            if (s.error() != null) {
                error(e.getKey() + " (pid " + e.getValue() + ") heap: " + s.error());
            }
            synchronized (this) {
                List<JvmProbe.Sample> l = series.get(e.getKey());
                if (l.size() >= MAX_SAMPLES) {
                    refused++;
                } else {
                    l.add(s);
                }
            }
        }
    }

    private synchronized void error(String what) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(what);
        } else {
            errorsOmitted++;
        }
    }

    public long periodMs() {
        return periodMs;
    }

    /** The samples so far, per process name, in the order given. */
    public synchronized Map<String, List<JvmProbe.Sample>> series() {
        Map<String, List<JvmProbe.Sample>> out = new LinkedHashMap<>();
        series.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** The first {@value #MAX_ERRORS} failures to read a process, with a count of the others at the end. */
    public synchronized List<String> errors() {
        List<String> out = new ArrayList<>(errors);
        if (errorsOmitted > 0) {
            out.add("(" + errorsOmitted + " more)");
        }
        return out;
    }

    /** Samples not kept because a series was full. */
    public synchronized long refused() {
        return refused;
    }

    /** Stops the thread after a last round (taken now). */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (wake) {
            stop = true;
            wake.notifyAll();
        }
        try {
            thread.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        round();
    }
}
