package io.vnet.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Vm;
import io.vnet.it.bench.report.Format;
import io.vnet.it.machine.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 18, item 3: what VTTIF names real MPI traffic. Debian's OpenMPI runs the tests' MPI
 * program ({@code exchange.c}) as {@link MpiBenchmark} runs it (TCP transport, one rank per VM,
 * compute as a sleep), on {@link AdaptTestbed}'s cloud (VM hosts in a star through the proxy, the
 * manager with VTTIF in reactive mode, a 2 s window), ranks round-robin over 4 hosts. Each case is
 * one pattern: point-to-point ones written for a shape, and MPI's own collectives, whose expected
 * class is written down from the algorithm Open MPI 4.1.4's fixed decision rules
 * ({@code coll_tuned_decision_fixed.c}) pick for that rank count and message size. While it runs,
 * the manager's reported topology is polled; the outcome is the first time the expected class was
 * reported after the timed loop began (or it appears among the classes the graph also fits), the
 * share of the bytes that shape explains, and the class at the end.
 *
 * <p>Usage: {@code MpiInference [--ranks 8,16] [--duration 20] [--only PATTERN] [--out FILE]} (run by
 * {@code scripts/bench-mpi-inference.sh}).
 */
public final class MpiInference {
    /** The class must be reported within this long of the pattern's start. */
    public static final long DEADLINE_MS = 10_000;
    /** Compute per iteration, a sleep (ms). */
    public static final int COMPUTE_MS = 10;
    public static final int HOSTS = 4;
    /** The pattern name of the real application: Debian's LAMMPS on {@code lj-liquid.in}. */
    public static final String LAMMPS = "lammps";
    /** Debian's LAMMPS binary (package lammps). */
    public static final Path LMP = Path.of("/usr/bin/lmp");

    /** One run of the program: its pattern, message size, and the class expected with the reason. */
    public record Case(String name, String pattern, int messageBytes, String expected, String algorithm) {
    }

    /** The cases for {@code ranks} ranks (8 or 16: the collectives' expectations are written for these). */
    public static List<Case> cases(int ranks) {
        if (ranks != 8 && ranks != 16) {
            throw new IllegalArgumentException("the expected classes are written for 8 and 16 ranks, not " + ranks);
        }
        boolean eight = ranks == 8;
        String grid = eight ? "2 x 4" : "4 x 4";
        return List.of(
                new Case("ring", "ring", 65536, "RING", "point-to-point, both neighbours"),
                new Case("mesh", "mesh", 65536, "MESH_2D", "point-to-point, " + grid + " grid, not periodic"),
                new Case("tree", "tree", 65536, "TREE", "point-to-point binary-tree reduction, then broadcast down it"),
                new Case("hypercube", "hypercube", 65536, "HYPERCUBE", "point-to-point recursive doubling, "
                        + (eight ? "3" : "4") + " partners"),
                new Case("pipeline", "pipeline", 65536, "PIPELINE", "point-to-point chain"),
                new Case("MPI_Alltoall 16 KiB", "alltoall", 16384, "ALL_TO_ALL", eight ? "linear_sync (alg 4)"
                        : "basic linear (alg 1)"),
                new Case("MPI_Allreduce 1 KiB", "allreduce", 1024, "HYPERCUBE", "recursive doubling (alg 3)"),
                new Case("MPI_Allreduce 256 KiB", "allreduce", 256 << 10, "HYPERCUBE",
                        "Rabenseifner (alg 6): recursive halving, then doubling"),
                new Case("MPI_Bcast 64 KiB", "bcast", 65536, eight ? "STAR" : "TREE_BROADCAST",
                        eight ? "basic linear (alg 1): the root sends to each" : "binomial tree (alg 6)"),
                new Case("MPI_Reduce 64 KiB", "reduce", 65536, "TREE_REDUCTION", "binomial tree (alg 5)"),
                new Case("LAMMPS (Debian's lmp), LJ liquid", LAMMPS, 0, eight ? "MESH_3D" : "TORUS_3D",
                        "3-D domain decomposition, " + (eight ? "2 x 2 x 2" : "2 x 2 x 4")
                                + " ranks, ghost atoms to the six face neighbours (periodic)"));
    }

    /** The manager's reported topology at one moment. */
    public record Seen(long epochMs, String cls, double share, List<String> alsoFits) {
        boolean fits(String expected) {
            return cls.equals(expected) || alsoFits.contains(expected);
        }

        String describe() {
            return cls + (alsoFits.isEmpty() ? "" : " (also " + String.join(", ", alsoFits) + ")");
        }
    }

