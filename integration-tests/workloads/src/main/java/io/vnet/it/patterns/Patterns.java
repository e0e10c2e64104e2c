package io.vnet.it.patterns;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The launcher of the BSP patterns workload: one {@link Rank} JVM per VM namespace, started
 * through {@link Fabric#spawn} (so the fabric stops them by pid), waited for, and their output
 * parsed into per-phase timings.
 *
 * <p>From a test: {@code Patterns.run(fabric, vms, Patterns.Options.of("ring:5,all:5"))}.
 * As one command it builds its own fabric (hosts in a star through the last one, real agents,
 * VMs spread round-robin), runs the workload and tears everything down:
 *
 * <pre>
 * java -cp "integration-tests/workloads/target/classes:$(cat integration-tests/workloads/target/classpath.txt)" -Dvnet.repo=$PWD \
 *     io.vnet.it.patterns.Patterns --schedule ring:10,mesh:10,all:10 [--vms 8] [--test-hosts 3]
 *     [--compute-ms 20] [--message-bytes 16384] [--iterations N] [--grid RxC] [--compute sleep|spin]
 *     [--port 7000] [--timeout-ms 30000] [--print-every 10]
 * </pre>
 * ({@code --pattern ring --seconds 10} is short for {@code --schedule ring:10}.)
 */
public final class Patterns {
    /** The rank JVMs' flags: small, so that 8 ranks fit on a 2-core machine. */
    public static final List<String> RANK_JVM_FLAGS = List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k", "-XX:-UsePerfData");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private Patterns() {
    }

    /** The workload's settings; {@link #of(String)} gives the defaults. */
    public record Options(Schedule schedule, double computeMs, boolean spin, int messageBytes, long iterations, int port,
            Grid grid, long peerTimeoutMs, int printEvery, long runTimeoutMs) {
        /** Compute 20 ms (sleeping), 16 KiB messages, port 7000, peer timeout 30 s, every iteration printed. */
        public static Options of(String schedule) {
            return of(Schedule.parse(schedule));
        }

        public static Options of(Schedule schedule) {
            return new Options(schedule, 20, false, 16 * 1024, 0, Rank.DEFAULT_PORT, null, 30_000, 1, 0);
        }

        public Options withComputeMs(double v) {
            return new Options(schedule, v, spin, messageBytes, iterations, port, grid, peerTimeoutMs, printEvery, runTimeoutMs);
        }

        public Options withSpin(boolean v) {
            return new Options(schedule, computeMs, v, messageBytes, iterations, port, grid, peerTimeoutMs, printEvery, runTimeoutMs);
        }

        public Options withMessageBytes(int v) {
            return new Options(schedule, computeMs, spin, v, iterations, port, grid, peerTimeoutMs, printEvery, runTimeoutMs);
        }

        /** At most this many iterations in all (0: the schedule decides). */
        public Options withIterations(long v) {
            return new Options(schedule, computeMs, spin, messageBytes, v, port, grid, peerTimeoutMs, printEvery, runTimeoutMs);
        }

        public Options withPort(int v) {
            return new Options(schedule, computeMs, spin, messageBytes, iterations, v, grid, peerTimeoutMs, printEvery, runTimeoutMs);
        }

        public Options withGrid(Grid v) {
            return new Options(schedule, computeMs, spin, messageBytes, iterations, port, v, peerTimeoutMs, printEvery, runTimeoutMs);
        }

        /** How long a rank waits for a silent or unreachable peer before it fails. */
        public Options withPeerTimeoutMs(long v) {
            return new Options(schedule, computeMs, spin, messageBytes, iterations, port, grid, v, printEvery, runTimeoutMs);
        }

        public Options withPrintEvery(int v) {
            return new Options(schedule, computeMs, spin, messageBytes, iterations, port, grid, peerTimeoutMs, v, runTimeoutMs);
        }

        /** How long the launcher waits for all ranks before it stops them (0: derived from the schedule). */
        public Options withRunTimeoutMs(long v) {
            return new Options(schedule, computeMs, spin, messageBytes, iterations, port, grid, peerTimeoutMs, printEvery, v);
        }

        /** The launcher's deadline: the schedule's length plus start-up and peer-timeout slack. */
        public long effectiveRunTimeoutMs() {
            if (runTimeoutMs > 0) {
                return runTimeoutMs;
            }
            long counted = iterations > 0 ? Math.min(iterations, schedule.iterations()) : schedule.iterations();
            return 60_000 + peerTimeoutMs + Math.round(schedule.seconds() * 1000) + counted * (Math.round(computeMs) + 200);
        }

        /** The configuration of rank {@code rank} among the VMs at {@code ips}. */
        public Rank.Config rankConfig(int rank, List<String> ips) {
            List<InetSocketAddress> addrs = ips.stream().map(ip -> new InetSocketAddress(ip, port)).toList();
            return new Rank.Config(rank, addrs, schedule, computeMs, spin, messageBytes, iterations, grid, peerTimeoutMs,
                    printEvery);
        }
    }

    /** One rank's process: its exit code (-1 if the launcher had to stop it), log and parsed output. */
    public record RankRun(int rank, Vm vm, int exitCode, boolean timedOut, Path log, RankLog output) {
        public boolean ok() {
            return exitCode == 0 && !timedOut && output.done();
        }
    }

    /** The outcome of a run: every rank's process and output. */
    public record Result(Options options, List<RankRun> ranks, double wallMs) {
        public boolean ok() {
            return ranks.stream().allMatch(RankRun::ok);
        }

        /** Rank 0's output (all ranks run the same iterations, so its timings stand for the run). */
        public RankLog rank0() {
            return ranks.get(0).output();
        }

        /** Rank 0's per-phase totals, in schedule order. */
        public List<RankLog.PhaseTotal> phases() {
            return rank0().phases();
        }

        /** Rank 0's per-iteration times. */
        public List<RankLog.Iteration> iterations() {
            return rank0().iterations();
        }

        /** What went wrong, per failed rank, with the end of its log; empty if all went well. */
        public String failures() {
            StringBuilder b = new StringBuilder();
            for (RankRun r : ranks) {
                if (!r.ok()) {
                    b.append("rank ").append(r.rank()).append(" on ").append(r.vm().name()).append(" (")
                            .append(r.vm().ip()).append("): ")
                            .append(r.timedOut() ? "still running at the deadline, stopped" : "exit " + r.exitCode())
                            .append(r.output().failure() != null ? ": " + r.output().failure() : "")
                            .append("\n  log ").append(r.log()).append(", last lines:\n").append(r.output().tail(8));
                }
            }
            return b.toString();
        }

        /** A table of the phases and the total. */
        public String summary() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "patterns: %d ranks, schedule %s, compute %s ms, messages %d bytes: %s%n",
                    ranks.size(), options.schedule(), options.computeMs(), options.messageBytes(),
                    ok() ? "all ranks exited 0" : "FAILED"));
            for (RankLog.PhaseTotal p : phases()) {
                b.append(String.format(Locale.ROOT,
                        "  phase %d %-5s %5d iterations in %9.1f ms: mean %7.2f ms (min %.2f, max %.2f), exchange %.2f ms,"
                                + " barrier %.2f ms%n", p.index(), p.pattern().id(), p.iterations(), p.timeMs(), p.meanMs(),
                        p.minMs(), p.maxMs(), p.commMeanMs(), p.syncMeanMs()));
            }
            RankLog r0 = rank0();
            if (r0.totalIterations() >= 0) {
                b.append(String.format(Locale.ROOT, "  total %d iterations in %.1f ms (launch to exit %.1f ms)%n",
                        r0.totalIterations(), r0.totalMs(), wallMs));
            } else {
                b.append(String.format(Locale.ROOT, "  no totals: rank 0 did not finish (%d iterations printed;"
                        + " launch to exit %.1f ms)%n", r0.iterations().size(), wallMs));
            }
            return b.toString();
        }
    }

    /** Runs the workload with these options on {@code vms} (rank i on vms.get(i)). */
    public static Result run(Fabric fabric, List<Vm> vms, Options o) throws IOException, InterruptedException {
        return run(fabric, vms, o, null);
    }

    /** As {@link #run(Fabric, List, Options)}; {@code schedule} as in {@link Schedule#parse(String)}. */
    public static Result run(Fabric fabric, List<Vm> vms, String schedule, double computeMs, int messageBytes)
            throws IOException, InterruptedException {
        return run(fabric, vms, Options.of(schedule).withComputeMs(computeMs).withMessageBytes(messageBytes), null);
    }

    /**
     * Runs the workload; if {@code echo} is not null, rank 0's output is copied to it as it comes.
     * Returns when every rank has exited, or at the deadline ({@link Options#effectiveRunTimeoutMs()},
     * or twice the peer timeout plus 5 s after the first rank failed), when the ranks still
     * running are stopped and reported.
     */
    public static Result run(Fabric fabric, List<Vm> vms, Options o, PrintStream echo)
            throws IOException, InterruptedException {
        if (vms.isEmpty()) {
            throw new IllegalArgumentException("no VMs to run ranks in");
        }
        List<String> ips = vms.stream().map(Vm::ip).toList();
        for (int i = 0; i < vms.size(); i++) {
            o.rankConfig(i, ips); // validate before starting anything
        }
        int run = RUNS.incrementAndGet();
        long start = System.nanoTime();
        List<Process> procs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            Path log = fabric.workDir().resolve("patterns" + run + "-rank" + i + ".log");
            procs.add(fabric.spawn(vms.get(i).ns(), rankCommand(o.rankConfig(i, ips)), log));
            logs.add(log);
        }
        long deadline = start + o.effectiveRunTimeoutMs() * 1_000_000L;
        long echoed = 0;
        boolean failedSeen = false;
        while (procs.stream().anyMatch(Process::isAlive) && System.nanoTime() - deadline < 0) {
            if (!failedSeen && procs.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 0)) {
                // a rank failed: the others fail within their peer timeouts; a hung one is stopped after that
                failedSeen = true;
                deadline = Math.min(deadline, System.nanoTime() + (2 * o.peerTimeoutMs() + 5_000) * 1_000_000L);
            }
            // the last rank may exit between the loop's test and here: then there is nothing to wait for
            Optional<Process> running = procs.stream().filter(Process::isAlive).findFirst();
            if (running.isPresent()) {
                running.get().waitFor(200, TimeUnit.MILLISECONDS);
            }
            if (echo != null) {
                echoed = echo(logs.get(0), echoed, echo, false);
            }
        }
        if (echo != null) {
            echo(logs.get(0), echoed, echo, true);
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        List<RankRun> out = new ArrayList<>();
        for (int i = 0; i < procs.size(); i++) {
            Process p = procs.get(i);
            boolean timedOut = p.isAlive();
            if (timedOut) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            int exit = p.isAlive() ? -1 : p.exitValue();
            String text = Files.exists(logs.get(i)) ? Files.readString(logs.get(i)) : "";
            out.add(new RankRun(i, vms.get(i), timedOut ? -1 : exit, timedOut, logs.get(i), RankLog.parse(text)));
        }
        return new Result(o, List.copyOf(out), wallMs);
    }

    /** Copies the complete new lines of {@code log} from byte {@code from}; returns the new offset. */
    private static long echo(Path log, long from, PrintStream to, boolean all) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (len <= from) {
                return from;
            }
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            int end = b.length;
            if (!all) {
                while (end > 0 && b[end - 1] != '\n') {
                    end--;
                }
            }
            if (end > 0) {
                String s = new String(b, 0, end, StandardCharsets.UTF_8);
                s.lines().forEach(l -> to.println("  rank 0| " + l));
                to.flush();
            }
            return from + end;
        } catch (IOException e) {
            return from;
        }
    }

    /** The command that runs one rank: this JVM's java, the small flags, the classes of this package. */
    public static List<String> rankCommand(Rank.Config c) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(RANK_JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(rankClasspath());
        cmd.add(Rank.class.getName());
        cmd.addAll(c.toArgs());
        return cmd;
    }

    /**
     * Where the rank's classes are: the directory or jar this class came from (the rank needs
     * only the JDK and this package), else this JVM's class path.
     */
    public static String rankClasspath() {
        try {
            Path p = Path.of(Rank.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.exists(p)) {
                return p.toString();
            }
        } catch (Exception ignored) {
            // fall back
        }
        return System.getProperty("java.class.path");
    }

    // ---------------------------------------------------------------- one command

    public static void main(String[] args) throws Exception {
        int vmCount = 8;
        int hostCount = 3;
        int vni = 300;
        List<String> rankArgs = new ArrayList<>();
        String schedule = null;
        String pattern = null;
        double seconds = 10;
        Options o;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    usage(null);
                }
                if (i + 1 >= args.length) {
                    usage(a + ": missing value");
                }
                String v = args[++i];
                switch (a) {
                    case "--vms" -> vmCount = Integer.parseInt(v);
                    case "--test-hosts" -> hostCount = Integer.parseInt(v);
                    case "--vni" -> vni = Integer.parseInt(v);
                    case "--schedule" -> schedule = v;
                    case "--pattern" -> pattern = v;
                    case "--seconds" -> seconds = Double.parseDouble(v);
                    default -> {
                        rankArgs.add(a);
                        rankArgs.add(v);
                    }
                }
            }
            if ((schedule == null) == (pattern == null)) {
                usage("give either --schedule or --pattern");
            }
            Schedule s = schedule != null ? Schedule.parse(schedule)
                    : Schedule.of(Schedule.Phase.seconds(Pattern.parse(pattern), seconds));
            o = Options.of(s).withPrintEvery(10);
            for (int i = 0; i < rankArgs.size(); i += 2) {
                String a = rankArgs.get(i);
                String v = rankArgs.get(i + 1);
                o = switch (a) {
                    case "--compute-ms" -> o.withComputeMs(Double.parseDouble(v));
                    case "--compute" -> o.withSpin(switch (v) {
                        case "spin" -> true;
                        case "sleep" -> false;
                        default -> throw new IllegalArgumentException("--compute " + v + ": expected sleep or spin");
                    });
                    case "--message-bytes" -> o.withMessageBytes(Integer.parseInt(v));
                    case "--iterations" -> o.withIterations(Long.parseLong(v));
                    case "--port" -> o.withPort(Integer.parseInt(v));
                    case "--grid" -> o.withGrid(Grid.parse(v));
                    case "--timeout-ms" -> o.withPeerTimeoutMs(Long.parseLong(v));
                    case "--print-every" -> o.withPrintEvery(Integer.parseInt(v));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                };
            }
            if (vmCount < 1 || hostCount < 1 || hostCount > 26) {
                throw new IllegalArgumentException("need --vms >= 1 and 1 <= --test-hosts <= 26");
            }
            List<String> fake = new ArrayList<>();
            for (int i = 0; i < vmCount; i++) {
                fake.add("10.0.0." + (i + 1));
            }
            o.rankConfig(0, fake); // validates, e.g. the grid for the VM count
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }

        boolean ok;
        List<String> created;
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            System.out.printf("== %d test hosts in a star through the last one, %d VMs on network %d (network namespaces)%n",
                    hostCount, vmCount, vni);
            List<Host> hosts = new ArrayList<>();
            for (int h = 0; h < hostCount; h++) {
                hosts.add(fabric.addHost("h" + (char) ('a' + h)));
            }
            List<Vm> vms = new ArrayList<>();
            for (int i = 0; i < vmCount; i++) {
                vms.add(fabric.addVm(hosts.get(i % hostCount), "p" + i, vni, 1500));
            }
            for (int i = 0; i < vmCount; i++) {
                System.out.println("  rank " + i + ": VM " + vms.get(i));
            }
            System.out.println("== Starting the VNET agent in each host");
            List<AgentProcess> agents = startStar(fabric, hosts, vni);
            System.out.println("  agent logs and rank logs in " + fabric.workDir());
            System.out.printf("== Running the patterns workload: schedule %s, compute %s ms (%s), messages %d bytes%n",
                    o.schedule(), o.computeMs(), o.spin() ? "spin" : "sleep", o.messageBytes());
            Result r = run(fabric, vms, o, System.out);
            System.out.println();
            System.out.print(r.summary());
            ok = r.ok();
            if (!ok) {
                System.out.print(r.failures());
            }
            System.out.println("== Link counters of the agents");
            for (AgentProcess ag : agents) {
                for (JsonNode st : ag.op("stats")) {
                    if (st.path("kind").asText().equals("link")) {
                        System.out.printf("  %s link %-7s out %,14d bytes %,9d frames   in %,14d bytes %,9d frames%n",
                                ag.host().name(), st.path("id").asText(), st.path("bytesOut").asLong(),
                                st.path("framesOut").asLong(), st.path("bytesIn").asLong(), st.path("framesIn").asLong());
                    }
                }
            }
            created = fabric.namespaces();
            System.out.println("== Tearing down: ranks and agents stopped by pid, namespaces deleted");
        }
        String left = Sh.run("ip", "netns", "list").out();
        long leftovers = created.stream().filter(left::contains).count();
        System.out.println("  " + created.size() + " namespaces created, " + leftovers + " left behind");
        System.out.println(ok ? "patterns OK" : "patterns FAILED");
        System.exit(ok && leftovers == 0 ? 0 : 1);
    }

    /**
     * Starts the agents of a star: every host but the last dials the last one with a flooding
     * link {@code to-<center>}; the center accepts them as {@code from-<host>}. Waits for the links.
     */
    public static List<AgentProcess> startStar(Fabric fabric, List<Host> hosts, int vni) throws IOException, InterruptedException {
        return startStar(fabric, hosts, vni, UnaryOperator.identity());
    }

    /** As {@link #startStar(Fabric, List, int)}, with {@code more} applied to every agent's configuration. */
    public static List<AgentProcess> startStar(Fabric fabric, List<Host> hosts, int vni,
                                               UnaryOperator<AgentConfigBuilder> more) throws IOException, InterruptedException {
        List<AgentProcess> agents = new ArrayList<>();
        Host center = hosts.get(hosts.size() - 1);
        var cc = forHost(center).role("proxy").network(vni, 1500);
        for (Host h : hosts.subList(0, hosts.size() - 1)) {
            cc.accept("from-" + h.name(), h.name(), true);
        }
        AgentProcess centerAgent = fabric.startAgent(center, more.apply(cc).build());
        for (Host h : hosts.subList(0, hosts.size() - 1)) {
            agents.add(fabric.startAgent(h, more.apply(forHost(h).network(vni, 1500)
                    .dial("to-" + center.name(), center, true)).build()));
        }
        for (AgentProcess a : agents) {
            a.awaitLinkUp("to-" + center.name(), 10_000);
        }
        agents.add(centerAgent);
        return agents;
    }

    /** The first UDP port of {@link #startKernelStar}'s links: host i's spoke uses this + i. */
    public static final int KERNEL_STAR_PORT = 4800;

    /**
     * Starts the agents of a star whose links take the kernel path (issue 16, item 7): the last host
     * is a host agent with the network's bridge (no VM needed), every other host has a flooding VXLAN
     * link to it on a UDP port of its own ({@link #KERNEL_STAR_PORT} + i), both ends {@code
     * kernelPath}. VXLAN links have no connection to wait for.
     */
    public static List<AgentProcess> startKernelStar(Fabric fabric, List<Host> hosts, int vni, int mtu,
                                                     UnaryOperator<AgentConfigBuilder> more) throws IOException {
        List<AgentProcess> agents = new ArrayList<>();
        Host center = hosts.get(hosts.size() - 1);
        var cc = forHost(center).vxlanListen(center).flag("kernelPath", true).network(vni, mtu);
        for (int i = 0; i < hosts.size() - 1; i++) {
            Host h = hosts.get(i);
            cc.vxlan("from-" + h.name(), h, KERNEL_STAR_PORT + i, true);
            agents.add(fabric.startAgent(h, more.apply(forHost(h).vxlanListen(h).flag("kernelPath", true)
                    .network(vni, mtu).vxlan("to-" + center.name(), center, KERNEL_STAR_PORT + i, true)).build()));
        }
        agents.add(fabric.startAgent(center, more.apply(cc).build()));
        return agents;
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("patterns: " + problem);
        }
        System.err.println("usage: Patterns (--schedule ring:10,mesh:10,all:10 | --pattern P [--seconds S]) [--vms 8]"
                + " [--test-hosts 3] [--compute-ms 20] [--compute sleep|spin] [--message-bytes 16384] [--iterations N]"
                + " [--grid RxC] [--port 7000] [--timeout-ms 30000] [--print-every 10] [--vni 300]\n"
                + "  patterns: ring, mesh, torus, all, tree, bcast; a length is seconds (10, 2.5s) or iterations (300it)");
        System.exit(problem == null ? 0 : 2);
    }
}
