package io.vnet.vadapt.bench;

import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Adapters;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.CostModel;
import io.vnet.vadapt.Demand;
import io.vnet.vadapt.Fixtures;
import io.vnet.vadapt.Overlay;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.Problem;
import io.vnet.vadapt.Underlay;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * VADAPT at scale: wall time of {@code topk}, {@code greedy} and {@code anneal} on random instances
 * of 1000 VMs on 200 hosts. The instances are those of {@code AlgorithmsTest}: a 25 x 40 mesh of
 * 1 MB/s pairs (1935 pairs), hosts of capacity 6, random paths and a random current placement,
 * from a fixed seed (seed 3 is the instance of {@code AlgorithmsTest.thousandVmsOnTwoHundredHosts}).
 * Each algorithm runs {@code --warmup} times per instance, unmeasured (the first of them is shown as
 * "first run": on the first instance, that is a cold JIT), then {@code --runs} times, measured;
 * anneal, whose runs are long, has its own counts. A run is one {@code Adapter.adapt} call, input
 * indexing and the plan (routes, flooding tree) included. Prints a Markdown
 * table: median and max wall time, the median CPU time of the thread (less sensitive to other
 * load on a shared machine), the predicted gain and the objective, a hash of the plan (equal
 * hashes: equal plans, so runs of different code can be compared), and the peak heap in use.
 * Run it on one core: {@code scripts/bench-vadapt.sh}.
 *
 * <pre>
 * options: --seeds 1,2,3  --runs 5  --warmup 2  --algorithms topk,greedy,anneal
 *          --anneal-iterations 20000 (Budget.defaults())  --anneal-runs 3  --anneal-warmup 1
 *          --topk 4  --vms 1000  --hosts 200  --capacity 6  --rows 25  --cols 40
 * </pre>
 */
public final class ScaleBenchmark {
    private ScaleBenchmark() {
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        List<Long> seeds = List.of(1L, 2L, 3L);
        int runs = 5;
        int warmup = 2;
        int annealRuns = 3;
        int annealWarmup = 1;
        List<String> algorithms = List.of("topk", "greedy", "anneal");
        long annealIterations = Budget.defaults().iterations();
        int k = 4;
        int vms = 1000;
        int hosts = 200;
        int capacity = 6;
        int rows = 25;
        int cols = 40;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--seeds" -> seeds = Arrays.stream(need(args[i], v).split(",")).map(Long::parseLong).toList();
                case "--runs" -> runs = Integer.parseInt(need(args[i], v));
                case "--warmup" -> warmup = Integer.parseInt(need(args[i], v));
                case "--anneal-runs" -> annealRuns = Integer.parseInt(need(args[i], v));
                case "--anneal-warmup" -> annealWarmup = Integer.parseInt(need(args[i], v));
                case "--algorithms" -> algorithms = List.of(need(args[i], v).split(","));
                case "--anneal-iterations" -> annealIterations = Long.parseLong(need(args[i], v));
                case "--topk" -> k = Integer.parseInt(need(args[i], v));
                case "--vms" -> vms = Integer.parseInt(need(args[i], v));
                case "--hosts" -> hosts = Integer.parseInt(need(args[i], v));
                case "--capacity" -> capacity = Integer.parseInt(need(args[i], v));
                case "--rows" -> rows = Integer.parseInt(need(args[i], v));
                case "--cols" -> cols = Integer.parseInt(need(args[i], v));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (rows * cols > vms) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " mesh needs " + rows * cols + " VMs");
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("VADAPT scale benchmark: %d VMs on %d hosts (capacity %d), %dx%d mesh of 1 MB/s pairs,"
                        + " seeds %s; per algorithm and instance %d warm-up + %d measured runs (anneal: %d + %d)%n", vms,
                hosts, capacity, rows, cols, seeds, warmup, runs, annealWarmup, annealRuns);
        System.out.printf("JVM: %s %s, %d available processor(s), max heap %d MiB, GC %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), rt.availableProcessors(),
                rt.maxMemory() >> 20, gcNames());
        System.out.println();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("| algorithm | budget | seed | pairs | first run s | runs | median s | max s | median CPU s"
                + " | predicted gain | objective s (iteration + change) | links added | migrations | plan hash"
                + " | peak heap MiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Demand demand = Fixtures.mesh(rows, cols, 1e6);
        for (long seed : seeds) {
            Problem p = instance(demand, vms, hosts, capacity, seed);
            for (String name : algorithms) {
                Adapter a = name.equals("topk") ? Adapters.topK(k) : Adapters.byName(name);
                Budget budget = name.equals("anneal") ? Budget.iterations(annealIterations).withSeed(1)
                        : Budget.defaults();
                String what = switch (name) {
                    case "topk" -> "k = " + k;
                    case "anneal" -> annealIterations + " iterations, seed 1, no time limit";
                    default -> "-";
                };
                int n = name.equals("anneal") ? annealRuns : runs;
                int w = name.equals("anneal") ? annealWarmup : warmup;
                double first = Double.NaN;
                for (int i = 0; i < w; i++) {
                    long t0 = System.nanoTime();
                    a.adapt(p, budget);
                    if (i == 0) {
                        first = (System.nanoTime() - t0) / 1e9;
                    }
                }
                System.gc();
                resetPeaks();
                double[] secs = new double[n];
                double[] cpu = new double[n];
                Plan plan = null;
                int hash = 0;
                for (int i = 0; i < n; i++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    plan = a.adapt(p, budget);
                    secs[i] = (System.nanoTime() - t0) / 1e9;
                    cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
                    if (i > 0 && plan.hashCode() != hash) {
                        throw new IllegalStateException(name + " gave different plans for the same input and seed");
                    }
                    hash = plan.hashCode();
                }
                long peak = peakHeap();
                double max = Arrays.stream(secs).max().orElse(Double.NaN);
                System.out.printf("| %s | %s | %d | %d | %s | %d | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s | %d |%n",
                        name, what, seed, demand.rates().size(), Double.isNaN(first) ? "-" : String.format("%.3f", first),
                        n, median(secs), max, median(cpu),
                        plan == null ? "-" : String.format("%.3f", plan.predictedGain()),
                        plan == null ? "-" : String.format("%.4f (%.4f + %.4f)", plan.objective().total(),
                                plan.objective().iterationSeconds(), plan.objective().changeSeconds()),
                        plan == null ? "-" : plan.objective().linksAdded(),
                        plan == null ? "-" : plan.objective().migrations(),
                        plan == null ? "-" : String.format("%08x", hash), peak >> 20);
            }
        }
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** The instance of {@code AlgorithmsTest.random(d, vms, hosts, capacity, seed)}. */
    static Problem instance(Demand d, int vms, int hosts, int capacity, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Underlay u = Fixtures.underlay(hosts, capacity, rnd);
        return new Problem(d, Fixtures.randomPlacement(vms, hosts, capacity, rnd), u, Overlay.empty(),
                CostModel.defaults(), true);
    }

    private static String gcNames() {
        List<String> l = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(b -> l.add(b.getName()));
        return String.join(", ", l);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum over heap pools of each pool's peak use since the reset, garbage included: an upper bound. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