    /**
     * One case's outcome: when the timed loop began, the reported topologies over the run, the
     * first that fits the expected class after the start (null: none), and rank 0's iteration times.
     */
    public record Outcome(Case c, int ranks, long startEpochMs, long endEpochMs, List<Seen> seen, Seen first,
                          double[] seconds) {
        /** How long after the start the expected class was first reported (-1: never). */
        public long reportedAfterMs() {
            return first == null ? -1 : first.epochMs() - startEpochMs;
        }

        public boolean inTime() {
            return first != null && reportedAfterMs() <= DEADLINE_MS;
        }

        /** The topology reported last while the program ran. */
        public Seen last() {
            Seen l = null;
            for (Seen s : seen) {
                if (s.epochMs() <= endEpochMs) {
                    l = s;
                }
            }
            return l;
        }

        public double meanIterationMs() {
            double sum = 0;
            for (double s : seconds) {
                sum += s;
            }
            return seconds.length == 0 ? Double.NaN : sum / seconds.length * 1e3;
        }
    }

    private MpiInference() {
    }

    /** Runs every case with {@code ranks} ranks on a fresh cloud of 4 hosts; each for about {@code durationS}. */
    public static List<Outcome> run(int ranks, List<Case> cases, int durationS) throws IOException, InterruptedException {
        if (ranks % HOSTS != 0) {
            throw new IllegalArgumentException("ranks must be a multiple of " + HOSTS + ": " + ranks);
        }
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Path program = MpiBenchmark.compile(Fabric.repo(), fabric.workDir().resolve("mpi"));
            AdaptTestbed tb = AdaptTestbed.start(fabric, HOSTS, ranks / HOSTS, 0);
            List<Vm> vms = tb.vms();
            for (int r = 1; r < vms.size(); r++) {
                PingProbe.awaitPath(vms.get(0), vms.get(r), 30_000, "the agents' star");
            }
            Path agent = MpiBenchmark.rshAgent(fabric, vms);
            Path hostfile = MpiBenchmark.hostfile(fabric, vms);
            List<Outcome> out = new ArrayList<>();
            ExecutorService bg = Executors.newSingleThreadExecutor();
            try {
                for (Case c : cases) {
                    out.add(runCase(fabric, tb.manager(), vms, agent, hostfile, program, c, durationS, bg));
                    Thread.sleep(3000); // VTTIF's 2 s window forgets this case's traffic
                }
            } finally {
                bg.shutdownNow();
            }
            return out;
        }
    }

    /**
     * Runs one case for about {@code durationS} on a cloud whose ranks are {@code vms} (rank 0 launches), polling
     * the manager's reported topology meanwhile.
     */
    public static Outcome runCase(Fabric fabric, ManagerProcess manager, List<Vm> vms, Path agent, Path hostfile,
                                  Path program, Case c, int durationS, ExecutorService bg)
            throws IOException, InterruptedException {
        String label = c.pattern() + "-" + c.messageBytes() + "-" + vms.size();
        boolean lammps = c.pattern().equals(LAMMPS);
        // a log of its own per run: the start is seen when this run's thermo header appears in it
        Path lammpsLog = Files.createTempFile(fabric.workDir(), "lammps-" + vms.size() + "-", ".log");
        Files.delete(lammpsLog);
        List<String> cmd = lammps
                ? MpiBenchmark.mpirunCommand(agent, hostfile, vms.size(), LMP, List.of("-in",
                        Fabric.repo().resolve("integration-tests/workloads/src/main/mpi/lj-liquid.in").toString(),
                        "-var", "seconds", Integer.toString(durationS), "-log", lammpsLog.toString(), "-screen", "none",
                        "-nocite"))
                : MpiBenchmark.mpirunCommand(agent, hostfile, vms.size(), program, List.of(c.pattern(),
                        durationS + "s", Integer.toString(c.messageBytes()), Integer.toString(COMPUTE_MS)));
        long limit = MpiBenchmark.STARTUP_TIMEOUT_S + 120L + 3L * durationS;
        Future<JsonNode> run = bg.submit(() -> lammps
                ? lammpsResult(MpiBenchmark.launch(fabric, vms.get(0), cmd, label, limit, () -> "(" + label + ")", "ERROR"),
                        lammpsLog)
                : MpiBenchmark.mpirun(fabric, vms.get(0), cmd, label, limit, () -> "(" + label + ")"));
        List<Seen> seen = new CopyOnWriteArrayList<>();
        long lammpsStart = -1;
        while (!run.isDone()) {
            if (lammps && lammpsStart < 0 && Files.exists(lammpsLog)
                    && Files.readString(lammpsLog).lines().anyMatch(l -> l.trim().startsWith("Step "))) {
                lammpsStart = System.currentTimeMillis(); // the thermo header: the run loop begins
            }
            ManagerProcess.Response r = manager.rest("GET", "/networks/" + AdaptTestbed.VNI + "/topology", null);
            if (r.status() == 200) {
                JsonNode g = r.body().path("graph");
                List<String> also = new ArrayList<>();
                g.path("alsoFits").forEach(f -> also.add(f.path("class").asText()));
                seen.add(new Seen(System.currentTimeMillis(), r.body().path("class").asText(),
                        g.path("share").asDouble(Double.NaN), also));
            }
            Thread.sleep(250);
        }
        JsonNode result;
        try {
            result = run.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(c.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
        long start = lammps ? lammpsStart : result.path("startEpochMs").asLong();
        if (start < 0) {
            throw new IllegalStateException(c.name() + ": its run's start was not seen in " + lammpsLog);
        }
        double[] seconds = new double[result.path("seconds").size()];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = result.path("seconds").get(i).asDouble();
        }
        long end = start + Math.round(java.util.Arrays.stream(seconds).sum() * 1000);
        Seen first = seen.stream().filter(s -> s.epochMs() >= start && s.epochMs() <= end && s.fits(c.expected()))
                .findFirst().orElse(null);
        Outcome o = new Outcome(c, vms.size(), start, end, List.copyOf(seen), first, seconds);
        System.out.printf(Locale.ROOT, "  %-22s %2d ranks: expected %s, %s; last %s; %d iterations, mean %.1f ms%n",
                c.name(), vms.size(), c.expected(), first == null ? "never reported while it ran"
                        : "reported " + o.reportedAfterMs() + " ms after the start (share " + Format.pct(first.share())
                        + ")", o.last() == null ? "none" : o.last().describe(), seconds.length, o.meanIterationMs());
        return o;
    }

    /**
     * LAMMPS's own figures as the exchange program gives them: an iteration is the time between two
     * thermo lines (10 steps), from their elapsed-time column (cpu, the last); the loop time
     * ("Loop time of T on N procs for S steps") must be there too: the run ended normally.
     */
    static JsonNode lammpsResult(String output, Path log) throws IOException {
        String text = Files.readString(log);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Loop time of ([0-9.eE+-]+) on (\\d+) procs for (\\d+)"
                + " steps").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("LAMMPS gave no loop time in " + log + ":\n" + output);
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = io.vnet.protocol.Json.object()
                .put("steps", Integer.parseInt(m.group(3))).put("loopSeconds", Double.parseDouble(m.group(1)));
        com.fasterxml.jackson.databind.node.ArrayNode sec = o.putArray("seconds");
        boolean inThermo = false;
        double last = 0;
        for (String line : text.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Step ")) {
                inThermo = true;
                continue;
            }
            if (inThermo) {
                String[] f = t.split("\\s+");
                if (f.length < 5 || !f[0].matches("\\d+")) {
                    inThermo = false; // the end of the thermo table
                    continue;
                }
                double elapsed = Double.parseDouble(f[f.length - 1]);
                if (elapsed > last) {
                    sec.add(elapsed - last);
                }
                last = elapsed;
            }
        }
        if (sec.isEmpty()) {
            throw new IllegalStateException("LAMMPS gave no thermo lines in " + log);
        }
        return o;
    }

    /** The Markdown table of {@code outcomes}. */
    public static String table(List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder("| ranks | program | Open MPI's algorithm | expected | reported within 10 s"
                + " | after (s) | share explained | reported last | iterations | mean iteration (ms) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            Seen last = o.last();
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %d | %.1f |%n", o.ranks(),
                    o.c().name(), o.c().algorithm(), o.c().expected(), o.inTime() ? "yes" : "**no**",
                    o.first() == null ? "–" : String.format(Locale.ROOT, "%.1f", o.reportedAfterMs() / 1000.0),
                    o.first() == null ? "–" : Format.pct(o.first().share()),
                    last == null ? "–" : last.describe() + " (" + Format.pct(last.share()) + ")",
                    o.seconds().length, o.meanIterationMs()));
        }
        return md.toString();
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(8, 16);
        int duration = 20;
        String only = "";
        Path outFile = Fabric.repo().resolve("integration-tests/benchmarks/target/bench-mpi-inference.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ranks" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--out" -> outFile = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: MpiInference [--ranks 8,16] [--duration S] [--only PATTERN] [--out FILE]");
            }
        }
        List<Outcome> all = new ArrayList<>();
        for (int ranks : sizes) {
            System.out.println(ranks + " ranks on " + HOSTS + " hosts:");
            String pick = only;
            all.addAll(run(ranks, cases(ranks).stream().filter(c -> pick.isEmpty() || c.pattern().equals(pick)).toList(),
                    duration));
        }
        String md = "Machine: " + Machine.describe("mpirun") + "\n\nOpen MPI " + MpiBenchmark.openMpiVersion()
                + ", each program for about " + duration + " s, compute " + COMPUTE_MS + " ms a sleep.\n\n" + table(all);
        Files.createDirectories(outFile.getParent());
        Files.writeString(outFile, md);
        System.out.println(md);
        System.out.println("written to " + outFile);
    }
}
