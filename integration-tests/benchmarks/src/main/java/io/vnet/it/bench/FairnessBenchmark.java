package io.vnet.it.bench;

import io.vnet.it.bench.report.FairnessReport;
import io.vnet.it.machine.Machine;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many flows at once through a star: four hosts around a hub (the agents' proxy, or a kernel
 * VXLAN hub of the same shape), two VMs per host, and eight concurrent iperf3 TCP flows between
 * VMs on different hosts, each host sending two and receiving two (VM a of host i to VM b of host
 * i+1, VM b of host i to VM a of host i+2). Measures how evenly the flows share the star (Jain's
 * fairness index over the run and in every 1 s interval), the aggregate against one flow alone,
 * and a ping across the star under that load (10 a second, from a VM of host 1 to one of host 3).
 *
 * <p>Usage: {@code FairnessBenchmark [--seconds N] [--path agents,vxlan] [--out FILE]} (run by
 * {@code scripts/bench-fairness.sh}).
 */
public final class FairnessBenchmark {
    public static final int VNI = 100;
    public static final int HOSTS = 4;
    public static final int MTU = 1450;

    /** Which star carries the flows. */
    public enum Star {
        AGENTS("agents", "the agents' star through the proxy (mutual TLS, the default)"),
        AGENTS_KERNEL("agents-kernel", "the agents' star, VXLAN links on the kernel path (prototype; hub: a host agent)"),
        KERNEL_VXLAN("vxlan", "kernel VXLAN star: one VXLAN spoke per host, bridged at the hub");

        final String id;
        public final String label;

        Star(String id, String label) {
            this.id = id;
            this.label = label;
        }

        static Star byId(String id) {
            for (Star p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown path '" + id + "': agents, agents-kernel or vxlan");
        }
    }

    /** One flow's rate over the run and in each 1 s interval (bits per second, sender side). */
    public record Flow(String from, String to, double bitsPerSecond, List<Double> intervals, int retransmits) {
    }

    /** One path's figures. */
    public record Result(Star path, double singleFlowBps, List<Flow> flows, double pingAvgMs, double pingMedianMs,
            double pingMaxMs, int pingsLost, int pingsSent) {
        public double aggregateBps() {
            return flows.stream().mapToDouble(Flow::bitsPerSecond).sum();
        }

        public double jain() {
            return FairnessBenchmark.jain(flows.stream().mapToDouble(Flow::bitsPerSecond).toArray());
        }

        /** Jain's index of every whole 1 s interval all flows report (the first and last may be partial). */
        public List<Double> jainPerInterval() {
            int n = flows.stream().mapToInt(f -> f.intervals().size()).min().orElse(0);
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int k = i;
                out.add(FairnessBenchmark.jain(flows.stream().mapToDouble(f -> f.intervals().get(k)).toArray()));
            }
            return out;
        }

        public double minIntervalJain() {
            return jainPerInterval().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }
    }

    private FairnessBenchmark() {
    }

    /** Jain's fairness index: (sum x)^2 / (n sum x^2); 1 when all are equal, 1/n when one takes everything. */
    public static double jain(double[] x) {
        double sum = 0;
        double squares = 0;
        for (double v : x) {
            sum += v;
            squares += v * v;
        }
        return squares == 0 ? Double.NaN : sum * sum / (x.length * squares);
    }

