package io.vnet.it.bench;

import io.vnet.it.bench.report.ScalingTable;
import io.vnet.it.machine.ProcessUsage;
import io.vnet.it.machine.Machine;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * More than one core (issue 16 item 3): iperf3 TCP throughput VM to VM between two hosts for
 * the agent over mutual TLS and over plain TCP links, over a matrix of the agents' event loops
 * × link lanes {(1,1), (2,1), (2,2), (2,4)} × iperf3 streams {1, 2, 4, 8} × two placements:
 * "shared" (agents and iperf3 anywhere) and "pinned" (agent ha on CPU 0, hb on CPU 1, by pid:
 * a cpuset cgroup where one can be made, else taskset; iperf3 unpinned). Kernel VXLAN with the
 * same stream counts, measured at the start and again at the end, is the reference each agent
 * cell is divided by. Per cell also the agents' CPU seconds per GB and the link's stats line
 * (lanes up): a cell whose lanes are not all up within 10 s fails, loudly.
 *
 * <p>One test bed (fresh fabric, two agents) per transport and (loops, lanes), warmed up once,
 * measured shared and then pinned, and torn down (by the fabric: processes and namespaces, by
 * pid) before the next, also after a failure. A failed cell is reported as such; the run goes on
 * and exits with status 1.
 *
 * <p>Usage: {@code ScalingBenchmark [--seconds N] [--omit N] [--warmup N] [--only-transport tls|tcp]
 * [--quick] [--mtu N] [--out FILE]} (run by {@code scripts/bench-scaling.sh}).
 */
public final class ScalingBenchmark {
    /** The agents' (eventLoops, linkLanes) measured. */
    public static final List<int[]> CONFIGS = List.of(new int[] {1, 1}, new int[] {2, 1}, new int[] {2, 2}, new int[] {2, 4});
    public static final List<Integer> STREAMS = List.of(1, 2, 4, 8);
    public static final String SHARED = "shared";
    public static final String PINNED = "pinned";
    /** How long the lanes may take to be all up before a cell fails. */
    public static final long LANES_TIMEOUT_MS = 10_000;
    private static final Pattern LANES = Pattern.compile(", lanes (\\d+)/(\\d+)");
    private static final Pattern SESSIONS = Pattern.compile("sessions (\\d+)");

    /** One test bed's report: how it was built and what was checked. */
    public record Bed(Transport transport, int loops, int lanes, List<String> setup, List<String> checks, String error) {
    }

