package io.vnet.it.bench;

import io.vnet.it.bench.MpiInference.Case;
import io.vnet.it.bench.MpiInference.Outcome;
import io.vnet.it.bench.report.Format;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Vm;
import io.vnet.it.machine.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Issue 18, item 4: the founding experiment on real MPI programs. On {@link AdaptTestbed}'s cloud
 * with every overlay uplink shaped (tbf, as in the patterns experiment), each {@link MpiInference}
 * case runs three times: on the star through the proxy (adaptation off), on the full mesh of direct
 * links between the VM hosts (set through the desired-state API), and on the star with the closed
 * loop in automatic mode from the start, nothing else done (the loop sees the traffic, decides and
 * applies). Each time is the program's own iteration time (for LAMMPS the time per 10 steps from
 * its thermo lines), the median of the steady part: from 2 s after the start on the star and the
 * mesh, from 1 s after the loop's decision took effect (every agent applied it) in automatic mode.
 * Targets: the adapted run at least 2x faster than the star wherever the mesh is at least 2.2x
 * faster than it, and within 1.2x of the mesh everywhere.
 *
 * <p>Usage: {@code MpiAdaptation [--ranks 8,16] [--rate-mbps 50] [--duration 15] [--only PATTERN] [--out FILE]}
 * (run by {@code scripts/bench-mpi-adapt.sh}).
 */
public final class MpiAdaptation {
    public static final long DEFAULT_RATE = 50_000_000;
    /** Where the mesh is at least this much faster than the star, ... */
    public static final double MESH_PAYS = 2.2;
    /** ... the adapted run must be at least this much faster than the star; */
    public static final double ADAPTED_SPEEDUP = 2.0;
    /** and it must be within this factor of the mesh everywhere. */
    public static final double WITHIN_MESH = 1.2;

    /** One case: its three runs, the medians, and the loop's decision (null: none applied). */
    public record Row(Case c, int ranks, Outcome star, Outcome mesh, Outcome adapted, double starMs, double meshMs,
                      double adaptedMs, AdaptationApi.Decision decision) {
        public double meshSpeedup() {
            return starMs / meshMs;
        }

        public double adaptedSpeedup() {
            return starMs / adaptedMs;
        }

        /** The targets for this row. */
        public boolean meetsTargets() {
            return adaptedMs <= WITHIN_MESH * meshMs && (meshSpeedup() < MESH_PAYS || adaptedSpeedup() >= ADAPTED_SPEEDUP);
        }
    }

    private MpiAdaptation() {
    }

    /** The median of the iterations of {@code o} that began at or after {@code fromEpochMs} (NaN if none). */
    public static double medianFrom(Outcome o, long fromEpochMs) {
        List<Double> kept = new ArrayList<>();
        double t = o.startEpochMs();
        for (double s : o.seconds()) {
            if (t >= fromEpochMs) {
                kept.add(s * 1e3);
            }
            t += s * 1e3;
        }
        if (kept.isEmpty()) {
            return Double.NaN;
        }
        double[] v = kept.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Runs {@code cases} with {@code ranks} ranks on one shaped cloud of 4 hosts. */
    public static List<Row> run(int ranks, List<Case> cases, long rate, int durationS)
            throws IOException, InterruptedException {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Path program = MpiBenchmark.compile(Fabric.repo(), fabric.workDir().resolve("mpi"));
            AdaptTestbed tb = AdaptTestbed.start(fabric, MpiInference.HOSTS, ranks / MpiInference.HOSTS, rate);
            List<Vm> vms = tb.vms();
            for (int r = 1; r < vms.size(); r++) {
                PingProbe.awaitPath(vms.get(0), vms.get(r), 30_000, "the agents' star");
            }
            Path agent = MpiBenchmark.rshAgent(fabric, vms);
            Path hostfile = MpiBenchmark.hostfile(fabric, vms);
            AdaptationApi api = tb.adaptation();
            List<Row> rows = new ArrayList<>();
            ExecutorService bg = Executors.newSingleThreadExecutor();
            try {
                for (Case c : cases) {
                    api.set("off", null);
                    Outcome star = MpiInference.runCase(fabric, tb.manager(), vms, agent, hostfile, program, c,
                            durationS, bg);
                    tb.applyDirectLinks(tb.hostPairs());
                    Outcome mesh = MpiInference.runCase(fabric, tb.manager(), vms, agent, hostfile, program, c,
                            durationS, bg);
                    tb.clearDesiredState();
                    tb.awaitStarOnly(20_000); // the loop plans on the star, not on mesh links still going away
                    Thread.sleep(3000); // VTTIF's 2 s window forgets the mesh run: the loop starts from this run
                    long before = api.lastDecisionId();
                    api.set("automatic", "greedy");
                    Outcome adapted = MpiInference.runCase(fabric, tb.manager(), vms, agent, hostfile, program, c,
                            durationS + 10, bg);
                    AdaptationApi.Decision applied = null;
                    for (AdaptationApi.Decision d : api.decisionsAfter(before)) {
                        if (d.applied() && applied == null) {
                            applied = d;
                        }
                        System.out.printf(Locale.ROOT, "    decision %d at +%.1f s: \"%s\", %s, predicted %.2f, realised %.2f%s%s%n",
                                d.id(), (d.time().toEpochMilli() - adapted.startEpochMs()) / 1000.0, d.trigger(),
                                d.applied() ? "applied, adds " + d.added() : "not applied", d.predictedGain(), d.realisedGain(),
                                d.rolledBackAt() == null ? "" : ", rolled back at +" + Format.f1(
                                        (d.rolledBackAt().toEpochMilli() - adapted.startEpochMs()) / 1000.0) + " s",
                                d.note().isEmpty() ? "" : "; " + d.note());
                    }
                    if (adapted.seconds().length <= 60) {
                        StringBuilder tl = new StringBuilder("    adapted run's iterations (start s: ms):");
                        double t = 0;
                        for (double sec : adapted.seconds()) {
                            tl.append(String.format(Locale.ROOT, " %.1f:%.0f", t, sec * 1e3));
                            t += sec;
                        }
                        System.out.println(tl);
                    }
                    api.set("off", null);
                    api.rollbackAll(20);
                    tb.clearDesiredState();
                    tb.awaitStarOnly(20_000);
                    long from = applied == null || applied.effectiveAt() == null ? adapted.startEpochMs() + 2000
                            : applied.effectiveAt().toEpochMilli() + 1000;
                    Row row = new Row(c, ranks, star, mesh, adapted, medianFrom(star, star.startEpochMs() + 2000),
                            medianFrom(mesh, mesh.startEpochMs() + 2000), medianFrom(adapted, from), applied);
                    System.out.printf(Locale.ROOT, "  %-24s star %.1f ms, mesh %.1f ms (%.2fx), adapted %.1f ms (%.2fx)"
                                    + "%s; %s%n", c.name(), row.starMs(), row.meshMs(), row.meshSpeedup(), row.adaptedMs(),
                            row.adaptedSpeedup(), applied == null ? ", no decision applied"
                                    : ", decision \"" + applied.trigger() + "\" at +" + Format.f1(
                                    (applied.time().toEpochMilli() - adapted.startEpochMs()) / 1000.0) + " s",
                            row.meetsTargets() ? "targets met" : "TARGET MISSED");
                    rows.add(row);
                    Thread.sleep(3000);
                }
            } finally {
                bg.shutdownNow();
                api.offQuietly();
            }
            return rows;
        }
    }