    /** Builds the star on a fresh fabric and measures one flow alone, then eight at once with the ping. */
    public static Result run(Star path, int seconds) throws IOException, InterruptedException {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            List<Host> hosts = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                hosts.add(fabric.addHost("h" + i));
            }
            Host hub = fabric.addHost("px");
            List<Vm[]> vms = new ArrayList<>();
            for (Host h : hosts) {
                vms.add(new Vm[] {fabric.addVm(h, h.name() + "a", VNI, MTU), fabric.addVm(h, h.name() + "b", VNI, MTU)});
            }
            if (path == Star.AGENTS || path == Star.AGENTS_KERNEL) {
                List<Host> all = new ArrayList<>(hosts);
                all.add(hub);
                if (path == Star.AGENTS) {
                    Patterns.startStar(fabric, all, VNI, Testbeds::benchSettings);
                } else {
                    Patterns.startKernelStar(fabric, all, VNI, MTU, Testbeds::benchSettings);
                }
            } else {
                kernelStar(fabric, hosts, hub);
            }
            for (int i = 0; i < HOSTS; i++) {
                PingProbe.awaitPath(vms.get(i)[0], vms.get((i + 1) % HOSTS)[1], 30_000, path.label);
                PingProbe.awaitPath(vms.get(i)[1], vms.get((i + 2) % HOSTS)[0], 30_000, path.label);
            }
            Vm.IperfResult single = vms.get(0)[0].iperf(vms.get(1)[1], seconds, 1);

