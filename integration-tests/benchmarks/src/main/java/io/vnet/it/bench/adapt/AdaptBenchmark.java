package io.vnet.it.bench.adapt;

import io.vnet.it.bench.report.AdaptReport;
import io.vnet.it.bench.report.Format;
import io.vnet.it.experiment.IterationTimes;
import io.vnet.it.experiment.HostPair;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.machine.CpuMonitor;
import io.vnet.it.machine.Machine;
import io.vnet.it.patterns.Grid;
import io.vnet.it.patterns.Pattern;
import io.vnet.it.patterns.Patterns;
import io.vnet.it.patterns.RankLog;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The adaptation experiment, one command (as root; {@code scripts/bench-adapt.sh} runs it): the
 * patterns workload (all-to-all, ring, 2-D mesh; each message size) on {@link AdaptTestbed}'s
 * cloud with every overlay uplink shaped to the same rate, over
 * <ol>
 * <li>the star through the proxy (the manager's adaptation off);</li>
 * <li>top-k direct host links for the k of {@code --ks} (all-to-all only; host pairs in the fixed
 * order h1-h2, h1-h3, ..., since all pairs carry the same all-to-all traffic), set by this
 * harness through the manager's desired-state API, so the curve does not depend on VADAPT;</li>
 * <li>the full direct mesh (every pair), the reference;</li>
 * <li>the manager's closed loop, per algorithm: automatic mode set on the star before the
 * pattern starts; decisions and the moments they were applied read from the API.</li>
 * </ol>
 * Between configurations the overlay goes back to the star. Each cell is the median (and mean)
 * iteration time of rank 0 over the steady part of a phase: without its first iterations, its
 * first {@code --warmup-seconds}, and, in closed loop, the iterations that began before the
 * phase's decision was applied plus {@code --settle-ms}. The CPU idle share of the whole
 * machine is measured over the same stretch. Writes a Markdown report and a PNG figure.
 */
public final class AdaptBenchmark {
    /**
     * One measured cell: an overlay, a pattern, a message size; the machine's CPU idle share and
     * the experiment's own share (its processes) over the cell's stretch.
     */
    public record Cell(String config, String part, int k, Pattern pattern, int bytes, IterationTimes.Steady steady,
                       double idleMeanPct, double idleMinPct, double ownPct, double proxyShare, Map<String, Long> drops,
                       String note) {
        public boolean ok() {
            return steady != null && !steady.empty();
        }

        public double median() {
            return ok() ? steady.medianMs() : Double.NaN;
        }
    }

    /** What the closed loop did in one phase of one run ({@code run}: "from the star" or "patterns changing"). */
    public record Adaptation(String algorithm, int bytes, String run, ClosedLoopRun.Phase phase) {
        /** Seconds from the phase's start to the decision made in it (applied or not); NaN if none. */
        public double decidedAfterSeconds() {
            AdaptationApi.Decision d = phase.decision();
            return d == null || d.time() == null ? Double.NaN : (d.time().toEpochMilli() - phase.startEpochMs()) / 1000.0;
        }
    }

    /** The closed-loop run whose patterns change: its algorithm, message size, rank 0's log and its phases. */
    public record TimelineRun(String algorithm, int bytes, RankLog log, List<ClosedLoopRun.Phase> phases) {
    }

    /** Everything the run measured and noticed, for the report ({@link AdaptReport}). */
    public record Results(AdaptOptions options, AdaptTestbed testbed, Grid grid, List<Cell> cells,
                          List<Adaptation> adaptations, List<String> failures, Set<String> observations,
                          Set<String> staleDecisions, List<String> stalls, TimelineRun timeline,
                          String closedLoopSkipped) {
    }

    private final AdaptOptions o;
    private final AdaptTestbed tb;
    private final CpuMonitor cpu;
    private final List<Cell> cells = new ArrayList<>();
    private final List<Adaptation> adaptations = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Set<String> observations = new LinkedHashSet<>();
    private final Set<String> staleDecisions = new LinkedHashSet<>();
    private final List<String> stalls = new ArrayList<>();
    private TimelineRun timeline;
    private String closedLoopSkipped;

    private AdaptBenchmark(AdaptOptions o, AdaptTestbed tb, CpuMonitor cpu) {
        this.o = o;
        this.tb = tb;
        this.cpu = cpu;
    }

    public static void main(String[] args) throws Exception {
        AdaptOptions o;
        try {
            o = AdaptOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(args.length > 0 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2);
            return;
        }
        String command = System.getProperty("vnet.bench.command", "AdaptBenchmark " + String.join(" ", args)).trim();
        String loadBefore = Machine.loadAverage();
        long started = System.currentTimeMillis();
        AdaptBenchmark b;
        try (Fabric fabric = Fabric.create(Fabric.repo()); CpuMonitor cpu = CpuMonitor.start(250)) {
            System.out.printf("== building the cloud: manager, %d VM hosts, proxy, %d VMs; uplinks shaped to %s%n",
                    o.vmHosts(), o.vmHosts() * o.vmsPerHost(), Format.rate(o.rateBitsPerSecond()));
            AdaptTestbed tb = AdaptTestbed.start(fabric, o.vmHosts(), o.vmsPerHost(), o.rateBitsPerSecond());
            System.out.println("  logs in " + fabric.workDir());
            b = new AdaptBenchmark(o, tb, cpu);
            b.runAll();
            System.out.println("== tearing down");
        }
        double minutes = (System.currentTimeMillis() - started) / 60_000.0;
        String machine = Machine.describe() + "; load average (1/5/15 min) " + loadBefore + " at the start, " + Machine.loadAverage()
                + " at the end; the run took " + String.format(Locale.ROOT, "%.1f", minutes) + " min";
        AdaptReport report = new AdaptReport(b.results());
        String md = report.markdown(command, machine);
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), md);
        report.plot();
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + o.out() + " and " + o.png() + ")");
        System.exit(b.failures.isEmpty() ? 0 : 1);
    }

    private Results results() {
        return new Results(o, tb, grid(), List.copyOf(cells), List.copyOf(adaptations), List.copyOf(failures),
                new LinkedHashSet<>(observations), new LinkedHashSet<>(staleDecisions), List.copyOf(stalls), timeline, closedLoopSkipped);
    }

    private void runAll() throws IOException, InterruptedException {
        tb.adaptation().offQuietly();
        if (o.warmupRunSeconds() > 0) {
            // the agents' and the manager's JIT compilers are busy for tens of seconds after start: not in a cell
            String warm = AdaptOptions.schedule(o.patterns(), o.warmupRunSeconds() / o.patterns().size());
            try {
                run("warm-up (not measured)", warm, o.sizes().get(0));
            } catch (IOException | RuntimeException e) {
                failures.add("the warm-up run failed: " + e.getMessage());
            }
        }
        int pairs = tb.hostPairs().size();
        String full = AdaptOptions.schedule(o.patterns(), o.phaseSeconds());
        if (o.runs("star")) {
            for (int size : o.sizes()) {
                measure("star", "star", 0, full, size);
            }
        }
        if (o.runs("topk") && o.patterns().contains(Pattern.ALL_TO_ALL)) {
            String all = AdaptOptions.schedule(List.of(Pattern.ALL_TO_ALL), o.phaseSeconds());
            for (int k : o.ks()) {
                if (!overlay(k)) {
                    continue;
                }
                for (int size : o.sizes()) {
                    measure(k == 0 ? "top-0 (star)" : k == pairs ? "top-" + k + " (mesh)" : "top-" + k, "topk", k, all, size);
                }
            }
        }
        if (o.runs("mesh") && overlay(pairs)) {
            for (int size : o.sizes()) {
                measure("full mesh", "mesh", pairs, full, size);
            }
        }
        returnToStar();
        if (o.runs("closed")) {
            closedLoop();
        }
    }

    /** Sets the top-{@code k} direct links (0: the bare star); false (and a failure noted) if that failed. */
    private boolean overlay(int k) {
        List<HostPair> pairs = tb.hostPairs().subList(0, k);
        try {
            long t0 = System.currentTimeMillis();
            tb.applyDirectLinks(pairs);
            if (k == 0) {
                tb.clearDesiredState();
            }
            System.out.printf("== overlay: the star plus %d direct link(s) %s, applied and up in %d ms%n", k, pairs,
                    System.currentTimeMillis() - t0);
            return true;
        } catch (IOException | RuntimeException e) {
            failures.add("setting the top-" + k + " overlay " + pairs + " failed: " + e.getMessage());
            System.out.println("  FAILED: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Grid grid() {
        return Grid.squarest(tb.vms().size());
    }

    private Patterns.Result run(String label, String schedule, int bytes) throws IOException, InterruptedException {
        Patterns.Options po = Patterns.Options.of(schedule).withComputeMs(o.computeMs()).withMessageBytes(bytes)
                .withGrid(grid());
        System.out.printf("== %s: %s, %d-byte messages, compute %s ms%n", label, schedule, bytes, Format.number(o.computeMs()));
        Patterns.Result r = Patterns.run(tb.fabric(), tb.vms(), po);
        if (!r.ok()) {
            throw new IllegalStateException("the workload failed:\n" + r.failures());
        }
        return r;
    }

    private void measure(String config, String part, int k, String schedule, int bytes) {
        try {
            AdaptTestbed.LinkSnapshot before = tb.linkSnapshot();
            Patterns.Result r = run(config, schedule, bytes);
            AdaptTestbed.LinkSnapshot after = tb.linkSnapshot();
            for (int i = 0; i < r.rank0().starts().size(); i++) {
                cells.add(cell(config, part, k, r.rank0(), i, bytes, 0, after.proxyShareSince(before),
                        after.dropsSince(before), ""));
            }
        } catch (IOException | RuntimeException e) {
            failures.add(config + ", " + bytes + "-byte messages: " + e.getMessage());
            System.out.println("  FAILED: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Cell cell(String config, String part, int k, RankLog log, int phase, int bytes, long notBefore, double share,
                      Map<String, Long> drops, String note) {
        IterationTimes.Steady s = IterationTimes.steady(log, phase, o.skipFirst(), o.warmupSeconds() * 1000, notBefore);
        double idle = s.empty() ? Double.NaN : cpu.idlePercent(s.fromEpochMs(), s.toEpochMs());
        double idleMin = s.empty() ? Double.NaN : cpu.minIdlePercent(s.fromEpochMs() - 250, s.toEpochMs() + 250, 1000);
        double own = s.empty() ? Double.NaN : cpu.ownPercent(s.fromEpochMs(), s.toEpochMs());
        Cell c = new Cell(config, part, k, s.pattern(), bytes, s, idle, idleMin, own, share, drops, note);
        System.out.printf(Locale.ROOT, "  %-24s %-5s %6d B: median %8.1f ms, mean %8.1f ms (%d of %d iterations),"
                        + " CPU idle %.0f%% (lowest 1 s %.0f%%), experiment %.0f%%, via proxy %s, link drops %s%s%n", config,
                s.pattern(), bytes, s.medianMs(), s.meanMs(), s.counted(), s.total(), idle, idleMin, own, Format.pct(share),
                Format.drops(drops), note.isEmpty() ? "" : "; " + note);
        return c;
    }

    // ---------------------------------------------------------------- closed loop

    private void returnToStar() throws IOException, InterruptedException {
        ClosedLoopRun.returnToStar(tb);
    }

    /**
     * Per algorithm and closed-loop size, one run per pattern from the bare star; then one run
     * whose patterns change (the timeline), with the first algorithm and the largest size.
     */
    private void closedLoop() throws IOException, InterruptedException {
        try {
            for (String alg : o.algorithms()) {
                for (int size : o.closedLoopSizes()) {
                    for (Pattern p : o.patterns()) {
                        closedLoopRun(alg, size, AdaptOptions.schedule(List.of(p), o.closedLoopSeconds()), "closed",
                                "closed loop " + alg, "from the star");
                    }
                }
            }
            if (o.timeline() != null && !o.algorithms().isEmpty()) {
                String alg = o.algorithms().get(0);
                int size = o.closedLoopSizes().get(0);
                ClosedLoopRun.Outcome out = closedLoopRun(alg, size, o.timeline(), "timeline",
                        "closed loop " + alg + ", changing", "patterns changing");
                if (out != null) {
                    timeline = new TimelineRun(alg, size, out.result().rank0(), out.phases());
                }
            }
        } catch (AdaptationApi.Unsupported u) {
            closedLoopSkipped = u.getMessage();
            System.out.println("  closed loop not available: " + u.getMessage());
            if (o.closedLoop() == Boolean.TRUE) {
                failures.add("the closed loop was asked for (--closed-loop) but " + u.getMessage());
            }
        }
        returnToStar();
    }

    /**
     * The slowest iteration of rank 0 that was running while the phase's decision was applied
     * (ending after it, starting before it took effect plus 3 s); NaN without an applied decision.
     */
    private static double switchStallMs(RankLog log, ClosedLoopRun.Phase ph) {
        AdaptationApi.Decision d = ph.decision();
        if (d == null || !d.applied() || d.appliedAt() == null) {
            return Double.NaN;
        }
        long at = d.appliedAt().toEpochMilli();
        return IterationTimes.timeline(log).stream().filter(t -> t.phase() == ph.index())
                .filter(t -> t.endEpochMs() >= at && t.startEpochMs() <= at + 3000)
                .mapToDouble(IterationTimes.Timed::timeMs).max().orElse(Double.NaN);
    }

    /** One closed-loop run from the star; null (and a failure noted) if it failed. */
    private ClosedLoopRun.Outcome closedLoopRun(String alg, int size, String schedule, String part, String config, String run)
            throws AdaptationApi.Unsupported, InterruptedException {
        try {
            Patterns.Options po = Patterns.Options.of(schedule).withComputeMs(o.computeMs()).withMessageBytes(size)
                    .withGrid(grid());
            System.out.printf("== %s: %s, %d-byte messages, compute %s ms (automatic mode set on the star first)%n",
                    config, schedule, size, Format.number(o.computeMs()));
            ClosedLoopRun.Outcome out = ClosedLoopRun.run(tb, alg, po);
            if (!out.stale().isEmpty()) {
                AdaptationApi.Decision last = out.stale().get(out.stale().size() - 1);
                boolean applied = out.stale().stream().anyMatch(AdaptationApi.Decision::applied);
                System.out.printf("  stale decision at mode set: \"%s\" (%s); rolled back, waited%n", last.trigger(),
                        applied ? "applied" : "not applied: " + last.note());
                staleDecisions.add("\"" + last.trigger() + "\" (" + (applied ? "applied" : "not applied: " + last.note()) + ")");
            }
            for (ClosedLoopRun.Phase ph : out.phases()) {
                Adaptation a = new Adaptation(alg, size, run, ph);
                adaptations.add(a);
                AdaptationApi.Decision d = ph.decision();
                System.out.printf(Locale.ROOT, "  phase %d (%s): %s%n", ph.index(), ph.pattern(), d == null ? ph.note()
                        : "decision " + d.id() + " \"" + d.trigger() + "\" at +" + Format.f2(a.decidedAfterSeconds()) + " s adds "
                        + d.added() + ", " + (d.applied() ? "applied +" + Format.f2(ph.appliedAfterSeconds()) + " s, acknowledged +"
                        + Format.f2(ph.ackedAfterSeconds()) + " s" : ph.note()));
                String note = d == null ? ph.note() : d.applied() ? String.format(Locale.ROOT,
                        "decision %d applied +%.1f s", d.id(), ph.appliedAfterSeconds())
                        : String.format(Locale.ROOT, "decision %d at +%.1f s not applied (%s)", d.id(), a.decidedAfterSeconds(),
                        d.note());
                Cell c = cell(config, part, -1, out.result().rank0(), ph.index(), size, ph.notBeforeEpochMs(o.settleMs()),
                        out.proxyShare(), out.after().dropsSince(out.before()), note);
                cells.add(c);
                double stall = switchStallMs(out.result().rank0(), ph);
                if (!Double.isNaN(stall) && c.ok()) {
                    stalls.add(String.format(Locale.ROOT, "%s %s %s: %.0f ms (steady median %.0f ms)", alg, Format.size(size),
                            ph.pattern(), stall, c.median()));
                }
            }
            return out;
        } catch (AdaptationApi.Unsupported u) {
            throw u;
        } catch (IOException | RuntimeException e) {
            failures.add(config + ", " + schedule + ", " + size + "-byte messages: " + e.getMessage());
            System.out.println("  FAILED: " + e.getMessage());
            return null;
        }
    }

}
