package io.vnet.it.demo;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import io.vnet.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo a newcomer runs, in four parts, each on test hosts made of network namespaces with
 * the real processes:
 * <ol>
 * <li>the data plane: two hosts with one VM each and one TCP overlay link; the VMs share a
 * LAN (ARP, ping, an iperf3 transfer), then the agents' link counters (read with vnetctl);</li>
 * <li>the manager: three hosts in a star, eight VMs running the BSP patterns workload that
 * switches ring, 2-D mesh, all-to-all; the manager infers each topology from the real frames,
 * and the demo prints what its REST API reports as it changes;</li>
 * <li>the closed loop ({@link AdaptationDemo}): on shaped uplinks, an all-to-all gets faster
 * once the manager, in automatic mode, adds fast paths by itself;</li>
 * <li>the home network ({@link HomeNetworkDemo}): a cloud VM two overlay hops from a home LAN
 * gets its address from the LAN's DHCP server through the proxy's pcap port and pings the home
 * PC.</li>
 * </ol>
 * Everything is torn down at the end, also on failure.
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
        created = new ArrayList<>(created);
        if (rc == 0) {
            rc = managerPart(created);
        }
        if (rc == 0) {
            rc = AdaptationDemo.run(created);
        }
        if (rc == 0) {
            rc = HomeNetworkDemo.run(created);
        }
        String left = Sh.run("ip", "netns", "list").out();
        long leftovers = created.stream().filter(left::contains).count();
        System.out.println("  " + created.size() + " namespaces created in all, " + leftovers + " left behind");
        System.out.println(rc == 0 ? "\nDemo OK: the VMs shared a LAN through the VNET agents, the manager inferred"
                + " each pattern's topology from their traffic, adapted the overlay to an all-to-all by itself, and a cloud VM"
                + " joined the home network through the proxy."
                : "\nDemo FAILED");
        System.exit(rc == 0 && leftovers == 0 ? 0 : 1);
    }

    /** Part 2: the manager infers the application's topology as the pattern changes. */
    private static int managerPart(List<String> created) throws Exception {
        int vni = 300;
        String schedule = "ring:10,mesh:10,all:10";
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            step("Part 2: the manager and three hosts in a star (hc in the proxy's position), eight VMs");
            Host m = fabric.addHost("mgr");
            List<Host> hosts = List.of(fabric.addHost("ha"), fabric.addHost("hb"), fabric.addHost("hc"));
            List<Vm> vms = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                vms.add(fabric.addVm(hosts.get(i % 3), "p" + i, vni, 1500));
            }
            ObjectNode cfg = Json.object();
            cfg.putObject("vttif").put("mode", "reactive").put("windowMs", 2000).put("evaluateMs", 500)
                    .put("minPairRate", 2000);
            ManagerProcess manager = fabric.startManager(m, cfg);
            Patterns.startStar(fabric, hosts, vni, b -> b.manager(manager, 500));
            System.out.println("  manager in " + m.ns() + " (agents dial " + manager.agentAddress()
                    + "; REST API on 127.0.0.1:" + ManagerProcess.HTTP_PORT + " inside that namespace)");
            for (JsonNode a : manager.get("/agents")) {
                System.out.println("  agent " + a.path("hostId").asText() + " (" + a.path("role").asText() + ") connected: "
                        + a.path("connected").asBoolean());
            }

            step("The patterns workload (BSP, one rank per VM, 16 KiB messages): " + schedule
                    + "; the manager's answer to GET /api/networks/" + vni + "/topology as it changes:");
            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<Patterns.Result> run = bg.submit(() -> Patterns.run(fabric, vms,
                    Patterns.Options.of(schedule).withComputeMs(20).withMessageBytes(16 * 1024)));
            long t0 = System.currentTimeMillis();
            String last = "";
            while (!run.isDone()) {
                ManagerProcess.Response r = manager.rest("GET", "/networks/" + vni + "/topology", null);
                if (r.status() == 200) {
                    String desc = r.body().path("graph").path("description").asText();
                    if (!desc.equals(last)) {
                        last = desc;
                        System.out.printf("  t=%5.1f s  %s%n", (System.currentTimeMillis() - t0) / 1000.0, desc);
                    }
                }
                Thread.sleep(250);
            }
            Patterns.Result result = run.get();
            bg.shutdown();
            System.out.println();
            result.summary().lines().forEach(l -> System.out.println("  " + l));

            step("What the manager kept (GET /api/networks/" + vni + "/topologies): the history, oldest first");
            JsonNode history = manager.get("/networks/" + vni + "/topologies?limit=20");
            List<String> lines = new ArrayList<>();
            history.forEach(h -> lines.add(0, "  " + h.path("time").asText() + "  " + h.path("class").asText()));
            lines.forEach(System.out::println);
            String api = "http://127.0.0.1:" + ManagerProcess.HTTP_PORT + "/api";
            System.out.println("  (try it yourself while a demo runs: sign in as the demo manager's local admin, then ask"
                    + " with the token:\n    TOKEN=$(ip netns exec " + m.ns() + " curl -s -X POST " + api + "/auth/login"
                    + " -H 'Content-Type: application/json' -d '{\"user\":\"" + manager.adminUser() + "\",\"password\":\""
                    + manager.adminPassword() + "\"}' | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')\n    ip netns exec " + m.ns()
                    + " curl -s -H \"Authorization: Bearer $TOKEN\" " + api + "/networks/" + vni + "/topology)");
            created.addAll(fabric.namespaces());
            step("Tearing down part 2");
            return result.ok() ? 0 : 1;
        }
    }

    static void step(String s) {
        System.out.println("\n== " + s);
    }
}
