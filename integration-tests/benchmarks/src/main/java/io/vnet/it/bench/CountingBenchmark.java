package io.vnet.it.bench;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import java.util.ArrayList;
import java.util.List;

/**
 * What VTTIF's per-pair counting costs the data plane: iperf3 TCP throughput between two VMs
 * on two hosts with the agents counting pairs and without, in alternating rounds on the same
 * fabric (this machine is shared and noisy, so the two are compared within one run).
 *
 * <p>Usage: {@code CountingBenchmark [rounds] [seconds]} (default 4 rounds of 10 s each way).
 */
public final class CountingBenchmark {
    private CountingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int vni = 100;
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (boolean count : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                try (Fabric fabric = Fabric.create(Fabric.repo())) { // a fresh fabric for every measurement
                    Host a = fabric.addHost("ha");
                    Host b = fabric.addHost("hb");
                    Vm va = fabric.addVm(a, "va", vni, 1500);
                    Vm vb = fabric.addVm(b, "vb", vni, 1500);
                    fabric.startAgent(b, forHost(b).network(vni, 1500).accept("to-a", "ha", true)
                            .flag("countPairs", count).build());
                    AgentProcess agentA = fabric.startAgent(a, forHost(a).network(vni, 1500).dial("to-b", b, true)
                            .flag("countPairs", count).build());
                    agentA.awaitLinkUp("to-b", 10_000);
                    va.iperf(vb, 2, 1); // warm-up: JIT
                    double mbps = va.iperf(vb, seconds, 1).bitsPerSecond() / 1e6;
                    (count ? with : without).add(mbps);
                    System.out.printf("round %d, counting %-5s: %.1f Mbit/s%n", round + 1, count, mbps);
                }
            }
        }
        double w = mean(with);
        double wo = mean(without);
        System.out.printf("%nper-pair counting on: %.1f Mbit/s (mean of %d), off: %.1f Mbit/s; ratio on/off %.3f"
                + " (cost %.1f%%)%n", w, with.size(), wo, w / wo, 100 * (1 - w / wo));
        System.out.println("setup: 2 namespace hosts, 1 VM each, one TCP link, MTU 1500, iperf3 -t " + seconds
                + " -P 1, rounds alternate the order");
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
