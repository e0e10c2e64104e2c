package io.vnet.it.bench.report;

import io.vnet.it.bench.adapt.AdaptBenchmark;
import io.vnet.it.bench.adapt.AdaptBenchmark.Adaptation;
import io.vnet.it.bench.adapt.AdaptBenchmark.Cell;
import io.vnet.it.bench.adapt.AdaptOptions;
import io.vnet.it.bench.adapt.ClosedLoopRun;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.experiment.HostPair;
import io.vnet.it.experiment.IterationTimes;
import io.vnet.it.patterns.Grid;
import io.vnet.it.patterns.Pattern;
import io.vnet.it.patterns.RankLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The adaptation benchmark's report, apart from its measurement ({@link AdaptBenchmark}): the
 * Markdown tables (every cell, speedup against k, the closed loop's decisions), the targets with
 * their verdicts, what was observed, and the figure ({@link Plot}: speedup against k and the
 * closed loop's timeline). Reads the results only.
 */
public final class AdaptReport {
    private final AdaptOptions o;
    private final AdaptTestbed tb;
    private final Grid grid;
    private final List<Cell> cells;
    private final List<Adaptation> adaptations;
    private final List<String> failures;
    private final Set<String> observations;
    private final Set<String> staleDecisions;
    private final List<String> stalls;
    private final Plot.Timeline timeline;
    private final String closedLoopSkipped;

    public AdaptReport(AdaptBenchmark.Results r) {
        this.o = r.options();
        this.tb = r.testbed();
        this.grid = r.grid();
        this.cells = r.cells();
        this.adaptations = r.adaptations();
        this.failures = r.failures();
        this.observations = new LinkedHashSet<>(r.observations());
        this.staleDecisions = r.staleDecisions();
        this.stalls = r.stalls();
        this.timeline = r.timeline() == null ? null : timeline(r.timeline().algorithm(), r.timeline().bytes(),
                r.timeline().log(), r.timeline().phases());
        this.closedLoopSkipped = r.closedLoopSkipped();
    }

    /**
     * The closed loop's timeline for the figure: rank 0's iteration times since the pattern
     * started, with the phase changes and the moments decisions were applied (or not).
     */
    private static Plot.Timeline timeline(String alg, int bytes, RankLog log, List<ClosedLoopRun.Phase> phases) {
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
                Format.size(bytes)), x, y, marks);
    }


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

    public String markdown(String command, String machine) {
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
                        + Format.number(o.rateBitsPerSecond() / 1e6) : "",
                Format.rate(o.rateBitsPerSecond()),
                tb.shapingCommands().isEmpty() ? "none" : tb.shapingCommands().get(0),
                tb.shapingCommands().size() < 2 ? "none" : tb.shapingCommands().get(1),
                Format.number(o.computeMs()), String.join(" and ", o.sizes().stream().map(Format::size).toList()),
                grid, Format.number(o.warmupRunSeconds()), Format.number(o.phaseSeconds()), Format.number(o.closedLoopSeconds()), o.skipFirst(),
                Format.number(o.warmupSeconds()), o.settleMs()));
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
            md.append("| ").append(c.config()).append(" | ").append(c.pattern()).append(" | ").append(Format.size(c.bytes()))
                    .append(" | ").append(Format.f1(s.medianMs())).append(" | ").append(Format.f1(s.meanMs()))
                    .append(" | ").append(Format.f1(s.p10Ms())).append("–").append(Format.f1(s.p90Ms()))
                    .append(" | ").append(s.counted()).append(" / ").append(s.total())
                    .append(" | ").append(star.isPresent() && c.ok() ? String.format(Locale.ROOT, "%.2f×",
                            star.get().median() / c.median()) : "–")
                    .append(" | ").append(mesh.isPresent() && c.ok() ? String.format(Locale.ROOT, "%.2f",
                            c.median() / mesh.get().median()) : "–")
                    .append(" | ").append(Format.pct(c.proxyShare()))
                    .append(" | ").append(Format.drops(c.drops()))
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
            md.append(' ').append(Format.size(size)).append(" median ms | speedup |");
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
                md.append(' ').append(c.map(x -> Format.f1(x.median())).orElse("–")).append(" | ")
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
                md.append("| ").append(a.algorithm()).append(" | ").append(Format.size(a.bytes())).append(" | ").append(a.run())
                        .append(" | ").append(ph.index()).append(" ").append(ph.pattern())
                        .append(" | ").append(d == null ? "–" : Long.toString(d.id()))
                        .append(" | ").append(d == null ? "–" : d.trigger()).append(" | ")
                        .append(d == null ? "–" : d.added().isEmpty() ? "none" : String.join(", ", d.added())).append(" | ")
                        .append(Format.f2(a.decidedAfterSeconds())).append(" | ")
                        .append(Format.f2(ph.appliedAfterSeconds())).append(" | ").append(Format.f2(ph.ackedAfterSeconds())).append(" | ")
                        .append(d == null ? "–" : Format.f2(d.predictedGain())).append(" | ")
                        .append(d == null ? "–" : Format.f2(d.realisedGain())).append(" | ").append(ph.note()).append(" |\n");
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
                minIdle, minIdle1s, Format.verdict(minIdle >= 30), maxOwn));
        for (int size : o.sizes()) {
            Optional<Cell> star = find("star", Pattern.ALL_TO_ALL, size);
            Optional<Cell> mesh = find("mesh", Pattern.ALL_TO_ALL, size);
            if (star.isPresent() && mesh.isPresent()) {
                double sp = star.get().median() / mesh.get().median();
                out.add(String.format(Locale.ROOT, "full mesh faster than the star for all-to-all, %s: %.2f× (model"
                        + " %.2f×): %s", Format.size(size), sp, modelSpeedup(tb.hostPairs().size()), Format.verdict(sp > 1.5)));
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
                        c.config(), Format.size(c.bytes()), sp, Format.verdict(sp >= 2)));
            }
            if (mesh.isPresent()) {
                double r = c.median() / mesh.get().median();
                out.add(String.format(Locale.ROOT, "%s, all-to-all, %s: within 1.1× of the full mesh: %.2f×: %s",
                        c.config(), Format.size(c.bytes()), r, Format.verdict(r <= 1.1)));
            }
        }
        for (Adaptation a : adaptations) {
            ClosedLoopRun.Phase ph = a.phase();
            AdaptationApi.Decision d = ph.decision();
            double t = ph.appliedAfterSeconds();
            String what = String.format(Locale.ROOT, "closed loop %s, %s, %s, phase %d (%s): new overlay applied <= 5 s"
                    + " after the pattern %s: ", a.algorithm(), Format.size(a.bytes()), a.run(), ph.index(), ph.pattern(),
                    ph.index() == 0 ? "started" : "changed");
            if (!Double.isNaN(t)) {
                out.add(what + String.format(Locale.ROOT, "%.2f s", t) + (Double.isNaN(ph.ackedAfterSeconds()) ? ""
                        : String.format(Locale.ROOT, " (acknowledged %.2f s)", ph.ackedAfterSeconds())) + ": " + Format.verdict(t <= 5));
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
                        : Format.verdict(false) + (Double.isNaN(vsMesh) ? "" : String.format(Locale.ROOT,
                        ", the overlay in place was kept at %.2f× the full mesh", vsMesh));
                out.add(what + String.format(Locale.ROOT, "decided %.2f s after, not applied (%s): %s", a.decidedAfterSeconds(),
                        d.note(), verdict));
            } else {
                out.add(what + "no decision: " + Format.verdict(false));
            }
        }
        return out;
    }

    public void plot() throws IOException {
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
            curves.add(new Plot.Series("measured, " + Format.size(size) + " messages", ks, sp));
        }
        double[] ks = new double[pairs + 1];
        double[] model = new double[pairs + 1];
        for (int k = 0; k <= pairs; k++) {
            ks[k] = k;
            model[k] = modelSpeedup(k);
        }
        String title = String.format(Locale.ROOT, "VADAPT on VNET: %d VM hosts + proxy, %d VMs, uplinks %s", tb.vmHosts().size(),
                tb.vms().size(), Format.rate(o.rateBitsPerSecond()));
        Plot.write(o.png(), title, "all-to-all: top-k direct host links", curves,
                new Plot.Series("link-bound model", ks, model), timeline,
                closedLoopSkipped != null ? "closed loop not measured: " + closedLoopSkipped
                        : "closed loop not measured in this run");
    }

}