    private ScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ScalingOptions o;
        try {
            o = ScalingOptions.parse(args, Fabric.repo());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String command = System.getProperty("vnet.bench.command", "ScalingBenchmark " + String.join(" ", args)).trim();
        List<Transport> rows = new ArrayList<>(List.of(Transport.KERNEL_VXLAN));
        rows.addAll(o.transports());
        DataPlaneBenchmark.requireTools(rows);
        CpuPinning pinning = CpuPinning.detect(); // which method, for the report; each bed makes its own
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        List<ScalingCell> cells = new ArrayList<>();
        List<Bed> beds = new ArrayList<>();
        run(o, cells, beds);
        long minutes = Math.round((System.nanoTime() - t0) / 60e9 * 10);
        String machine = Machine.describe("iperf3", "tincd") + "; load average (1/5/15 min) " + loadBefore + " at the start, "
                + Machine.loadAverage() + " at the end; the run took " + (minutes / 10.0) + " min";
        String md = ScalingTable.markdown(o, command, machine, pinning.describe(), cells, beds);
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), md);
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + o.out() + ")");
        long failed = cells.stream().filter(c -> !c.ok()).count();
        if (failed > 0) {
            System.err.println(failed + " of " + cells.size() + " cells FAILED (see the table)");
            System.exit(1);
        }
    }

    public static void run(ScalingOptions o, List<ScalingCell> cells, List<Bed> beds) throws IOException, InterruptedException {
        List<Integer> streams = o.quick() ? List.of(4) : STREAMS;
        kernel(o, "start", streams, cells);
        for (Transport t : o.transports()) {
            for (int[] c : o.quick() ? List.of(new int[] {2, 2}) : CONFIGS) {
                beds.add(agents(o, t, c[0], c[1], streams, cells));
            }
        }
        if (!o.quick()) {
            kernel(o, "end", streams, cells);
        }
    }

    /** Kernel VXLAN, the reference: no daemon, nothing to pin. */
    private static void kernel(ScalingOptions o, String pass, List<Integer> streams, List<ScalingCell> cells)
            throws IOException, InterruptedException {
        Transport t = Transport.KERNEL_VXLAN;
        System.out.println("measuring " + t.label() + " (" + pass + ") ...");
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Testbed bed = Testbeds.build(fabric, t, o.mtu());
            PingProbe.awaitPath(bed.client(), bed.server(), 30_000, t.label());
            for (int s : streams) {
                ScalingCell cell;
                try {
                    long w0 = System.nanoTime();
                    IperfProbe.Omitting r = IperfProbe.run(fabric, bed.client(), bed.server(), o.seconds(), s, o.omitSeconds());
                    cell = new ScalingCell(t, pass, 0, 0, s, r, Double.NaN, Double.NaN, (System.nanoTime() - w0) / 1e9,
                            null, null);
                } catch (IOException | RuntimeException e) {
                    cell = loud(ScalingCell.failed(t, pass, 0, 0, s, e.toString()));
                }
                print(cell);
                cells.add(cell);
            }
        } catch (IOException | RuntimeException e) {
            for (int s : streams) {
                if (cells.stream().noneMatch(c -> c.transport() == t && c.placement().equals(pass) && c.streams() == s)) {
                    cells.add(loud(ScalingCell.failed(t, pass, 0, 0, s, "test bed: " + e)));
                }
            }
        }
    }

    /** One agent test bed: shared cells, then pin both agents, then pinned cells; torn down at the end. */
    private static Bed agents(ScalingOptions o, Transport t, int loops, int lanes, List<Integer> streams,
            List<ScalingCell> cells) throws IOException, InterruptedException {
        System.out.println("measuring " + t.label() + ", eventLoops " + loops + ", linkLanes " + lanes + " ...");
        List<String> setup = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        List<String> placements = List.of(SHARED, PINNED);
        int before = cells.size();
        String bedError = null;
        // pinning closes (removes its cgroups) after the fabric stopped the agents
        try (CpuPinning pinning = CpuPinning.detect();
                Fabric fabric = Fabric.create(Fabric.repo())) {
            Testbeds.Agents ag = Testbeds.buildAgents(fabric, t, o.mtu(),
                    Map.of("eventLoops", loops, "linkLanes", lanes));
            Testbed bed = ag.bed();
            setup.addAll(bed.setup());
            PingProbe.awaitPath(bed.client(), bed.server(), 30_000, t.label());
            checks.add("after start: " + awaitLanes(ag, lanes));
            if (o.warmupSeconds() > 0) {
                IperfProbe.run(fabric, bed.client(), bed.server(), o.warmupSeconds(), 4);
            }
            for (String placement : placements) {
                if (placement.equals(PINNED)) {
                    checks.add("pinned ha: " + pinning.pin("ha", ag.ha().pid(), 0));
                    checks.add("pinned hb: " + pinning.pin("hb", ag.hb().pid(), 1));
                }
                for (int s : streams) {
                    ScalingCell cell = cell(o, fabric, ag, placement, loops, lanes, s);
                    print(cell);
                    cells.add(cell);
                }
            }
            checks.add("at the end: ha " + linkStats(ag.ha(), Testbeds.LINK_A).path("peer").asText()
                    + "; hb " + linkStats(ag.hb(), Testbeds.LINK_B).path("peer").asText());
        } catch (IOException | RuntimeException e) {
            bedError = e.toString();
            System.err.println("FAILED: " + t.label() + " (" + loops + ", " + lanes + "): " + e.getMessage());
        }
        if (bedError != null) {
            // every cell the bed did not measure fails with the bed's error
            List<ScalingCell> done = new ArrayList<>(cells.subList(before, cells.size()));
            for (String placement : placements) {
                for (int s : streams) {
                    boolean measured = done.stream().anyMatch(c -> c.placement().equals(placement) && c.streams() == s);
                    if (!measured) {
                        cells.add(loud(ScalingCell.failed(t, placement, loops, lanes, s, "test bed: " + bedError)));
                    }
                }
            }
        }
        return new Bed(t, loops, lanes, setup, checks, bedError);
    }

    private static ScalingCell cell(ScalingOptions o, Fabric fabric, Testbeds.Agents ag, String placement, int loops,
            int lanes, int streams) throws IOException, InterruptedException {
        Transport t = ag.bed().transport();
        try {
            awaitLanes(ag, lanes);
            String sessionsBefore = sessions(ag);
            double a0 = ProcessUsage.cpuSeconds(List.of(ag.ha().pid()));
            double b0 = ProcessUsage.cpuSeconds(List.of(ag.hb().pid()));
            long w0 = System.nanoTime();
            IperfProbe.Omitting r = IperfProbe.run(fabric, ag.bed().client(), ag.bed().server(), o.seconds(), streams,
                    o.omitSeconds());
            double wall = (System.nanoTime() - w0) / 1e9;
            double a = ProcessUsage.cpuSeconds(List.of(ag.ha().pid())) - a0;
            double b = ProcessUsage.cpuSeconds(List.of(ag.hb().pid())) - b0;
            String after = awaitLanes(ag, lanes);
            if (!sessions(ag).equals(sessionsBefore)) {
                throw new IllegalStateException("the link's session started again during the cell: " + sessionsBefore
                        + " before, " + sessions(ag) + " after; " + after);
            }
            return new ScalingCell(t, placement, loops, lanes, streams, r, a, b, wall,
                    linkStats(ag.ha(), Testbeds.LINK_A).path("peer").asText(), null);
        } catch (IOException | RuntimeException e) {
            return loud(ScalingCell.failed(t, placement, loops, lanes, streams, e.toString()));
        }
    }

    /**
     * Waits until both ends of the link are up with all {@code lanes} lanes up (with one lane, the
     * stats name none) and returns what their stats say; throws after {@link #LANES_TIMEOUT_MS}.
     */
    public static String awaitLanes(Testbeds.Agents ag, int lanes) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + LANES_TIMEOUT_MS;
        while (true) {
            JsonNode a = linkStats(ag.ha(), Testbeds.LINK_A);
            JsonNode b = linkStats(ag.hb(), Testbeds.LINK_B);
            String la = lanesUp(a, lanes);
            String lb = lanesUp(b, lanes);
            if (la != null && lb != null) {
                return "ha " + la + ", hb " + lb;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("lanes not all up within " + LANES_TIMEOUT_MS / 1000 + " s (want "
                        + lanes + "): ha " + a.path("state").asText() + " " + a.path("peer").asText() + "; hb "
                        + b.path("state").asText() + " " + b.path("peer").asText());
            }
            Thread.sleep(100);
        }
    }

    /** "lanes 2/2" (or "1 lane") when the link is up with all its lanes, else null. */
    private static String lanesUp(JsonNode stats, int lanes) {
        if (!stats.path("state").asText().equals("up")) {
            return null;
        }
        Matcher m = LANES.matcher(stats.path("peer").asText());
        if (lanes == 1) {
            return m.find() ? null : "1 lane";
        }
        if (!m.find()) {
            return null;
        }
        int up = Integer.parseInt(m.group(1));
        int of = Integer.parseInt(m.group(2));
        return up == lanes && of == lanes ? "lanes " + up + "/" + of : null;
    }

    private static String sessions(Testbeds.Agents ag) throws IOException {
        return "ha " + sessionCount(linkStats(ag.ha(), Testbeds.LINK_A)) + ", hb "
                + sessionCount(linkStats(ag.hb(), Testbeds.LINK_B));
    }

    private static String sessionCount(JsonNode stats) {
        Matcher m = SESSIONS.matcher(stats.path("peer").asText());
        return m.find() ? m.group(1) : "?";
    }

    private static JsonNode linkStats(AgentProcess agent, String link) throws IOException {
        return agent.stats("link", link);
    }

    private static ScalingCell loud(ScalingCell c) {
        System.err.println("FAILED cell: " + c.transport().label() + " " + c.placement() + " " + c.config() + " "
                + c.streams() + " streams: " + c.error());
        return c;
    }

    private static void print(ScalingCell c) {
        if (!c.ok()) {
            return;
        }
        System.out.println(String.format("  %-8s %s %2d streams: %6.2f Gbit/s%s", c.placement(),
                c.isAgent() ? c.config() : "", c.streams(), c.gbps(), c.isAgent()
                        ? String.format(", agents %.1f s/GB, CPU ha %.0f%% hb %.0f%%, %s", c.cpuSecondsPerGB(),
                                c.percent(c.cpuHa()), c.percent(c.cpuHb()), c.linkStats())
                        : ""));
    }
}
