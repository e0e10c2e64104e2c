package io.vnet.it.bench.adapt;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.patterns.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The settings of {@link AdaptBenchmark}, from its command line:
 *
 * <pre>
 * [--rate-mbit 50] [--seconds 12] [--sizes 32k,128k] [--compute-ms 5] [--patterns all,ring,mesh]
 * [--ks 1,2,3,4,5] [--warmup-seconds 1.5] [--skip 2] [--warmup-run-seconds 24] [--only star,topk,mesh,closed]
 * [--closed-loop | --no-closed-loop] [--algorithms greedy,anneal,topk] [--closed-loop-seconds 15]
 * [--closed-loop-sizes 32k] [--timeline ring:15,all:15 | none] [--settle-ms 1000] [--vm-hosts 4]
 * [--vms-per-host 2] [--out FILE.md] [--png FILE.png]
 * </pre>
 *
 * @param rateBitsPerSecond every overlay uplink's rate, both directions (0: unshaped)
 * @param phaseSeconds      each pattern's length in the star, mesh and top-k runs
 * @param sizes             the message sizes, bytes
 * @param ks                the top-k points measured (k = 0 is the star, k = all pairs the mesh)
 * @param closedLoop        TRUE: the closed loop must run; FALSE: skip it; null: run it if the manager offers it
 * @param closedLoopSizes   the message sizes of the closed-loop runs (default: the first of {@code sizes})
 * @param timeline          the schedule of the closed-loop timeline run (first algorithm, first closed-loop
 *                          size), whose patterns change while it runs; null for none
 * @param warmupRunSeconds  a first run of this long on the star (every pattern in turn), not measured, so that
 *                          the agents' and manager's JIT compilers are done before the first cell (0: none)
 * @param settleMs          after a decision is applied, iterations starting within this long are not counted
 */
