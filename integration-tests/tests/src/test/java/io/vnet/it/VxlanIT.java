package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import org.junit.jupiter.api.Test;

/**
 * VXLAN-format UDP links (RFC 7348). The peer of the agent is a Linux kernel vxlan device in
 * another test host, bridged to a VM there: the format is right if the two interoperate.
 */
class VxlanIT {
    static final int VNI = 100;
    /** The inner MTU over a 1500-byte underlay: 50 bytes go to the outer IP, UDP and VXLAN headers. */
    static final int MTU = 1450;

    @Test
    void theAgentInteroperatesWithAKernelVxlanDeviceBothWays() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host k = fabric.addHost("hk");
            Vm va = fabric.addVm(a, "va", VNI, MTU);
            Vm vk = fabric.addVm(k, "vk", VNI, MTU);
            // host hk: no agent, a kernel vxlan device on the VM's bridge, pointed at ha
            Sh.must("ip", "-n", k.ns(), "link", "add", "vx" + VNI, "mtu", Integer.toString(MTU), "type", "vxlan", "id",
                    Integer.toString(VNI), "remote", a.ip(), "local", k.ip(), "dstport",
                    Integer.toString(AgentConfigBuilder.VXLAN_PORT));
            Sh.must("ip", "-n", k.ns(), "link", "set", "vx" + VNI, "master", "br" + VNI, "up");
            // No ethtool anywhere: between namespaces a veth never completes a checksum the sender
            // left to offload, so the kernel's encapsulated frames carry unfinished inner checksums,
            // which the agent recognises and completes or passes on (InferredOffload)
            AgentProcess agent = fabric.startAgent(a, forHost(a).vxlanListen(a).network(VNI, MTU)
                    .vxlan("vx-k", k, true).build());

            Vm.PingResult there = va.ping(vk, 5);
            Vm.PingResult back = vk.ping(va, 5);
            assertEquals(5, there.received(), "agent -> kernel vxlan:\n" + there.output());
            assertEquals(5, back.received(), "kernel vxlan -> agent:\n" + back.output());
            assertEquals(vk.mac(), va.neighbourMac(vk), "ARP resolved across VXLAN");
            Vm.PingResult full = va.ping(vk, 3, 0.2, MTU - 28);
            assertEquals(3, full.received(), "MTU-sized packets with DF set:\n" + full.output());

            Vm.IperfResult out = va.iperf(vk, 3, 1);
            Vm.IperfResult in = vk.iperf(va, 3, 1);
            System.out.printf("iperf3 over VXLAN: agent -> kernel %.1f Mbit/s, kernel -> agent %.1f Mbit/s%n",
                    out.bitsPerSecond() / 1e6, in.bitsPerSecond() / 1e6);
            JsonNode link = agent.stats("link", "vx-k");
            JsonNode tap = agent.stats("interface", io.vnet.it.fabric.Host.tapName(VNI));
            assertTrue(out.bytesReceived() > 1_000_000 && in.bytesReceived() > 1_000_000, "data moved both ways; the"
                    + " link: " + link + "\nthe VM's interface: " + tap);
            // the kernel's large sends arrive whole, their checksums left to offload: none is too big
            assertEquals(0, tap.path("drops").path("too-big").asLong(), tap.toString());

            assertTrue(link.path("framesOut").asLong() > 1000 && link.path("framesIn").asLong() > 1000, link.toString());
            for (String bad : new String[] {"malformed", "runt", "unknown-vni", "unidentified"}) {
                assertEquals(0, link.path("drops").path(bad).asLong(), "no " + bad + " datagrams: " + link);
            }
            JsonNode kernel = Sh.run("ip", "-n", k.ns(), "-j", "-s", "link", "show", "vx" + VNI).out().isEmpty() ? null
                    : io.vnet.protocol.Json.MAPPER.readTree(Sh.must("ip", "-n", k.ns(), "-j", "-s", "link", "show", "vx" + VNI));
            long kernelRx = kernel.get(0).path("stats64").path("rx").path("packets").asLong();
            System.out.println("kernel vxlan device received " + kernelRx + " packets; the agent sent "
                    + link.path("framesOut").asLong() + " frames");
            assertTrue(kernelRx >= link.path("framesOut").asLong() * 9 / 10, "the kernel decoded what the agent sent");
        }
    }

    @Test
    void twoAgentsCarryAStarOverVxlanAndGarbageIsCounted() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Host m = fabric.addHost("hm");
            Vm va = fabric.addVm(a, "va", VNI, MTU);
            Vm vb = fabric.addVm(b, "vb", VNI, MTU);
            AgentProcess agentB = fabric.startAgent(b, forHost(b).vxlanListen(b).network(VNI, MTU).vxlan("vx-a", a, true).build());
            fabric.startAgent(a, forHost(a).vxlanListen(a).network(VNI, MTU).vxlan("vx-b", b, true).build());
            assertEquals(5, va.ping(vb, 5).received());
            // datagrams from an address that is no VXLAN peer, and a peer's datagram without the VNI flag
            Sh.must("ip", "netns", "exec", m.ns(), "bash", "-c",
                    "printf 'not vxlan at all' > /dev/udp/" + b.ip() + "/4789");
            JsonNode listener = agentB.stats("listener", "vxlan");
            long deadline = System.currentTimeMillis() + 3000;
            while (listener.path("drops").path("unidentified").asLong() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                listener = agentB.stats("listener", "vxlan");
            }
            assertEquals(1, listener.path("drops").path("unidentified").asLong(), listener.toString());
            assertEquals(5, va.ping(vb, 5).received(), "forwarding goes on");
        }
    }
}
