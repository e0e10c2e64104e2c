package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The kernel path (issue 16, item 7): VXLAN links that the agents program into the kernel
 * ({@code "kernelPath": true}), measured for what the user-space path guarantees. A star through
 * a hub agent (tree links on ports 4801, 4802 and 4804) and one fast path between h1 and h2 (port
 * 4803) with a rule for v2 at h1; h3 has no fast path, so v3's frames cross the hub.
 */
class KernelPathIT {
    static final int VNI = 100;
    static final int MTU = 1450;

    @Test
    void theKernelCarriesTheStarAndTheFastPathWithTheForwardersSemantics() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host h3 = fabric.addHost("h3");
            Host hub = fabric.addHost("hh");
            Host outsider = fabric.addHost("hm");
            Vm v1 = fabric.addVm(h1, "v1", VNI, MTU);
            Vm v2 = fabric.addVm(h2, "v2", VNI, MTU);
            Vm v3 = fabric.addVm(h3, "v3", VNI, MTU);
            Vm v4 = fabric.addVm(h2, "v4", VNI, MTU);
            Vm vh = fabric.addVm(hub, "vh", VNI, MTU);
            AgentProcess hubAgent = fabric.startAgent(hub, forHost(hub).vxlanListen(hub).flag("kernelPath", true)
                    .network(VNI, MTU).vxlan("t1", h1, 4801, true).vxlan("t2", h2, 4802, true).vxlan("t3", h3, 4804, true)
                    .set("maxLearnedPerNetwork", LEARN_CAP).build());
            AgentProcess a1 = fabric.startAgent(h1, forHost(h1).vxlanListen(h1).flag("kernelPath", true).vm(v1)
                    .network(VNI, MTU).vxlan("tree", hub, 4801, true).vxlan("fast", h2, 4803, false)
                    .rule(VNI, "any", v2.mac(), "link:fast").build());
            AgentProcess a2 = fabric.startAgent(h2, forHost(h2).vxlanListen(h2).flag("kernelPath", true).vm(v2).vm(v4)
                    .network(VNI, MTU).vxlan("tree", hub, 4802, true).vxlan("fast", h1, 4803, false).build());
            // h3 registers no VM (a host without libvirt): nothing checks its VM's source addresses
            // on the way into the links, so its MAC flood below reaches the hub
            AgentProcess a3 = fabric.startAgent(h3, forHost(h3).vxlanListen(h3).flag("kernelPath", true)
                    .network(VNI, MTU).vxlan("tree", hub, 4804, true).build());

            assertEquals(5, v1.ping(v2, 5).received(), "v1 -> v2 over the fast path");
            assertEquals(5, v1.ping(v3, 5).received(), "v1 -> v3 through the hub's bridge");
            assertEquals(5, vh.ping(v1, 5).received(), "the hub's own VM");
            long tapBefore = a1.stats("interface", Host.tapName(VNI)).path("framesIn").asLong();

            Vm.IperfResult fast = v1.iperf(v2, 3, 1);
            Vm.IperfResult star = v1.iperf(v3, 3, 1);
            System.out.printf("kernel path: v1 -> v2 (fast path) %.2f Gbit/s, v1 -> v3 (through the hub) %.2f Gbit/s%n",
                    fast.bitsPerSecond() / 1e9, star.bitsPerSecond() / 1e9);

            // the frames never crossed the agents' user space: h1's TAP got a handful (ARP)
            long tapFrames = a1.stats("interface", Host.tapName(VNI)).path("framesIn").asLong() - tapBefore;
            JsonNode fastLink = a1.stats("link", "fast");
            JsonNode treeLink = a1.stats("link", "tree");
            JsonNode hubIn = hubAgent.stats("link", "t1");
            System.out.println("h1's TAP read " + tapFrames + " frames during the runs; link fast " + fastLink
                    + "\nlink tree " + treeLink + "\nhub's t1 " + hubIn);
            assertTrue(tapFrames < 100, "the agent's TAP saw " + tapFrames + " frames of the runs");
            assertTrue(fastLink.path("bytesOut").asLong() >= fast.bytesReceived(), "v2's bytes left by the fast path");
            assertTrue(hubIn.path("bytesIn").asLong() >= star.bytesReceived(), "v3's bytes crossed the hub");
            assertTrue(hubIn.path("bytesIn").asLong() < star.bytesReceived() + fast.bytesReceived() / 2,
                    "v2's bytes did not cross the hub");

            // VTTIF's input: counted once, where the frames entered the overlay
            JsonNode p12 = pair(a1, v1, v2);
            JsonNode p13 = pair(a1, v1, v3);
            assertNotNull(p12, "h1 counted v1 -> v2: " + a1.op("pairs"));
            assertNotNull(p13, "h1 counted v1 -> v3: " + a1.op("pairs"));
            assertTrue(p12.path("bytes").asLong() >= fast.bytesReceived() * 9 / 10, p12 + " vs " + fast.bytesReceived());
            assertTrue(p13.path("bytes").asLong() >= star.bytesReceived() * 9 / 10, p13 + " vs " + star.bytesReceived());
            assertNull(pair(hubAgent, v1, v3), "the hub does not count what crosses it");
            assertNull(pair(a2, v1, v2), "h2 does not count what it receives");

