package io.vnet.it.bench;

import io.vnet.it.bench.report.MpiReport;
import io.vnet.it.machine.Machine;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real parallel application over the overlay: Debian's OpenMPI running the tests' MPI program
 * ({@code integration-tests/workloads/src/main/mpi/exchange.c}) with 8 ranks, one per VM, on 4 hosts (rank r
 * on host r mod 4), over three networks of the same VMs: the agents' star through the proxy
 * (mutual TLS, the default), a kernel VXLAN star of the same shape (each host joined to a hub by its
 * own VXLAN spoke, bridged at the hub), and all eight VMs on one Linux bridge (the ceiling).
 *
 * <p>OpenMPI runs as its users run it over TCP: {@code --mca btl tcp,self} (no shared memory, so
 * ranks on one host talk through the network too), {@code --mca mpi_yield_when_idle 1}, default
 * collective algorithms, mpirun in rank 0's VM and each rank's daemon started in its VM by a
 * {@code plm_rsh_agent} that enters the VM's namespace. Compute is a sleep, so that ranks sharing
 * this machine's two cores do not starve each other, the agents or the kernel. On the agents'
 * star the agents' pair counters must see at least 90% of the bytes the ranks send: nothing may
 * bypass the overlay.
 *
 * <p>Usage: {@code MpiBenchmark [--iterations N] [--warmup-iterations N] [--message-bytes B] [--compute-ms MS]
 * [--patterns ring,mesh,alltoall] [--path bridge,vxlan,agents,agents-kernel] [--out FILE]} (run by
 * {@code scripts/bench-mpi.sh}).
 */
public final class MpiBenchmark {
    public static final int VNI = 100;
    public static final int HOSTS = 4;
    public static final int RANKS = 8;
    public static final int MTU = 1450;
    /** Iterations left out of the statistics: the ranks' connections are made in the first ones. */
    public static final int SKIP = 5;

    /** The network the ranks' VMs share. */
    public enum Network {
        BRIDGE("bridge", "one Linux bridge (all VMs on one host): the ceiling"),
        KERNEL_VXLAN("vxlan", "kernel VXLAN star (a spoke per host, bridged at the hub)"),
        AGENTS("agents", "the agents' star through the proxy (mutual TLS, the default)"),
        AGENTS_KERNEL("agents-kernel", "the agents' star, VXLAN links on the kernel path (prototype; hub: a host agent)");

        final String id;
        public final String label;

        Network(String id, String label) {
            this.id = id;
            this.label = label;
        }

        static Network byId(String id) {
            for (Network p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown path '" + id + "': bridge, vxlan, agents or agents-kernel");
        }
    }

    /** The settings of a run. */
    public record Options(int iterations, int messageBytes, int computeMs, List<String> patterns, List<Network> paths,
            Path out, int warmupIterations) {
        public static Options defaults(Path repo) {
            return new Options(100, 65536, 10, List.of("ring", "mesh", "alltoall"), List.of(Network.values()),
                    repo.resolve("integration-tests/benchmarks/target/bench-mpi.md"), 100);
        }
    }

    /**
     * One pattern over one path: each iteration's time (the slowest rank's, seconds), what the
     * ranks sent to each other, and what the agents counted meanwhile (-1 where no agent counts).
     */
    public record Run(Network path, String pattern, double[] seconds, long bytesSent, long bytesCounted) {
        /** The iterations after the first {@link #SKIP}. */
        double[] steady() {
            return seconds.length > SKIP ? Arrays.copyOfRange(seconds, SKIP, seconds.length) : seconds;
        }

        public double mean() {
            return Arrays.stream(steady()).average().orElse(Double.NaN);
        }

        public double p95() {
            double[] s = steady().clone();
            Arrays.sort(s);
            return s.length == 0 ? Double.NaN : s[(int) Math.ceil(0.95 * s.length) - 1];
        }

        public double max() {
            return Arrays.stream(steady()).max().orElse(Double.NaN);
        }

        /** What the agents counted per byte the ranks sent (NaN where no agent counts). */
        public double counted() {
            return bytesCounted < 0 ? Double.NaN : (double) bytesCounted / bytesSent;
        }
    }

    private MpiBenchmark() {
    }

    /** Compiles the MPI program with mpicc into {@code dir} (once per run). */
    public static Path compile(Path repo, Path dir) throws IOException, InterruptedException {
        Path src = repo.resolve("integration-tests/workloads/src/main/mpi/exchange.c");
        Path bin = dir.resolve("exchange");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mpicc", "-O2", "-Wall", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("mpicc failed on " + src + ":\n" + out);
        }
        return bin;
    }

