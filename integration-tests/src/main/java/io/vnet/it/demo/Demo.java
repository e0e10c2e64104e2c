package io.vnet.it.demo;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.util.List;

/**
 * The demo a newcomer runs: builds two test hosts (network namespaces) with one VM each,
 * starts the real agent in each host, links them with one TCP overlay link, and shows that
 * the VMs share a LAN: ARP, ping and an iperf3 transfer, then the agents' link counters
 * (read with vnetctl). Everything is torn down at the end, also on failure.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int vni = 100;
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> created;
        int rc = 0;
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            step("Creating two test hosts on an underlay switch, one VM each (network namespaces)");
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", vni, 1500);
            Vm vb = fabric.addVm(b, "vb", vni, 1500);
            System.out.println("  " + a + "\n  " + b + "\n  VM " + va + "\n  VM " + vb);

            step("Starting the VNET agent in each host (Apache Felix + VNET bundles); ha dials hb over TCP");
            AgentProcess agentB = fabric.startAgent(b, forHost(b).network(vni, 1500).accept("to-a", "ha", true).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(vni, 1500).dial("to-b", b, true).build());
            agentA.awaitLinkUp("to-b", 10_000);
            System.out.println("  agent pids: ha " + agentA.pid() + ", hb " + agentB.pid() + "; logs in " + fabric.workDir());
            System.out.println("  link to-b of ha is " + agentA.stats("link", "to-b").path("state").asText());

            step("ping from va to vb across the overlay (10 pings)");
            Vm.PingResult p = va.ping(vb, 10);
            System.out.printf("  %d/%d replies, average RTT %.3f ms, max %.3f ms%n", p.received(), p.sent(), p.avgMs(), p.maxMs());
            System.out.println("  va resolved vb's MAC by ARP through the overlay: " + va.neighbourMac(vb) + " (vb is " + vb.mac() + ")");

            step("iperf3 TCP from va to vb for " + seconds + " s");
            long before = agentA.stats("link", "to-b").path("bytesOut").asLong();
            Vm.IperfResult r = va.iperf(vb, seconds, 1);
            long linkBytes = agentA.stats("link", "to-b").path("bytesOut").asLong() - before;
            System.out.printf("  throughput %.1f Mbit/s; iperf3 moved %d bytes, the link carried %d bytes of frames (x%.3f: Ethernet/IP/TCP headers)%n",
                    r.bitsPerSecond() / 1e6, r.bytesReceived(), linkBytes, (double) linkBytes / r.bytesSent());

            step("Link and interface counters of each agent (vnetctl stats)");
            for (AgentProcess ag : List.of(agentA, agentB)) {
                System.out.println("  host " + ag.host().name() + ":");
                String out = Sh.must(fabric.repoDir().resolve("host-agent/bin/vnetctl").toString(), "-s",
                        ag.socket().toString(), "stats");
                out.lines().forEach(l -> System.out.println("    " + l));
            }
            if (p.received() < p.sent() - 1 || r.bytesReceived() == 0) {
                rc = 1;
            }
            created = fabric.namespaces();
            step("Tearing down: agents stopped by pid, namespaces deleted");
        }
        String left = Sh.run("ip", "netns", "list").out();
        long leftovers = created.stream().filter(left::contains).count();
        System.out.println("  " + created.size() + " namespaces created, " + leftovers + " left behind");
        System.out.println(rc == 0 ? "\nDemo OK: the two VMs shared a LAN through the VNET agents." : "\nDemo FAILED");
        System.exit(rc == 0 && leftovers == 0 ? 0 : 1);
    }

    private static void step(String s) {
        System.out.println("\n== " + s);
    }
}
