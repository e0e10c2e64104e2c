package io.vnet.it.bench;

import io.vnet.it.bench.report.ResultTable;
import io.vnet.it.machine.Machine;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data plane benchmark: iperf3 TCP (1 and 4 streams) and ping RTT from VM to VM over a
 * direct veth path (the ceiling), kernel VXLAN (as {@code ip link} makes it), kernel VXLAN over
 * wireguard-go, tinc 1.0 in switch mode (default crypto and none), and the agent over TCP,
 * mutual TLS and UDP/VXLAN, all in one run on the same
 * two-host, two-VM namespace setup. Prints each row as it is measured, then a Markdown table
 * (also written to {@code --out}) with ratios to kernel VXLAN and to tinc, the agent's CPU
 * seconds per GB and peak RSS, and whether each of the targets is met.
 *
 * <p>Usage: {@code DataPlaneBenchmark [--only ROW,...] [--seconds N] [--pings N] [--idle-pings N] [--warmup N] [--mtu N] [--out FILE]}
 * (run by {@code scripts/bench-dataplane.sh}; rows: direct, vxlan, vxlan-wg, tinc, tinc-none, tcp, tls, udp).
 */
public final class DataPlaneBenchmark {
    private DataPlaneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args, Fabric.repo());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String command = System.getProperty("vnet.bench.command",
                "DataPlaneBenchmark " + String.join(" ", args)).trim();
        String loadBefore = Machine.loadAverage();
        Map<Transport, RowResult> results = run(o);
        String machine = Machine.describe("iperf3", "tincd") + "; load average (1/5/15 min) " + loadBefore + " at the start, "
                + Machine.loadAverage() + " at the end";
        String md = ResultTable.markdown(o, command, machine, results);
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), md);
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + o.out() + ")");
    }

    /** Measures the selected rows one after the other, each on a fresh fabric; any failure ends the run. */
    public static Map<Transport, RowResult> run(BenchOptions o) throws IOException, InterruptedException {
        requireTools(o.rows());
        Map<Transport, RowResult> results = new LinkedHashMap<>();
        for (Transport t : o.rows()) {
            System.out.println("measuring " + t.label() + " ...");
            RowResult r = RowRunner.run(t, o);
            results.put(t, r);
            System.out.println("  " + ResultTable.consoleLine(r));
        }
        return results;
    }

    /** Fails (never skips) when a tool a selected row needs is missing. */
    public static void requireTools(List<Transport> rows) {
        List<String> missing = new ArrayList<>();
        List<String> tools = new ArrayList<>(List.of("ip", "ping", "iperf3", "ethtool", "ss", "getconf"));
        if (rows.contains(Transport.TINC) || rows.contains(Transport.TINC_PLAIN)) {
            tools.add("tincd");
        }
        if (rows.contains(Transport.AGENT_TLS)) {
            tools.add("openssl");
        }
        if (rows.contains(Transport.VXLAN_WIREGUARD)) {
            tools.addAll(List.of("wireguard-go", "wg"));
        }
        for (String tool : tools) {
            if (!Sh.run("sh", "-c", "command -v " + tool).ok()) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the data plane benchmark needs " + String.join(", ", missing)
                    + ", which this machine lacks: run scripts/setup.sh (Debian packages iproute2, iputils-ping, iperf3,"
                    + " ethtool, tinc, openssl, wireguard-go, wireguard-tools)");
        }
    }
}