    /** The Markdown table of {@code rows}. */
    public static String table(List<Row> rows) {
        StringBuilder md = new StringBuilder("| ranks | program | class reported | reported after (s) | share explained"
                + " | star (ms) | adapted (ms) | full mesh (ms) | mesh / star | adapted / star | adapted vs mesh"
                + " | loop's decision | targets |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Outcome a = r.adapted();
            MpiInference.Seen first = a.first();
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %.1f | %.1f | %.1f | %.2fx | %.2fx | %.2f |"
                            + " %s | %s |%n", r.ranks(), r.c().name(),
                    first == null ? "**" + r.c().expected() + " not reported**" : first.describe(),
                    first == null ? "–" : Format.f1(a.reportedAfterMs() / 1000.0),
                    first == null ? "–" : Format.pct(first.share()), r.starMs(), r.adaptedMs(), r.meshMs(),
                    r.meshSpeedup(), r.adaptedSpeedup(), r.adaptedMs() / r.meshMs(),
                    r.decision() == null ? "none applied" : "\"" + r.decision().trigger() + "\", adds "
                            + r.decision().added().size() + " link(s), +" + Format.f1((r.decision().time().toEpochMilli()
                            - a.startEpochMs()) / 1000.0) + " s",
                    r.meetsTargets() ? "met" : "**missed**"));
        }
        return md.toString();
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(8, 16);
        int duration = 15;
        long rate = DEFAULT_RATE;
        String only = "";
        Path outFile = Fabric.repo().resolve("integration-tests/benchmarks/target/bench-mpi-adapt.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ranks" -> sizes = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--rate-mbps" -> rate = Long.parseLong(args[++i]) * 1_000_000;
                case "--only" -> only = args[++i];
                case "--out" -> outFile = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: MpiAdaptation"
                        + " [--ranks 8,16] [--rate-mbps 50] [--duration S] [--only PATTERN] [--out FILE]");
            }
        }
        List<Row> all = new ArrayList<>();
        for (int ranks : sizes) {
            System.out.println(ranks + " ranks on " + MpiInference.HOSTS + " hosts, uplinks " + rate / 1_000_000
                    + " Mbit/s:");
            String pick = only;
            all.addAll(run(ranks, MpiInference.cases(ranks).stream().filter(c -> pick.isEmpty()
                    || c.pattern().equals(pick)).toList(), rate, duration));
        }
        String md = "Machine: " + Machine.describe("mpirun") + "\n\nOpen MPI " + MpiBenchmark.openMpiVersion()
                + "; uplinks shaped to " + rate / 1_000_000 + " Mbit/s (tbf); star and mesh runs about " + duration
                + " s, the adapted run " + (duration + 10) + " s; compute " + MpiInference.COMPUTE_MS
                + " ms a sleep.\n\n" + table(all);
        Files.createDirectories(outFile.getParent());
        Files.writeString(outFile, md);
        System.out.println(md);
        System.out.println("written to " + outFile);
    }
}