    /** Builds the VMs and the path on a fresh fabric and runs every pattern over it. */
    public static List<Run> run(Network path, Options o, Path program) throws IOException, InterruptedException {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            List<Host> hosts = new ArrayList<>();
            for (int i = 1; i <= (path == Network.BRIDGE ? 1 : HOSTS); i++) {
                hosts.add(fabric.addHost("h" + i));
            }
            // rank r on host r mod 4: h1a h2a h3a h4a h1b h2b h3b h4b (one host for the bridge)
            List<Vm> ranks = new ArrayList<>();
            for (int r = 0; r < RANKS; r++) {
                Host h = hosts.get(r % hosts.size());
                ranks.add(fabric.addVm(h, "h" + (r % HOSTS + 1) + (char) ('a' + r / HOSTS), VNI, MTU));
            }
            List<AgentProcess> agents = List.of();
            List<AgentProcess> allAgents = List.of();
            if (path == Network.AGENTS) {
                Host hub = fabric.addHost("px");
                List<Host> all = new ArrayList<>(hosts);
                all.add(hub);
                allAgents = Patterns.startStar(fabric, all, VNI, Testbeds::benchSettings);
                agents = allAgents.subList(0, hosts.size()); // the hub carries no VM: it counts nothing
            } else if (path == Network.AGENTS_KERNEL) {
                Host hub = fabric.addHost("px");
                List<Host> all = new ArrayList<>(hosts);
                all.add(hub);
                allAgents = Patterns.startKernelStar(fabric, all, VNI, MTU, Testbeds::benchSettings);
                agents = allAgents.subList(0, hosts.size());
            } else if (path == Network.KERNEL_VXLAN) {
                Host hub = fabric.addHost("px");
                FairnessBenchmark.kernelStar(fabric, hosts, hub);
            }
            for (int r = 1; r < RANKS; r++) {
                PingProbe.awaitPath(ranks.get(0), ranks.get(r), 30_000, path.label);
            }
            Path agent = rshAgent(fabric, ranks);
            Path hostfile = hostfile(fabric, ranks);
            List<AgentProcess> watched = allAgents;
            Diagnosis diagnosis = () -> diagnose(watched, ranks);
            List<Run> runs = new ArrayList<>();
            if (o.warmupIterations() > 0) {
                // every path alike: the ranks' connections, the agents' JIT (a long-running agent is compiled)
                Options warm = new Options(o.warmupIterations(), o.messageBytes(), o.computeMs(), o.patterns(), o.paths(),
                        o.out(), 0);
                for (String pattern : o.patterns()) {
                    mpirun(fabric, ranks.get(0), agent, hostfile, program, pattern, warm, diagnosis);
                }
            }
            for (String pattern : o.patterns()) {
                long before = counted(agents);
                Map<String, Long> dropsBefore = drops(allAgents);
                JsonNode result = mpirun(fabric, ranks.get(0), agent, hostfile, program, pattern, o, diagnosis);
                long after = counted(agents);
                Map<String, Long> dropped = drops(allAgents);
                dropsBefore.forEach((k, v) -> dropped.merge(k, -v, Long::sum));
                dropped.values().removeIf(v -> v == 0);
                double[] seconds = new double[result.path("seconds").size()];
                for (int i = 0; i < seconds.length; i++) {
                    seconds[i] = result.path("seconds").get(i).asDouble();
                }
                if (FairnessBenchmark.DIAGNOSE) {
                    System.out.println("== iteration times: " + result.path("seconds") + "\n" + diagnosis.now());
                }
                Run run = new Run(path, pattern, seconds, result.path("bytesSent").asLong(),
                        agents.isEmpty() ? -1 : after - before);
                System.out.println(String.format(Locale.ROOT, "  %-9s mean %.1f ms, p95 %.1f ms, max %.1f ms%s", pattern,
                        run.mean() * 1e3, run.p95() * 1e3, run.max() * 1e3, agents.isEmpty() ? ""
                                : String.format(Locale.ROOT, ", the agents counted %.2f of the bytes sent, dropped %s",
                                run.counted(), dropped)));
                runs.add(run);
            }
            return runs;
        }
    }

    /**
     * What is worth knowing when a run is slow or hangs: what the agents dropped and logged (not
     * INFO, the last 20 lines each), and each rank's TCP retransmissions and connections.
     */
    public static String diagnose(List<AgentProcess> agents, List<Vm> ranks) throws IOException {
        StringBuilder d = new StringBuilder("the agents' drops so far: " + drops(agents) + "\n");
        for (AgentProcess a : agents) {
            List<String> lines = a.logText().lines().filter(l -> !l.contains(" INFO ") && !l.contains("INFO:")).toList();
            d.append("== log of ").append(a.host().name()).append(" (not INFO, last 20):\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()))).append('\n');
        }
        for (Vm v : ranks) {
            d.append(v.name()).append(": ").append(Sh.run("ip", "netns", "exec", v.ns(), "nstat", "-az", "TcpRetransSegs",
                    "TcpExtTCPTimeouts", "TcpExtTCPLossProbes").out().replaceAll("\\s+", " "))
                    .append(" | ").append(Sh.run("ip", "netns", "exec", v.ns(), "ss", "-tinH").out().replaceAll("\\s+", " "))
                    .append('\n');
        }
        return d.toString();
    }

    /** The frames the agents have dropped so far, by "port/reason" (every port of every agent). */
    public static Map<String, Long> drops(List<AgentProcess> agents) throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (AgentProcess a : agents) {
            for (JsonNode port : a.op("stats")) {
                port.path("drops").fields().forEachRemaining(e -> out.merge(a.host().name() + " " + port.path("kind").asText()
                        + ":" + port.path("id").asText() + " " + e.getKey(), e.getValue().asLong(), Long::sum));
            }
        }
        return out;
    }

    /** The bytes of every VM pair the agents have counted so far (frames entering the overlay, and same-host pairs). */
    public static long counted(List<AgentProcess> agents) throws IOException {
        long sum = 0;
        for (AgentProcess a : agents) {
            for (JsonNode p : a.op("pairs")) {
                sum += p.path("bytes").asLong();
            }
        }
        return sum;
    }

    /**
     * OpenMPI's {@code plm_rsh_agent}: called as {@code AGENT VM COMMAND...}, it runs the daemon's
     * command line in that VM's namespace, as ssh would run it on a remote host.
     */
    public static Path rshAgent(Fabric fabric, List<Vm> vms) throws IOException {
        StringBuilder s = new StringBuilder("#!/bin/sh\n# OpenMPI's plm_rsh_agent for the test VMs: AGENT VM COMMAND...\n"
                + "vm=$1\nshift\ncase \"$vm\" in\n");
        for (Vm v : vms) {
            s.append("  ").append(v.name()).append(") ns=").append(v.ns()).append(" ;;\n");
        }
        Path log = fabric.workDir().resolve("mpi-rsh.log");
        s.append("  *) echo \"mpi-rsh: no test VM $vm\" >&2; exit 1 ;;\nesac\n")
                .append("echo \"$(date +%T.%N) $vm: start $$\" >> ").append(log).append('\n')
                // every VM here has the host name "vm": each daemon gets a session directory of its own, or two
                // of them starting at once clash on /tmp/ompi.vm.0/jf.N ("File exists")
                .append("tmp=").append(fabric.workDir().resolve("mpi-tmp")).append("/$vm\nmkdir -p \"$tmp\"\n")
                .append("ip netns exec \"$ns\" env OMPI_MCA_orte_tmpdir_base=\"$tmp\" /bin/sh -c \"$*\"\nrc=$?\n")
                .append("echo \"$(date +%T.%N) $vm: exit $rc\" >> ").append(log).append("\nexit $rc\n");
        Path p = fabric.workDir().resolve("mpi-rsh");
        Files.writeString(p, s);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    public static List<String> mpirunCommand(Path agent, Path hostfile, Path program, String pattern, Options o) {
        return mpirunCommand(agent, hostfile, RANKS, program, List.of(pattern, Integer.toString(o.iterations()),
                Integer.toString(o.messageBytes()), Integer.toString(o.computeMs())));
    }

    /** mpirun as this project runs it (see the class comment): {@code ranks} ranks of {@code program args}. */
    public static List<String> mpirunCommand(Path agent, Path hostfile, int ranks, Path program, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--hostfile", hostfile.toString(),
                "-np", Integer.toString(ranks),
                "--bind-to", "none", "--mca", "plm_rsh_agent", agent.toString(), "--mca", "plm_rsh_no_tree_spawn", "1",
                "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "eth0", "--mca", "oob_tcp_if_include", "eth0",
                "--mca", "mpi_yield_when_idle", "1", "--mca", "orte_startup_timeout", Integer.toString(STARTUP_TIMEOUT_S),
                // the daemons stay children of their launcher (no --daemonize): their errors reach the log
                "--mca", "orte_leave_session_attached", "1",
                program.toString()));
        cmd.addAll(args);
        return cmd;
    }

    /** A hostfile of one slot per VM, in rank order. */
    public static Path hostfile(Fabric fabric, List<Vm> ranks) throws IOException {
        Path hostfile = fabric.workDir().resolve("mpi-hosts");
        StringBuilder hf = new StringBuilder();
        for (Vm v : ranks) {
            hf.append(v.name()).append(" slots=1\n");
        }
        Files.writeString(hostfile, hf);
        return hostfile;
    }

    /** {@link #diagnose} for the run at hand. */
    public interface Diagnosis {
        String now() throws IOException;
    }

    /** Launches that fail to start all their daemons are tried again, at most this many times in all. */
    public static final int LAUNCH_ATTEMPTS = 3;
    /** Seconds OpenMPI waits for its daemons to start and the job to launch ({@code orte_startup_timeout}). */
    public static final int STARTUP_TIMEOUT_S = 30;

    /**
     * Runs one pattern. Now and then (about one launch in ten here, on every kind of path, the
     * kernel star included) one of OpenMPI's daemons dies of a segmentation fault in hwloc's
     * topology discovery as it starts ({@code hwloc_alloc_setup_object}); daemonized, it left
     * mpirun waiting for ever, so the daemons stay attached and the launch fails at once; it is
     * tried again, said on the console.
     */
    public static JsonNode mpirun(Fabric fabric, Vm from, Path agent, Path hostfile, Path program, String pattern, Options o,
                           Diagnosis diagnosis) throws IOException, InterruptedException {
        return mpirun(fabric, from, mpirunCommand(agent, hostfile, program, pattern, o), pattern,
                STARTUP_TIMEOUT_S + 120 + (long) o.iterations() * (o.computeMs() + 2000) / 1000, diagnosis);
    }

    /**
     * Runs {@code command} (an {@link #mpirunCommand}) in {@code from}'s namespace and returns rank 0's JSON; its
     * log is {@code mpirun-LABEL-ATTEMPT.log} in the fabric's directory. A run that has not ended
     * after {@code limit} seconds is killed (with its process tree) and fails.
     */
    public static JsonNode mpirun(Fabric fabric, Vm from, List<String> command, String label, long limit,
                                  Diagnosis diagnosis) throws IOException, InterruptedException {
        String out = launch(fabric, from, command, label, limit, diagnosis, "exchange:");
        for (String line : out.split("\n")) {
            if (line.startsWith("{\"pattern\"")) {
                return io.vnet.protocol.Json.MAPPER.readTree(line);
            }
        }
        throw new IllegalStateException("mpirun " + label + " ended without rank 0's result:\n" + out);
    }

    /**
     * Runs {@code command} (an {@link #mpirunCommand}) in {@code from}'s namespace and returns its
     * output once it exited 0; its log is {@code mpirun-LABEL-ATTEMPT.log} in the fabric's directory.
     * A run that has not ended after {@code limit} seconds is killed (with its process tree) and
     * fails. A run that failed with no word from the program itself (no {@code programMarker} in its
     * output: OpenMPI's launch failed) is tried again, at most {@link #LAUNCH_ATTEMPTS} times.
     */
    public static String launch(Fabric fabric, Vm from, List<String> command, String label, long limit,
                                Diagnosis diagnosis, String programMarker) throws IOException, InterruptedException {
        String pattern = label;
        for (int attempt = 1; ; attempt++) {
            Path log = fabric.workDir().resolve("mpirun-" + pattern + "-" + attempt + ".log");
            Process p = fabric.spawn(from.ns(), command, log);
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                List<ProcessHandle> tree = p.descendants().toList();
                Path rshLog = fabric.workDir().resolve("mpi-rsh.log");
                System.err.println(diagnosis.now() + "\nthe rsh agent's log:\n"
                        + (Files.exists(rshLog) ? Files.readString(rshLog) : "(none)"));
                p.destroyForcibly();
                tree.forEach(ProcessHandle::destroyForcibly);
                throw new IllegalStateException("mpirun " + pattern + " did not end within " + limit + " s:\n"
                        + Files.readString(log));
            }
            String out = Files.readString(log);
            if (p.exitValue() == 0) {
                return out;
            }
            // the program itself never failed here; anything else is OpenMPI's launch (whatever its words)
            boolean notStarted = !out.contains(programMarker);
            if (!notStarted || attempt >= LAUNCH_ATTEMPTS) {
                throw new IllegalStateException("mpirun " + pattern + " failed (exit " + p.exitValue() + ", attempt "
                        + attempt + "):\n" + out);
            }
            System.out.println("  (" + pattern + ": OpenMPI's launch failed (its daemons did not all start within "
                    + STARTUP_TIMEOUT_S + " s?), launching again: " + out.lines().filter(l -> !l.isBlank() && !l.contains("setpgid") && !l.startsWith("---")).limit(6).toList()
                    + ")");
        }
    }

    public static Run find(Map<Network, List<Run>> results, Network p, String pattern) {
        return results.getOrDefault(p, List.of()).stream().filter(r -> r.pattern().equals(pattern)).findFirst().orElse(null);
    }

    public static String openMpiVersion() {
        Sh.Result r = Sh.run("mpirun", "--version");
        String first = r.out().lines().findFirst().orElse("?");
        return first.replace("mpirun (Open MPI) ", "");
    }

    public static Options parse(String[] args, Path repo) {
        Options o = Options.defaults(repo);
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[++i];
            o = switch (args[i - 1]) {
                case "--iterations" -> new Options(atLeast(v, SKIP + 2), o.messageBytes(), o.computeMs(), o.patterns(), o.paths(), o.out(), o.warmupIterations());
                case "--warmup-iterations" -> new Options(o.iterations(), o.messageBytes(), o.computeMs(), o.patterns(), o.paths(), o.out(), atLeast(v, 0));
                case "--message-bytes" -> new Options(o.iterations(), atLeast(v, 1), o.computeMs(), o.patterns(), o.paths(), o.out(), o.warmupIterations());
                case "--compute-ms" -> new Options(o.iterations(), o.messageBytes(), atLeast(v, 0), o.patterns(), o.paths(), o.out(), o.warmupIterations());
                case "--patterns" -> new Options(o.iterations(), o.messageBytes(), o.computeMs(), patterns(v), o.paths(), o.out(), o.warmupIterations());
                case "--path" -> new Options(o.iterations(), o.messageBytes(), o.computeMs(), o.patterns(),
                        Arrays.stream(v.split(",")).map(String::trim).map(Network::byId).toList(), o.out(), o.warmupIterations());
                case "--out" -> new Options(o.iterations(), o.messageBytes(), o.computeMs(), o.patterns(), o.paths(), Path.of(v), o.warmupIterations());
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
            };
        }
        return o;
    }

    private static List<String> patterns(String v) {
        List<String> out = new ArrayList<>();
        for (String p : v.split(",")) {
            String t = p.trim();
            if (!List.of("ring", "mesh", "alltoall").contains(t)) {
                throw new IllegalArgumentException("unknown pattern '" + t + "': ring, mesh or alltoall");
            }
            out.add(t);
        }
        return out;
    }

    private static int atLeast(String v, int min) {
        int n = Integer.parseInt(v);
        if (n < min) {
            throw new IllegalArgumentException(v + " is below " + min);
        }
        return n;
    }

    public static Map<Network, List<Run>> runAll(Options o) throws IOException, InterruptedException {
        Path program = compile(Fabric.repo(), Fabric.repo().resolve("integration-tests/benchmarks/target/mpi"));
        Map<Network, List<Run>> results = new LinkedHashMap<>();
        for (Network p : o.paths()) {
            System.out.println("measuring " + p.label + " ...");
            results.put(p, run(p, o, program));
        }
        return results;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args, Fabric.repo());
        } catch (IllegalArgumentException e) {
            System.err.println("MpiBenchmark: " + e.getMessage() + "\nusage: MpiBenchmark [--iterations 100]"
                    + " [--warmup-iterations 100] [--message-bytes 65536] [--compute-ms 10] [--patterns ring,mesh,alltoall]"
                    + " [--path bridge,vxlan,agents,agents-kernel] [--out FILE]");
            System.exit(2);
            return;
        }
        Map<Network, List<Run>> results = runAll(o);
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(System.getProperty("vnet.bench.command", "MpiBenchmark")).append("`\n\n");
        md.append("Machine: ").append(Machine.describe("mpirun")).append("\n\n");
        md.append(MpiReport.table(o, results, openMpiVersion()));
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), md);
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + o.out() + ")");
    }
}
