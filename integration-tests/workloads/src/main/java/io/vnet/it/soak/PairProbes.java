package io.vnet.it.soak;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Vm;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reachability of every VM pair, all the time: one {@code ping -D} per unordered pair, from one VM of
 * the pair to the other, every {@link #INTERVAL_S} s, for as long as both VMs run; an answer shows
 * both directions work. Each ping writes its answers, stamped with the wall clock, to a log in the
 * fabric's work folder; {@link #results} reads them and finds each pair's longest silence outside the
 * migrations of either VM ({@link Outages}).
 *
 * <p>A ping is stopped by pid with SIGINT (it prints its summary and exits), before either VM stops,
 * or at {@link #stopAll()}. Bounded: at most {@link #MAX_PAIRS} pairs over a run (a 2-hour soak with
 * a VM started every 90 s probes about 800); more are refused and counted.
 */
public final class PairProbes {
    /** Seconds between two pings of a pair. */
    public static final double INTERVAL_S = 0.25;
    /** The most pairs probed over a run. */
    public static final int MAX_PAIRS = 5_000;
    private static final Pattern ANSWER = Pattern.compile("^\\[(\\d+)\\.(\\d{1,9})\\] \\d+ bytes from ");

    private final Fabric fabric;
    /** Every probe of the run, in the order started. */
    private final List<Probe> probes = new ArrayList<>();
    /** The running probes by pair. */
    private final Map<String, Probe> running = new LinkedHashMap<>();
    private long refused;

    /** One pair's ping: from {@code from} to {@code to}, started and (once stopped) ended at these times. */
    private static final class Probe {
        final Vm from;
        final Vm to;
        final Process process;
        final Path log;
        final long startMs;
        long endMs = -1;

        Probe(Vm from, Vm to, Process process, Path log, long startMs) {
            this.from = from;
            this.to = to;
            this.process = process;
            this.log = log;
            this.startMs = startMs;
        }
    }

    /**
     * A pair's result: its answers, its longest silence outside the migrations of its VMs, and its
     * longest silence overall (migrations included).
     */
    public record PairResult(String from, String to, long startMs, long endMs, int answers, Outages.Silence longest,
                             Outages.Silence longestWithMigrations, int silencesOver1s) {
        public String pair() {
            return from + "-" + to;
        }
    }

    public PairProbes(Fabric fabric) {
        this.fabric = fabric;
    }

    private static String key(Vm a, Vm b) {
        return a.name().compareTo(b.name()) < 0 ? a.name() + "~" + b.name() : b.name() + "~" + a.name();
    }

    /** Starts probing the pair {@code from}, {@code to} (pings go from {@code from}). */
    public synchronized void start(Vm from, Vm to) throws IOException {
        String k = key(from, to);
        if (running.containsKey(k)) {
            throw new IllegalStateException("pair " + k + " is probed already");
        }
        if (probes.size() >= MAX_PAIRS) {
            refused++;
            return;
        }
        Path log = fabric.workDir().resolve("soak-ping-" + from.name() + "-" + to.name() + "-" + System.nanoTime() + ".log");
        long start = System.currentTimeMillis();
        Process p = fabric.spawn(from.ns(), List.of("ping", "-D", "-n", "-i", Double.toString(INTERVAL_S), "-W", "1",
                to.ip()), log);
        Probe probe = new Probe(from, to, p, log, start);
        probes.add(probe);
        running.put(k, probe);
    }

    /** Starts probing between {@code vm} and each of {@code others} (pings go from {@code vm}). */
    public void startAll(Vm vm, List<Vm> others) throws IOException {
        for (Vm o : others) {
            if (o != vm) {
                start(vm, o);
            }
        }
    }

    /** Stops every running probe that involves {@code vm} (before it stops or leaves). */
    public void stopInvolving(Vm vm) throws InterruptedException {
        List<Probe> stopping = new ArrayList<>();
        synchronized (this) {
            for (Probe p : running.values()) {
                if (p.from == vm || p.to == vm) {
                    stopping.add(p);
                }
            }
        }
        stop(stopping);
    }

    /** Stops every running probe. */
    public void stopAll() throws InterruptedException {
        List<Probe> stopping = new ArrayList<>();
        synchronized (this) {
            stopping.addAll(running.values());
        }
        stop(stopping);
    }

    private void stop(List<Probe> stopping) throws InterruptedException {
        long now = System.currentTimeMillis();
        synchronized (this) {
            for (Probe p : stopping) {
                p.endMs = now;
                running.remove(key(p.from, p.to));
            }
        }
        for (Probe p : stopping) {
            if (p.process.isAlive()) {
                io.vnet.it.fabric.Sh.run("kill", "-INT", Long.toString(p.process.pid()));
            }
        }
        for (Probe p : stopping) {
            if (!p.process.waitFor(5, TimeUnit.SECONDS)) {
                p.process.destroyForcibly();
                p.process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Pairs not probed because {@link #MAX_PAIRS} were reached. */
    public synchronized long refused() {
        return refused;
    }

    /** How many pairs were probed in all, and how many are probed now. */
    public synchronized int[] counts() {
        return new int[] {probes.size(), running.size()};
    }

    /**
     * Every stopped probe's result (call after {@link #stopAll()}), with the silences cut by the
     * migrations in {@code migrations} of either VM (by VM name), longest silence first.
     */
    public List<PairResult> results(Map<String, List<Outages.Window>> migrations) throws IOException {
        List<Probe> done;
        synchronized (this) {
            done = probes.stream().filter(p -> p.endMs >= 0).toList();
        }
        List<PairResult> out = new ArrayList<>();
        for (Probe p : done) {
            long[] answers = answers(p.log, p.startMs, p.endMs);
            List<Outages.Window> excluded = new ArrayList<>(migrations.getOrDefault(p.from.name(), List.of()));
            excluded.addAll(migrations.getOrDefault(p.to.name(), List.of()));
            List<Outages.Silence> outside = Outages.silences(p.startMs, p.endMs, answers, excluded);
            Outages.Silence all = Outages.longest(p.startMs, p.endMs, answers, List.of());
            int over1s = (int) outside.stream().filter(s -> s.millis() > 1000).count();
            out.add(new PairResult(p.from.name(), p.to.name(), p.startMs, p.endMs, answers.length,
                    outside.isEmpty() ? new Outages.Silence(p.startMs, p.startMs) : outside.get(0), all, over1s));
        }
        out.sort((a, b) -> Long.compare(b.longest().millis(), a.longest().millis()));
        return out;
    }

    /** The answer times in a ping -D log, in [from, to], ascending. */
    static long[] answers(Path log, long fromMs, long toMs) throws IOException {
        List<Long> t = new ArrayList<>();
        long last = Long.MIN_VALUE;
        try (BufferedReader r = Files.newBufferedReader(log)) {
            String line;
            while ((line = r.readLine()) != null) {
                long ms = answerMillis(line);
                if (ms < 0 || ms < fromMs || ms > toMs || ms < last) {
                    continue;
                }
                t.add(ms);
                last = ms;
            }
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(i);
        }
        return out;
    }

    /** The wall-clock time (epoch ms) of one answer line of {@code ping -D}, or -1 if it is no answer. */
    static long answerMillis(String line) {
        Matcher m = ANSWER.matcher(line);
        if (!m.find()) {
            return -1;
        }
        String frac = (m.group(2) + "000").substring(0, 3);
        return Long.parseLong(m.group(1)) * 1000 + Long.parseLong(frac);
    }
}