            List<Vm[]> pairs = new ArrayList<>();
            for (int i = 0; i < HOSTS; i++) {
                pairs.add(new Vm[] {vms.get(i)[0], vms.get((i + 1) % HOSTS)[1]});
                pairs.add(new Vm[] {vms.get(i)[1], vms.get((i + 2) % HOSTS)[0]});
            }
            Vm pingFrom = vms.get(0)[0];
            Vm pingTo = vms.get(2)[1];
            List<Process> servers = new ArrayList<>();
            List<String> ports = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                Vm server = pairs.get(i)[1];
                String port = Integer.toString(5300 + i);
                ports.add(port);
                servers.add(fabric.spawn(server.ns(), List.of("iperf3", "-s", "-1", "-B", server.ip(), "-p", port),
                        fabric.workDir().resolve("iperf3-server-" + i + ".log")));
            }
            for (int i = 0; i < pairs.size(); i++) {
                awaitListening(pairs.get(i)[1], ports.get(i), servers.get(i));
            }
            // every client at once, so that each second of their reports is the same second
            List<Process> clients = new ArrayList<>();
            List<java.nio.file.Path> outs = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                java.nio.file.Path o = fabric.workDir().resolve("iperf3-client-" + i + ".json");
                outs.add(o);
                clients.add(fabric.spawn(pairs.get(i)[0].ns(), List.of("iperf3", "-J", "-c", pairs.get(i)[1].ip(), "-p",
                        ports.get(i), "-t", Integer.toString(seconds), "-P", "1"), o));
            }
            Thread.sleep(1000);
            Vm.BackgroundPing ping = pingFrom.pingInBackground(pingTo, Math.max(10, (seconds - 2) * 10), 0.1);
            if (DIAGNOSE) {
                Thread.sleep(seconds * 1000L / 3);
                List<Host> all = new ArrayList<>(hosts);
                all.add(hub);
                System.out.println(queues(all));
            }
            List<Flow> flows = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                Process c = clients.get(i);
                if (!c.waitFor(seconds + 30L, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("iperf3 client " + i + " did not end");
                }
                JsonNode j = io.vnet.protocol.Json.MAPPER.readTree(outs.get(i).toFile());
                if (c.exitValue() != 0 || j.has("error")) {
                    throw new IllegalStateException("iperf3 from " + pairs.get(i)[0].name() + " to " + pairs.get(i)[1].name()
                            + " failed: " + j.path("error").asText(Files.readString(outs.get(i))));
                }
                JsonNode end = j.path("end");
                flows.add(new Flow(pairs.get(i)[0].name(), pairs.get(i)[1].name(),
                        end.path("sum_received").path("bits_per_second").asDouble(), intervals(j),
                        end.path("sum_sent").path("retransmits").asInt()));
            }
            Vm.PingResult pr = ping.await(seconds + 30L);
            return new Result(path, single.bitsPerSecond(), flows, pr.avgMs(), PingProbe.median(pr.output()),
                    pr.maxMs(), pr.lost(), pr.sent());
        }
    }

    private static void awaitListening(Vm server, String port, Process srv) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Sh.run("ip", "netns", "exec", server.ns(), "ss", "-Htln", "sport", "= :" + port).out().contains(":" + port)) {
            if (!srv.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("iperf3 server in " + server.name() + " is not listening on port " + port);
            }
            Thread.sleep(50);
        }
    }

    /** Print where the queues are, a third into the loaded run (-Dvnet.bench.diagnose=true). */
    public static final boolean DIAGNOSE = Boolean.getBoolean("vnet.bench.diagnose");

    /** Each host's TCP sockets' queues (ss) and its devices' qdisc backlogs (tc), as the kernel reports them now. */
    public static String queues(List<Host> hosts) {
        StringBuilder b = new StringBuilder();
        for (Host h : hosts) {
            b.append("== ").append(h.name()).append(": ss -tmiH\n")
                    .append(Sh.run("ip", "netns", "exec", h.ns(), "ss", "-tmiH").out())
                    .append("== ").append(h.name()).append(": tc -s qdisc (backlogs)\n");
            for (String line : Sh.run("ip", "netns", "exec", h.ns(), "tc", "-s", "qdisc", "show").out().split("\n")) {
                if (line.startsWith("qdisc") || line.contains("backlog")) {
                    b.append(line).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** Two tenants sharing one link: what each network got, with 7 flows in the first and 1 in the second. */
    public record Tenants(double manyBps, double oneBps) {
        public double manyShare() {
            return manyBps / (manyBps + oneBps);
        }

        public double oneShare() {
            return oneBps / (manyBps + oneBps);
        }
    }

    /**
     * Two hosts joined by one agents' link (mutual TLS) that carries two networks; in network 100
     * a VM pair runs 7 TCP flows ({@code iperf3 -P 7}), in network 200 another pair runs 1, both at
     * once for {@code seconds}.
     */
    public static Tenants tenants(int seconds) throws IOException, InterruptedException {
        return tenants(seconds, false);
    }

    /** As {@link #tenants(int)}; with {@code kernelPath} the link is a VXLAN link on the kernel path. */
    public static Tenants tenants(int seconds, boolean kernelPath) throws IOException, InterruptedException {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm a1 = fabric.addVm(a, "a1", 100, MTU);
            Vm b1 = fabric.addVm(b, "b1", 100, MTU);
            Vm a2 = fabric.addVm(a, "a2", 200, MTU);
            Vm b2 = fabric.addVm(b, "b2", 200, MTU);
            AgentConfigBuilder cb = AgentConfigBuilder.forHost(b).network(100, 1500).network(200, 1500);
            AgentConfigBuilder ca = AgentConfigBuilder.forHost(a).network(100, 1500).network(200, 1500);
            if (kernelPath) {
                fabric.startAgent(b, Testbeds.benchSettings(cb.vxlanListen(b).flag("kernelPath", true)
                        .vxlan("to-a", a, true)).build());
                fabric.startAgent(a, Testbeds.benchSettings(ca.vxlanListen(a).flag("kernelPath", true)
                        .vxlan("to-b", b, true)).build());
            } else {
                fabric.startAgent(b, Testbeds.benchSettings(cb.accept("to-a", a.name(), true)).build());
                fabric.startAgent(a, Testbeds.benchSettings(ca.dial("to-b", b, true)).build()).awaitLinkUp("to-b", 15_000);
            }
            PingProbe.awaitPath(a1, b1, 30_000, "network 100");
            PingProbe.awaitPath(a2, b2, 30_000, "network 200");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Vm.IperfResult> many = pool.submit(() -> a1.iperf(b1, seconds, 7));
                Future<Vm.IperfResult> one = pool.submit(() -> a2.iperf(b2, seconds, 1));
                return new Tenants(many.get().bitsPerSecond(), one.get().bitsPerSecond());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a flow failed: " + e.getCause().getMessage(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The sender's rate in each whole 1 s interval of an iperf3 -J report. */
    public static List<Double> intervals(JsonNode iperf) {
        List<Double> out = new ArrayList<>();
        for (JsonNode i : iperf.path("intervals")) {
            JsonNode sum = i.path("sum");
            if (sum.path("seconds").asDouble() >= 0.9) {
                out.add(sum.path("bits_per_second").asDouble());
            }
        }
        return out;
    }

    /**
     * A kernel VXLAN star of the agents' shape: the hub's bridge holds one VXLAN device per spoke
     * (VNI 101..104, each pointed at its host), each host one VXLAN device pointed at the hub on
     * its VMs' bridge. Made with {@code ip link} and nothing else.
     */
    public static List<String> kernelStar(Fabric fabric, List<Host> hosts, Host hub) {
        List<String> setup = new ArrayList<>();
        String br = Host.bridgeName(VNI);
        Sh.must("ip", "-n", hub.ns(), "link", "add", br, "mtu", Integer.toString(MTU), "type", "bridge");
        Sh.must("ip", "-n", hub.ns(), "link", "set", br, "up");
        for (int i = 0; i < hosts.size(); i++) {
            Host h = hosts.get(i);
            int id = VNI + 1 + i;
            setup.add(spoke(hub, "vx" + id, id, hub.ip(), h.ip(), br));
            setup.add(spoke(h, "vx" + id, id, h.ip(), hub.ip(), br));
        }
        return setup;
    }

    private static String spoke(Host self, String dev, int id, String local, String remote, String br) {
        List<String> add = List.of("ip", "-n", self.ns(), "link", "add", dev, "mtu", Integer.toString(MTU), "type", "vxlan",
                "id", Integer.toString(id), "remote", remote, "local", local, "dstport",
                Integer.toString(AgentConfigBuilder.VXLAN_PORT));
        Sh.must(add.toArray(new String[0]));
        Sh.must("ip", "-n", self.ns(), "link", "set", dev, "master", br, "up");
        return self.name() + ": `ip link add " + dev + " mtu " + MTU + " type vxlan id " + id + " remote " + remote
                + " local " + local + " dstport " + AgentConfigBuilder.VXLAN_PORT + "`, `ip link set " + dev + " master "
                + br + " up`";
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        List<Star> paths = List.of(Star.KERNEL_VXLAN, Star.AGENTS, Star.AGENTS_KERNEL);
        List<Boolean> tenantPaths = List.of(false, true);
        Path out = Fabric.repo().resolve("integration-tests/benchmarks/target/bench-fairness.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--path" -> paths = args[++i].equals("none") ? List.of()
                        : java.util.Arrays.stream(args[i].split(",")).map(Star::byId).toList();
                case "--out" -> out = Path.of(args[++i]);
                case "--tenants" -> tenantPaths = java.util.Arrays.stream(args[++i].split(",")).map(v -> switch (v) {
                    case "agents" -> false;
                    case "agents-kernel" -> true;
                    default -> throw new IllegalArgumentException("--tenants: agents or agents-kernel, not " + v);
                }).toList();
                default -> {
                    System.err.println("usage: FairnessBenchmark [--seconds 10] [--path vxlan,agents,agents-kernel|none]"
                            + " [--tenants agents,agents-kernel] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(System.getProperty("vnet.bench.command", "FairnessBenchmark")).append("`\n\n");
        md.append("Machine: ").append(Machine.describe("iperf3")).append("\n\n");
        md.append(FairnessReport.intro(seconds)).append(FairnessReport.HEADER);
        for (Star p : paths) {
            System.out.println("measuring " + p.label + " ...");
            Result r = run(p, seconds);
            String row = FairnessReport.row(r);
            System.out.println(row);
            md.append(row).append('\n');
        }
        for (boolean kernel : tenantPaths) {
            System.out.println("measuring two tenants on one link" + (kernel ? " on the kernel path" : "") + " ...");
            Tenants t = tenants(seconds, kernel);
            md.append(FairnessReport.tenants(t, kernel, seconds));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + out + ")");
    }
}