public record AdaptOptions(long rateBitsPerSecond, double phaseSeconds, List<Integer> sizes, double computeMs,
                           List<Pattern> patterns, List<Integer> ks, double warmupSeconds, int skipFirst, Set<String> only,
                           Boolean closedLoop, List<String> algorithms, double closedLoopSeconds,
                           List<Integer> closedLoopSizes, String timeline, double warmupRunSeconds, long settleMs,
                           int vmHosts, int vmsPerHost, Path out, Path png) {
    public static final String USAGE = "usage: AdaptBenchmark [--rate-mbit 50] [--seconds 12] [--sizes 32k,128k]"
            + " [--compute-ms 5] [--patterns all,ring,mesh] [--ks 1,2,3,4,5] [--warmup-seconds 1.5] [--skip 2]"
            + " [--warmup-run-seconds 24]"
            + " [--only star,topk,mesh,closed] [--closed-loop | --no-closed-loop] [--algorithms greedy,anneal,topk]"
            + " [--closed-loop-seconds 15] [--closed-loop-sizes 32k] [--timeline ring:15,all:15 | none]"
            + " [--settle-ms 1000] [--vm-hosts 4] [--vms-per-host 2] [--out FILE.md] [--png FILE.png]";

    public static AdaptOptions parse(String[] args) {
        double rateMbit = 50;
        double seconds = 12;
        List<Integer> sizes = List.of(32 * 1024, 128 * 1024);
        double computeMs = 5;
        List<Pattern> patterns = List.of(Pattern.ALL_TO_ALL, Pattern.RING, Pattern.MESH_2D);
        List<Integer> ks = null;
        double warmup = 1.5;
        int skip = 2;
        double warmupRun = 24;
        Set<String> only = new LinkedHashSet<>(List.of("star", "topk", "mesh", "closed"));
        Boolean closed = null;
        List<String> algorithms = List.of("greedy", "anneal", "topk");
        double clSeconds = 15;
        List<Integer> clSizes = null;
        String timeline = "ring:15,all:15";
        long settle = 1000;
        int vmHosts = 4;
        int vmsPerHost = 2;
        Path repo = Fabric.repo();
        Path out = repo.resolve("integration-tests/benchmarks/target/bench-adapt.md");
        Path png = repo.resolve("integration-tests/benchmarks/target/bench-adapt.png");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                case "--closed-loop" -> {
                    closed = Boolean.TRUE;
                    continue;
                }
                case "--no-closed-loop" -> {
                    closed = Boolean.FALSE;
                    continue;
                }
                default -> {
                }
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": missing value\n" + USAGE);
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--rate-mbit" -> rateMbit = Double.parseDouble(v);
                    case "--seconds" -> seconds = Double.parseDouble(v);
                    case "--sizes" -> sizes = ints(v);
                    case "--compute-ms" -> computeMs = Double.parseDouble(v);
                    case "--patterns" -> {
                        List<Pattern> ps = new ArrayList<>();
                        for (String s : v.split(",")) {
                            ps.add(Pattern.parse(s));
                        }
                        patterns = List.copyOf(ps);
                    }
                    case "--ks" -> ks = ints(v);
                    case "--warmup-seconds" -> warmup = Double.parseDouble(v);
                    case "--skip" -> skip = Integer.parseInt(v);
                    case "--warmup-run-seconds" -> warmupRun = Double.parseDouble(v);
                    case "--only" -> {
                        only = new LinkedHashSet<>();
                        for (String s : v.split(",")) {
                            String t = s.trim().toLowerCase(Locale.ROOT);
                            if (!Set.of("star", "topk", "mesh", "closed").contains(t)) {
                                throw new IllegalArgumentException("--only " + v + ": parts are star, topk, mesh, closed");
                            }
                            only.add(t);
                        }
                    }
                    case "--algorithms" -> algorithms = List.of(v.split(","));
                    case "--closed-loop-seconds" -> clSeconds = Double.parseDouble(v);
                    case "--closed-loop-sizes" -> clSizes = ints(v);
                    case "--timeline" -> timeline = v.equalsIgnoreCase("none") ? null : v;
                    case "--settle-ms" -> settle = Long.parseLong(v);
                    case "--vm-hosts" -> vmHosts = Integer.parseInt(v);
                    case "--vms-per-host" -> vmsPerHost = Integer.parseInt(v);
                    case "--out" -> out = Path.of(v).toAbsolutePath();
                    case "--png" -> png = Path.of(v).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + " " + v + ": not a number\n" + USAGE);
            }
        }
        if (vmHosts < 2 || vmsPerHost < 1) {
            throw new IllegalArgumentException("need --vm-hosts >= 2 and --vms-per-host >= 1");
        }
        if (!(seconds > 0) || !(clSeconds > 0) || rateMbit < 0 || sizes.isEmpty()) {
            throw new IllegalArgumentException("--seconds and --closed-loop-seconds must be > 0, --rate-mbit >= 0,"
                    + " --sizes not empty");
        }
        if (timeline != null) {
            io.vnet.it.patterns.Schedule.parse(timeline); // fail now, not after the other parts
        }
        int pairs = vmHosts * (vmHosts - 1) / 2;
        if (ks == null) {
            List<Integer> all = new ArrayList<>();
            for (int k = 1; k < pairs; k++) {
                all.add(k);
            }
            ks = all;
        }
        for (int k : ks) {
            if (k < 0 || k > pairs) {
                throw new IllegalArgumentException("--ks: k = " + k + " is outside 0.." + pairs + " (host pairs)");
            }
        }
        if (closed == Boolean.TRUE) {
            only.add("closed");
        } else if (closed == Boolean.FALSE) {
            only.remove("closed");
        }
        return new AdaptOptions(Math.round(rateMbit * 1e6), seconds, List.copyOf(sizes), computeMs, patterns, List.copyOf(ks),
                warmup, skip, Set.copyOf(only), closed, List.copyOf(algorithms), clSeconds,
                clSizes == null ? List.of(sizes.get(0)) : List.copyOf(clSizes), timeline, warmupRun, settle, vmHosts,
                vmsPerHost, out, png);
    }

    private static List<Integer> ints(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            int mul = 1;
            if (t.endsWith("k") || t.endsWith("kib")) {
                mul = 1024;
                t = t.substring(0, t.indexOf('k'));
            }
            out.add(Integer.parseInt(t) * mul);
        }
        return List.copyOf(out);
    }

    public boolean runs(String part) {
        return only.contains(part);
    }

    /** The schedule of a run with every pattern, each for {@code seconds}: e.g. {@code all:12,ring:12,mesh:12}. */
    public static String schedule(List<Pattern> patterns, double seconds) {
        StringBuilder b = new StringBuilder();
        for (Pattern p : patterns) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(p.id()).append(':').append(seconds == Math.rint(seconds) ? Long.toString((long) seconds)
                    : Double.toString(seconds));
        }
        return b.toString();
    }
}