            // a VM that forges a registered VM's address: dropped where it is registered (port security
            // towards the links), and where it arrives from a link at the VM's own host
            Sh.must("ip", "netns", "exec", v4.ns(), "ip", "link", "set", "dev", "eth0", "address", v1.mac());
            Sh.run("ip", "netns", "exec", v4.ns(), "ping", "-c", "3", "-i", "0.2", "-b", "-W", "1", "10.200.100.255");
            Sh.must("ip", "netns", "exec", vh.ns(), "ip", "link", "set", "dev", "eth0", "address", v1.mac());
            Sh.run("ip", "netns", "exec", vh.ns(), "ping", "-c", "3", "-i", "0.2", "-b", "-W", "1", "10.200.100.255");
            JsonNode k2 = a2.stats("kernel", "path");
            JsonNode k1 = a1.stats("kernel", "path");
            System.out.println("h2's kernel path " + k2 + "\nh1's kernel path " + k1);
            assertTrue(k2.path("drops").path("forged").asLong() >= 3, "h2 dropped v4's forged frames: " + k2);
            JsonNode tree1 = a1.stats("link", "tree");
            assertTrue(tree1.path("drops").path("spoofed").asLong() >= 3, "h1 dropped the hub VM's frames as v1, counted"
                    + " on the link they came by: " + tree1);

            // a datagram to a link's port from an address that is not its peer never reaches the kernel's socket
            for (int i = 0; i < 3; i++) {
                Sh.must("ip", "netns", "exec", outsider.ns(), "bash", "-c",
                        "printf 'not from the peer' > /dev/udp/" + h1.ip() + "/4803");
            }
            long deadline = System.currentTimeMillis() + 3000;
            while (a1.stats("kernel", "path").path("drops").path("unidentified").asLong() < 3
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(3, a1.stats("kernel", "path").path("drops").path("unidentified").asLong());
            // the forgers' own bridges learned v1 behind them, as a bridge does (the user-space path's
            // bridges too). At h2, where VMs are registered, v1's next frames teach it back; the hub has
            // none registered, so it holds v1 on vh's port against the links (macHoldMs, as the user-space
            // path does) until the bridge forgets it: ageing (300 s) or the port going, done here by hand
            Sh.must("ip", "netns", "exec", v4.ns(), "ip", "link", "set", "dev", "eth0", "address", v4.mac());
            Sh.must("ip", "netns", "exec", vh.ns(), "ip", "link", "set", "dev", "eth0", "address", vh.mac());
            Sh.must("bridge", "-n", hub.ns(), "fdb", "del", v1.mac(), "dev", vh.hostSide(), "master");
            Thread.sleep(1500); // the hub's agent reads its bridge's entries once a second: then it holds v1 no more
            assertEquals(5, v1.ping(v2, 5).received(), "forwarding goes on");
            assertEquals(5, v1.ping(v3, 5).received(), "forwarding goes on through the hub");

            // a MAC flood through a link: the hub's bridge learns at most its cap of addresses from the
            // kernel's devices, counts the rest, and the VMs it knew go on being served
            Sh.Result flood = Sh.run(60, java.util.List.of("ip", "netns", "exec", v3.ns(), "mausezahn", "eth0", "-a", "rand",
                    "-b", vh.mac(), "-c", Integer.toString(FLOOD), "-p", "60", "-q"));
            assertEquals(0, flood.exit(), flood.out());
            long learnCap = 0;
            deadline = System.currentTimeMillis() + 5000;
            while ((learnCap = hubAgent.stats("kernel", "path").path("drops").path("learn-cap").asLong()) < FLOOD / 2
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            Sh.Result fdb = Sh.run(10, java.util.List.of("bridge", "-n", hub.ns(), "fdb", "show", "br", "br" + VNI));
            long learnedFromLinks = fdb.out().lines().filter(l -> l.contains(" dev vk") && !l.contains("permanent")
                    && !l.contains("static") && !l.contains("self")).count();
            System.out.println("MAC flood of " + FLOOD + " frames through t3: the hub refused " + learnCap
                    + " (learn-cap), its bridge has " + learnedFromLinks + " addresses learned from the kernel's devices");
            assertTrue(learnCap >= FLOOD - LEARN_CAP - 10, "the hub refused the flood's new addresses: " + learnCap);
            assertTrue(learnedFromLinks <= LEARN_CAP, "the hub's bridge learned " + learnedFromLinks + " from links");
            assertEquals(5, v1.ping(v3, 5).received(), "the VMs the hub knew are served through the flood's aftermath");
            assertEquals(5, vh.ping(v2, 5).received(), "and the hub's own VM");

            // h3's agent dies without cleaning up: its kernel device stays (and carries on); the agent
            // started again removes what it left and makes its link afresh
            a3.signal("KILL");
            a3.process().waitFor();
            assertTrue(Sh.run(10, java.util.List.of("ip", "-n", h3.ns(), "-d", "link", "show", "type", "vxlan")).out()
                    .contains("vk"), "the killed agent's device is still there");
            a3 = fabric.startAgent(h3, forHost(h3).vxlanListen(h3).flag("kernelPath", true)
                    .network(VNI, MTU).vxlan("tree", hub, 4804, true).build());
            a3.awaitLog("removed 1 kernel device(s) an earlier agent left", 10_000);
            a3.awaitLinkUp("tree", 10_000);
            assertEquals(5, v1.ping(v3, 5).received(), "v3 is served again after its agent's restart");
        }
    }

    /** The hub's cap of addresses learned per network, and the frames of the MAC flood. */
    private static final int LEARN_CAP = 64;
    private static final int FLOOD = 3000;

    private static JsonNode pair(AgentProcess agent, Vm src, Vm dst) throws IOException {
        for (JsonNode p : agent.op("pairs")) {
            if (p.path("src").asText().equals(src.mac()) && p.path("dst").asText().equals(dst.mac())
                    && !p.path("sameHost").asBoolean()) {
                return p;
            }
        }
        return null;
    }
}
