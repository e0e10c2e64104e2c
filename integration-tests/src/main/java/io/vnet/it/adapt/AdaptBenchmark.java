package io.vnet.it.adapt;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Sh;
import io.vnet.it.patterns.Grid;
import io.vnet.it.patterns.Pattern;
import io.vnet.it.patterns.Patterns;
import io.vnet.it.patterns.RankLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        boolean ok() {
            return steady != null && !steady.empty();
        }

        double median() {
            return ok() ? steady.medianMs() : Double.NaN;
        }
    }

    /** What the closed loop did in one phase of one run ({@code run}: "from the star" or "patterns changing"). */
    public record Adaptation(String algorithm, int bytes, String run, ClosedLoopRun.Phase phase) {
        /** Seconds from the phase's start to the decision made in it (applied or not); NaN if none. */
        double decidedAfterSeconds() {
            AdaptationApi.Decision d = phase.decision();
            return d == null || d.time() == null ? Double.NaN : (d.time().toEpochMilli() - phase.startEpochMs()) / 1000.0;
        }
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
    private Plot.Timeline timeline;
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
        String loadBefore = loadAverage();
        long started = System.currentTimeMillis();
        AdaptBenchmark b;
        try (Fabric fabric = Fabric.create(Fabric.repo()); CpuMonitor cpu = CpuMonitor.start(250)) {
            System.out.printf("== building the cloud: manager, %d VM hosts, proxy, %d VMs; uplinks shaped to %s%n",
                    o.vmHosts(), o.vmHosts() * o.vmsPerHost(), rate(o.rateBitsPerSecond()));
            AdaptTestbed tb = AdaptTestbed.start(fabric, o.vmHosts(), o.vmsPerHost(), o.rateBitsPerSecond());
            System.out.println("  logs in " + fabric.workDir());
            b = new AdaptBenchmark(o, tb, cpu);
            b.runAll();
            System.out.println("== tearing down");
        }
        double minutes = (System.currentTimeMillis() - started) / 60_000.0;
        String machine = machine() + "; load average (1/5/15 min) " + loadBefore + " at the start, " + loadAverage()
                + " at the end; the run took " + String.format(Locale.ROOT, "%.1f", minutes) + " min";
        String md = b.markdown(command, machine);
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), md);
        b.plot();
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + o.out() + " and " + o.png() + ")");
        System.exit(b.failures.isEmpty() ? 0 : 1);
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
        System.out.printf("== %s: %s, %d-byte messages, compute %s ms%n", label, schedule, bytes, Plot.fmt(o.computeMs()));
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
                s.pattern(), bytes, s.medianMs(), s.meanMs(), s.counted(), s.total(), idle, idleMin, own, pct(share),
                drops(drops), note.isEmpty() ? "" : "; " + note);
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
                    timeline = timeline(alg, size, out.result().rank0(), out.phases());
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
                    config, schedule, size, Plot.fmt(o.computeMs()));
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
                        : "decision " + d.id() + " \"" + d.trigger() + "\" at +" + f2(a.decidedAfterSeconds()) + " s adds "
                        + d.added() + ", " + (d.applied() ? "applied +" + f2(ph.appliedAfterSeconds()) + " s, acknowledged +"
                        + f2(ph.ackedAfterSeconds()) + " s" : ph.note()));
                String note = d == null ? ph.note() : d.applied() ? String.format(Locale.ROOT,
                        "decision %d applied +%.1f s", d.id(), ph.appliedAfterSeconds())
                        : String.format(Locale.ROOT, "decision %d at +%.1f s not applied (%s)", d.id(), a.decidedAfterSeconds(),
                        d.note());
                Cell c = cell(config, part, -1, out.result().rank0(), ph.index(), size, ph.notBeforeEpochMs(o.settleMs()),
                        out.proxyShare(), out.after().dropsSince(out.before()), note);
                cells.add(c);
                double stall = switchStallMs(out.result().rank0(), ph);
                if (!Double.isNaN(stall) && c.ok()) {
                    stalls.add(String.format(Locale.ROOT, "%s %s %s: %.0f ms (steady median %.0f ms)", alg, size(size),
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

    private Plot.Timeline timeline(String alg, int bytes, RankLog log, List<ClosedLoopRun.Phase> phases) {
        List<IterationTimes.Timed> its = IterationTimes.timeline(log);
        if (its.isEmpty()) {
            return null;
        }
        double t0 = IterationTimes.phaseStart(log, 0);
        double[] x = new double[its.size()];
        double[] y = new double[its.size()];
        for (int i = 0; i < its.size(); i++) {
            x[i] = (its.get(i).endEpochMs() - t0) / 1000.0;
            y[i] = its.get(i).timeMs();
        }
        List<Plot.Mark> marks = new ArrayList<>();
        for (RankLog.PhaseStart s : log.starts()) {
            if (s.phase() > 0) {
                marks.add(new Plot.Mark((s.epochMs() - t0) / 1000.0, s.pattern().id() + " starts", Plot.Kind.PHASE));
            }
        }
        for (ClosedLoopRun.Phase ph : phases) {
            double after = ph.appliedAfterSeconds();
            AdaptationApi.Decision d = ph.decision();
            if (!Double.isNaN(after)) {
                marks.add(new Plot.Mark((d.appliedAt().toEpochMilli() - t0) / 1000.0, String.format(Locale.ROOT,
                        "%s: overlay applied (+%.1f s)", ph.pattern().id(), after), Plot.Kind.APPLIED));
            } else if (d != null && d.time() != null) {
                marks.add(new Plot.Mark((d.time().toEpochMilli() - t0) / 1000.0, String.format(Locale.ROOT,
                        "%s: decided (+%.1f s), not applied", ph.pattern().id(), (d.time().toEpochMilli()
                                - ph.startEpochMs()) / 1000.0), Plot.Kind.NOT_APPLIED));
            }
        }
        return new Plot.Timeline(String.format(Locale.ROOT, "closed loop (%s, %s messages): iteration time of rank 0", alg,
                size(bytes)), x, y, marks);
    }

    // ---------------------------------------------------------------- report

    private Optional<Cell> find(String part, Pattern p, int bytes) {
        return cells.stream().filter(c -> c.part().equals(part) && c.pattern() == p && c.bytes() == bytes && c.ok()).findFirst();
    }

    private Optional<Cell> findK(int k, int bytes) {
        int pairs = tb.hostPairs().size();
        if (k == 0) {
            return find("star", Pattern.ALL_TO_ALL, bytes).or(() -> cells.stream()
                    .filter(c -> c.part().equals("topk") && c.k() == 0 && c.bytes() == bytes && c.ok()).findFirst());
        }
        Optional<Cell> measured = cells.stream()
                .filter(c -> c.part().equals("topk") && c.k() == k && c.bytes() == bytes && c.ok()).findFirst();
        return k == pairs ? measured.or(() -> find("mesh", Pattern.ALL_TO_ALL, bytes)) : measured;
    }

    /** The link-bound model's speedup of top-k over the star for all-to-all (compute and latency ignored). */
    double modelSpeedup(int k) {
        int h = tb.vmHosts().size();
        int pairs = h * (h - 1) / 2;
        return Math.max(2.0 * pairs, h - 1) / Math.max(2.0 * (pairs - k), h - 1);
    }

    private String markdown(String command, String machine) {
        StringBuilder md = new StringBuilder();
        int pairs = tb.hostPairs().size();
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Machine: ").append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, "Settings: %d VM hosts (%s) and the proxy `%s` (role proxy, no VMs), %d VMs"
                        + " (VM i, rank i, on host h(i mod %d + 1)), network %d, MTU 1500; the manager on its own host `mgr`"
                        + " (VTTIF reactive, window 2 s, evaluated every 0.5 s; agents report every %d ms%s). Every overlay"
                        + " uplink (the VM hosts' and the proxy's; not the manager's) shaped to **%s in each direction** with"
                        + " tbf, e.g. `%s` (upload) and `%s` (download). Workload: the patterns BSP benchmark, one rank"
                        + " JVM per VM, compute %s ms (sleep) per iteration, messages of %s; 2-D mesh on a %s grid; first a"
                        + " run of %s s on the star (every pattern) that is not measured (the agents' JIT warm-up). A cell"
                        + " is rank 0's median iteration time over a phase of %s s (closed loop: %s s) without its first %d"
                        + " iterations and first %s s (closed loop: nor the iterations that began before the phase's decision"
                        + " was applied + %d ms). CPU idle: the whole machine's, from /proc/stat, over the same stretch (mean,"
                        + " and the lowest 1 s); experiment: the CPU time of the experiment's own processes (agents, manager,"
                        + " ranks, this JVM) over the same stretch, as a share of the machine (the kernel threads that move"
                        + " its packets are not in it); the rest of the busy time is other work on this shared machine."
                        + " Via proxy: the share of the VM hosts' link bytes sent to the proxy during the run (all its"
                        + " phases); link drops: frames the agents (proxy included) dropped on links during the run, by"
                        + " reason (LINK_DOWN: sent to a link that was not up; CONGESTED: the link's send buffer was full).%n%n",
                tb.vmHosts().size(), String.join(", ", tb.vmHosts().stream().map(h -> h.name()).toList()), tb.proxy().name(),
                tb.vms().size(), tb.vmHosts().size(), AdaptTestbed.VNI, AdaptTestbed.REPORT_MS,
                o.rateBitsPerSecond() > 0 ? "; VADAPT told the links' bandwidth, adaptation.linkMbps "
                        + Plot.fmt(o.rateBitsPerSecond() / 1e6) : "",
                rate(o.rateBitsPerSecond()),
                tb.shapingCommands().isEmpty() ? "none" : tb.shapingCommands().get(0),
                tb.shapingCommands().size() < 2 ? "none" : tb.shapingCommands().get(1),
                Plot.fmt(o.computeMs()), String.join(" and ", o.sizes().stream().map(AdaptBenchmark::size).toList()),
                grid(), Plot.fmt(o.warmupRunSeconds()), Plot.fmt(o.phaseSeconds()), Plot.fmt(o.closedLoopSeconds()), o.skipFirst(),
                Plot.fmt(o.warmupSeconds()), o.settleMs()));
        md.append("Overlays: **star**: each VM host's static flooding link to the proxy, nothing else (adaptation off)."
                + " **top-k**: the star plus non-flooding direct links between the first k host pairs in the fixed order ")
                .append(tb.hostPairs()).append(" (in all-to-all every pair carries the same traffic, so any order is as"
                        + " heavy), with a rule per remote VM on each end (dst VM -> the direct link), set by the harness through"
                        + " `PUT /api/hosts/{id}/desired-state`; the star stays the flooding tree. **full mesh** (the reference):"
                        + " top-").append(pairs).append(", every pair. **closed loop**: automatic mode with the named algorithm"
                        + " (no migrations), set on the bare star before the pattern starts, one run per pattern; the manager"
                        + " chooses and pushes links and rules itself. **closed loop, changing**: one run of schedule `")
                .append(o.timeline()).append("` from the star, the patterns changing while the loop runs (the timeline).\n\n");
        md.append("| overlay | pattern | message | median ms | mean ms | p10–p90 ms | iterations counted / in phase"
                + " | speedup vs star | × full mesh | via proxy | link drops (run) | CPU idle % mean (lowest 1 s)"
                + " | experiment CPU % | note |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : cells) {
            Optional<Cell> star = find("star", c.pattern(), c.bytes());
            Optional<Cell> mesh = find("mesh", c.pattern(), c.bytes());
            IterationTimes.Steady s = c.steady();
            md.append("| ").append(c.config()).append(" | ").append(c.pattern()).append(" | ").append(size(c.bytes()))
                    .append(" | ").append(f1(s.medianMs())).append(" | ").append(f1(s.meanMs()))
                    .append(" | ").append(f1(s.p10Ms())).append("–").append(f1(s.p90Ms()))
                    .append(" | ").append(s.counted()).append(" / ").append(s.total())
                    .append(" | ").append(star.isPresent() && c.ok() ? String.format(Locale.ROOT, "%.2f×",
                            star.get().median() / c.median()) : "–")
                    .append(" | ").append(mesh.isPresent() && c.ok() ? String.format(Locale.ROOT, "%.2f",
                            c.median() / mesh.get().median()) : "–")
                    .append(" | ").append(pct(c.proxyShare()))
                    .append(" | ").append(drops(c.drops()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f (%.0f)", c.idleMeanPct(), c.idleMinPct()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", c.ownPct()))
                    .append(" | ").append(c.note()).append(" |\n");
        }
        md.append("\n**Speedup versus k** (all-to-all; k = 0 is the star's all-to-all phase, k = ").append(pairs)
                .append(" the full mesh's, unless measured as top-k; the model is the busiest link's load: the proxy's"
                        + " link carries 2·v²·M per host pair still on the star, each VM host's (H−1)·v²·M, H hosts, v VMs per"
                        + " host, compute and latency ignored):\n\n");
        md.append("| k | host links |");
        for (int size : o.sizes()) {
            md.append(' ').append(size(size)).append(" median ms | speedup |");
        }
        md.append(" model speedup |\n|---|---|");
        for (int ignored : o.sizes()) {
            md.append("---|---|");
        }
        md.append("---|\n");
        for (int k = 0; k <= pairs; k++) {
            md.append("| ").append(k).append(" | ").append(k == 0 ? "–" : String.join(", ",
                    tb.hostPairs().subList(0, k).stream().map(HostPair::id).toList())).append(" |");
            for (int size : o.sizes()) {
                Optional<Cell> c = findK(k, size);
                Optional<Cell> star = findK(0, size);
                md.append(' ').append(c.map(x -> f1(x.median())).orElse("–")).append(" | ")
                        .append(c.isPresent() && star.isPresent() ? String.format(Locale.ROOT, "%.2f×",
                                star.get().median() / c.get().median()) : "–").append(" |");
            }
            md.append(String.format(Locale.ROOT, " %.2f× |%n", modelSpeedup(k)));
        }
        md.append('\n');
        if (!adaptations.isEmpty()) {
            md.append("**Closed loop, decisions** (from the API: decided = the decision's time, applied = pushed as desired"
                    + " state, acknowledged = every agent concerned applied it; seconds after the phase began, by rank 0's"
                    + " clock; the manager's clock is the same machine's):\n\n");
            md.append("| algorithm | message | run | phase | decision | trigger | links added | decided (s) | applied (s)"
                    + " | acknowledged (s) | predicted gain | realised gain | note |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Adaptation a : adaptations) {
                ClosedLoopRun.Phase ph = a.phase();
                AdaptationApi.Decision d = ph.decision();
                md.append("| ").append(a.algorithm()).append(" | ").append(size(a.bytes())).append(" | ").append(a.run())
                        .append(" | ").append(ph.index()).append(" ").append(ph.pattern())
                        .append(" | ").append(d == null ? "–" : Long.toString(d.id()))
                        .append(" | ").append(d == null ? "–" : d.trigger()).append(" | ")
                        .append(d == null ? "–" : d.added().isEmpty() ? "none" : String.join(", ", d.added())).append(" | ")
                        .append(f2(a.decidedAfterSeconds())).append(" | ")
                        .append(f2(ph.appliedAfterSeconds())).append(" | ").append(f2(ph.ackedAfterSeconds())).append(" | ")
                        .append(d == null ? "–" : f2(d.predictedGain())).append(" | ")
                        .append(d == null ? "–" : f2(d.realisedGain())).append(" | ").append(ph.note()).append(" |\n");
            }
            md.append('\n');
        } else if (o.runs("closed")) {
            md.append("Closed loop: not measured").append(closedLoopSkipped != null ? ": " + closedLoopSkipped : "")
                    .append(".\n\n");
        }
        md.append("Figure (`").append(o.png().getFileName()).append("`): left, speedup over the star against k for"
                + " all-to-all, per message size, with the link-bound model; right, ")
                .append(timeline != null ? timeline.title() + " against the time since the pattern started, with the"
                        + " phase changes (grey), the moments the manager applied a new overlay (red) and decisions it did not"
                        + " apply (orange)."
                        : "the closed-loop timeline (not measured in this run).").append("\n\n");
        md.append("Targets:\n\n");
        for (String t : targets()) {
            md.append("- ").append(t).append('\n');
        }
        if (!staleDecisions.isEmpty()) {
            observations.add("Automatic mode was set although the previous run's traffic was still in VTTIF's window, and"
                    + " the loop decided on it at once: " + String.join(", ", staleDecisions) + ". The harness rolled such a"
                    + " decision back and waited out the least interval between decisions (5 s) before the pattern started,"
                    + " so that the run started on the star.");
        }
        long linkDown = linkDownDrops(true);
        if (linkDown > 0) {
            long harness = linkDownDrops(false);
            observations.add("In the closed-loop runs the agents dropped " + linkDown + " frames as LINK_DOWN in all, against "
                    + harness + " in the runs on overlays set by the harness (which waits until every new link is up before"
                    + " the workload starts): the manager pushes a new link and the rules that use it together, and the rules"
                    + " take effect while the link is still connecting. The slowest iteration while a decision was applied"
                    + " (rank 0): " + String.join("; ", stalls) + ".");
        }
        if (!observations.isEmpty()) {
            md.append("\nObserved:\n\n");
            observations.forEach(s -> md.append("- ").append(s).append('\n'));
        }
        if (!failures.isEmpty()) {
            md.append("\nFailures:\n\n");
            failures.forEach(s -> md.append("- ").append(s.replace("\n", " ")).append('\n'));
        }
        return md.toString();
    }

    /**
     * LINK_DOWN drops over the closed-loop runs ({@code closed}) or the others; a run's count is on
     * each of its cells, so it is counted once per run.
     */
    private long linkDownDrops(boolean closed) {
        Map<String, Long> perRun = new java.util.LinkedHashMap<>();
        for (Cell c : cells) {
            boolean isClosed = c.part().equals("closed") || c.part().equals("timeline");
            if (isClosed != closed || c.drops() == null) {
                continue;
            }
            long n = c.drops().entrySet().stream().filter(e -> e.getKey().replace('_', '-').equalsIgnoreCase("link-down"))
                    .mapToLong(Map.Entry::getValue).sum();
            // one run per (config, size), and in the closed part one per pattern too
            String run = c.part() + "/" + c.config() + "/" + c.bytes() + (c.part().equals("closed") ? "/" + c.pattern() : "");
            perRun.put(run, n);
        }
        return perRun.values().stream().mapToLong(Long::longValue).sum();
    }

    private List<String> targets() {
        List<String> out = new ArrayList<>();
        double minIdle = cells.stream().filter(Cell::ok).mapToDouble(Cell::idleMeanPct).filter(v -> !Double.isNaN(v))
                .min().orElse(Double.NaN);
        double minIdle1s = cells.stream().filter(Cell::ok).mapToDouble(Cell::idleMinPct).filter(v -> !Double.isNaN(v))
                .min().orElse(Double.NaN);
        double maxOwn = cells.stream().filter(Cell::ok).mapToDouble(Cell::ownPct).filter(v -> !Double.isNaN(v))
                .max().orElse(Double.NaN);
        out.add(String.format(Locale.ROOT, "CPU idle >= 30%% in every cell (the CPU is not the bottleneck): lowest cell"
                + " mean %.0f%%, lowest 1 s %.0f%%: %s; the experiment's own processes used at most %.0f%% of the machine"
                + " in a cell (the rest of the busy time was other work on the shared machine, and kernel threads)",
                minIdle, minIdle1s, verdict(minIdle >= 30), maxOwn));
        for (int size : o.sizes()) {
            Optional<Cell> star = find("star", Pattern.ALL_TO_ALL, size);
            Optional<Cell> mesh = find("mesh", Pattern.ALL_TO_ALL, size);
            if (star.isPresent() && mesh.isPresent()) {
                double sp = star.get().median() / mesh.get().median();
                out.add(String.format(Locale.ROOT, "full mesh faster than the star for all-to-all, %s: %.2f× (model"
                        + " %.2f×): %s", size(size), sp, modelSpeedup(tb.hostPairs().size()), verdict(sp > 1.5)));
            }
        }
        for (Cell c : cells) {
            if (!c.part().equals("closed") || c.pattern() != Pattern.ALL_TO_ALL || !c.ok()) {
                continue;
            }
            Optional<Cell> star = find("star", Pattern.ALL_TO_ALL, c.bytes());
            Optional<Cell> mesh = find("mesh", Pattern.ALL_TO_ALL, c.bytes());
            if (star.isPresent()) {
                double sp = star.get().median() / c.median();
                out.add(String.format(Locale.ROOT, "%s, all-to-all, %s: >= 2× faster than the star: %.2f×: %s",
                        c.config(), size(c.bytes()), sp, verdict(sp >= 2)));
            }
            if (mesh.isPresent()) {
                double r = c.median() / mesh.get().median();
                out.add(String.format(Locale.ROOT, "%s, all-to-all, %s: within 1.1× of the full mesh: %.2f×: %s",
                        c.config(), size(c.bytes()), r, verdict(r <= 1.1)));
            }
        }
        for (Adaptation a : adaptations) {
            ClosedLoopRun.Phase ph = a.phase();
            AdaptationApi.Decision d = ph.decision();
            double t = ph.appliedAfterSeconds();
            String what = String.format(Locale.ROOT, "closed loop %s, %s, %s, phase %d (%s): new overlay applied <= 5 s"
                    + " after the pattern %s: ", a.algorithm(), size(a.bytes()), a.run(), ph.index(), ph.pattern(),
                    ph.index() == 0 ? "started" : "changed");
            if (!Double.isNaN(t)) {
                out.add(what + String.format(Locale.ROOT, "%.2f s", t) + (Double.isNaN(ph.ackedAfterSeconds()) ? ""
                        : String.format(Locale.ROOT, " (acknowledged %.2f s)", ph.ackedAfterSeconds())) + ": " + verdict(t <= 5));
            } else if (d != null) {
                // a decision not applied is right only if the overlay in place already serves the pattern
                Optional<Cell> here = cells.stream().filter(c -> c.ok() && c.config().startsWith("closed loop " + a.algorithm())
                        && c.part().equals(a.run().equals("patterns changing") ? "timeline" : "closed")
                        && c.pattern() == ph.pattern() && c.bytes() == a.bytes()).findFirst();
                Optional<Cell> mesh = find("mesh", ph.pattern(), a.bytes());
                double vsMesh = here.isPresent() && mesh.isPresent() ? here.get().median() / mesh.get().median() : Double.NaN;
                String verdict = !Double.isNaN(vsMesh) && vsMesh <= 1.1
                        ? String.format(Locale.ROOT, "n/a, the overlay in place was kept and is within 1.1× of the full mesh"
                        + " (%.2f×)", vsMesh)
                        : verdict(false) + (Double.isNaN(vsMesh) ? "" : String.format(Locale.ROOT,
                        ", the overlay in place was kept at %.2f× the full mesh", vsMesh));
                out.add(what + String.format(Locale.ROOT, "decided %.2f s after, not applied (%s): %s", a.decidedAfterSeconds(),
                        d.note(), verdict));
            } else {
                out.add(what + "no decision: " + verdict(false));
            }
        }
        return out;
    }

    private void plot() throws IOException {
        int pairs = tb.hostPairs().size();
        List<Plot.Series> curves = new ArrayList<>();
        for (int size : o.sizes()) {
            double[] ks = new double[pairs + 1];
            double[] sp = new double[pairs + 1];
            for (int k = 0; k <= pairs; k++) {
                ks[k] = k;
                Optional<Cell> c = findK(k, size);
                Optional<Cell> star = findK(0, size);
                sp[k] = c.isPresent() && star.isPresent() ? star.get().median() / c.get().median() : Double.NaN;
            }
            curves.add(new Plot.Series("measured, " + size(size) + " messages", ks, sp));
        }
        double[] ks = new double[pairs + 1];
        double[] model = new double[pairs + 1];
        for (int k = 0; k <= pairs; k++) {
            ks[k] = k;
            model[k] = modelSpeedup(k);
        }
        String title = String.format(Locale.ROOT, "VADAPT on VNET: %d VM hosts + proxy, %d VMs, uplinks %s", tb.vmHosts().size(),
                tb.vms().size(), rate(o.rateBitsPerSecond()));
        Plot.write(o.png(), title, "all-to-all: top-k direct host links", curves,
                new Plot.Series("link-bound model", ks, model), timeline,
                closedLoopSkipped != null ? "closed loop not measured: " + closedLoopSkipped
                        : "closed loop not measured in this run");
    }

    // ---------------------------------------------------------------- formatting and machine

    static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    static String rate(long bps) {
        return bps <= 0 ? "unshaped" : Plot.fmt(bps / 1e6) + " Mbit/s";
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    private static String drops(Map<String, Long> drops) {
        if (drops == null || drops.isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        drops.forEach((reason, n) -> out.add(reason + " " + n));
        return String.join(", ", out);
    }

    private static String verdict(boolean ok) {
        return ok ? "**met**" : "**not met**";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String machine() {
        String os = "unknown OS";
        String cpuModel = "unknown CPU";
        try {
            for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (l.startsWith("PRETTY_NAME=")) {
                    os = l.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpuModel = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // keep the defaults
        }
        return "date " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")) + "; " + os
                + ", kernel " + Sh.run("uname", "-r").out().trim() + "; " + Runtime.getRuntime().availableProcessors()
                + " cores (" + cpuModel + "); Java " + System.getProperty("java.version");
    }
}
