package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.HomeLan;
import io.vnet.it.fabric.HomeNetwork;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The home-network proxy: a cloud VM two overlay hops away from the tenant's home LAN (host A,
 * link A-B, host B, link proxy-B, the proxy) gets its address from the home LAN's DHCP server
 * and pings the home PC. The proxy only dials out, and its LAN side is a pcap handle on a plain
 * veth, not a TAP.
 */
class ProxyDhcpIT {
    static final int VNI = 100;

    @Test
    void cloudVmGetsItsAddressFromTheHomeLanAndPingsTheHomePc() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            HomeNetwork net = HomeNetwork.start(fabric, VNI);
            Host proxy = net.proxy();
            HomeLan home = net.home();
            String lanDevice = net.device();
            Vm vm = net.vm();
            AgentProcess agentA = net.agentA();
            AgentProcess agentP = net.agentP();

            // the proxy only dials out, and bridges the LAN with pcap: no TAP anywhere on it
            JsonNode status = agentP.op("status");
            assertEquals("proxy", status.path("role").asText());
            assertEquals(-1, status.path("listenPort").asInt(), "the proxy accepts no links: " + status);
            JsonNode ifs = agentP.op("if-list");
            assertEquals(1, ifs.size(), "one local interface on the proxy: " + ifs);
            assertEquals("pcap", ifs.get(0).path("kind").asText(), "the LAN side is a pcap handle: " + ifs);
            assertEquals(lanDevice, ifs.get(0).path("id").asText());
            assertEquals("", Sh.must("ip", "-n", proxy.ns(), "tuntap", "show").trim(), "no TAP device on the proxy");
            assertTrue(Sh.must("ip", "-n", proxy.ns(), "-d", "link", "show", lanDevice).contains("veth"),
                    "the LAN device is the veth into the home switch");

            String address;
            try {
                address = vm.dhcp(5);
            } catch (IllegalStateException e) {
                throw new AssertionError(e.getMessage() + "\ndnsmasq:\n" + home.serverLog() + "\nproxy stats: "
                        + agentP.op("stats") + "\nproxy log:\n" + agentP.logText(), e);
            }
            System.out.println("vm1 (" + vm.mac() + ") on host ha got " + address + " by DHCP from the home LAN;"
                    + " dnsmasq's leases:\n" + home.leases());
            int last = Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
            assertTrue(address.startsWith(HomeLan.SUBNET + ".") && last >= 100 && last <= 150,
                    "an address of the home range: " + address);
            String lease = home.leases().lines().filter(l -> l.contains(vm.mac())).findFirst()
                    .orElseThrow(() -> new AssertionError("vm1's MAC " + vm.mac() + " in dnsmasq's lease file "
                            + home.leaseFile() + ":\n" + home.leases()));
            assertTrue(lease.contains(" " + address + " "), "the lease is for the address vm1 took: " + lease);

            Vm.PingResult toPc = vm.ping(HomeLan.PC_IP, 5);
            assertEquals(5, toPc.received(), "ping vm1 -> home PC:\n" + toPc.output());
            Vm.PingResult fromPc = home.pingFromPc(address, 3);
            assertEquals(3, fromPc.received(), "ping home PC -> vm1:\n" + fromPc.output());

            JsonNode lan = agentP.stats("pcap", lanDevice);
            System.out.println("proxy's LAN port: " + lan);
            assertTrue(lan.path("framesIn").asLong() >= 8 && lan.path("framesOut").asLong() >= 8,
                    "DHCP, ARP and pings crossed the proxy's pcap port: " + lan);
            assertEquals(0, lan.path("drops").path("inject-failed").asLong(), "no failed injection: " + lan);
            // frames the proxy injected are not captured again: vm1 stays learned behind the link
            List<String> learned = new ArrayList<>();
            agentP.op("learned").forEach(n -> learned.add(n.asText()));
            assertTrue(learned.stream().anyMatch(l -> l.contains(vm.mac()) && l.contains("link:to-b")),
                    "vm1 learned behind link:to-b on the proxy, never on the LAN port: " + learned);
            assertTrue(agentA.stats("interface", "vnet100").path("framesOut").asLong() >= 5,
                    "the replies reached vm1 through host A's TAP");
        }
    }

    @Test
    void aLanDeviceThatCannotBeOpenedStopsTheProxyWithExitCode2() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host proxy = fabric.addHost("proxy");
            Path cfg = fabric.workDir().resolve("proxy-bad.json");
            Files.writeString(cfg, Json.MAPPER.writeValueAsString(forHost(proxy).role("proxy").noListen()
                    .transit(VNI, 1500).lan(VNI, "nosuch0").build()
                    .put("control", fabric.workDir().resolve("bad.sock").toString())
                    .put("stateFile", fabric.workDir().resolve("bad-state.json").toString())));
            String agent = fabric.repoDir().resolve("host-agent/bin/vnet-agent").toString();

            Sh.Result missing = Sh.run(60, List.of("ip", "netns", "exec", proxy.ns(), agent, "--config", cfg.toString()));
            assertEquals(2, missing.exit(), missing.out());
            assertTrue(missing.out().contains("vnet-agent: agent failed to start: cannot open LAN device nosuch0 with"
                    + " libpcap") && missing.out().contains("No such device"), missing.out());

            Sh.Result noLib = Sh.run(60, List.of("ip", "netns", "exec", proxy.ns(), "env",
                    "VNET_JAVA_OPTS=-Xmx128m -Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap.so", agent,
                    "--config", cfg.toString()));
            assertEquals(2, noLib.exit(), noLib.out());
            assertTrue(noLib.out().contains("cannot load libpcap /nonexistent/libpcap.so for LAN device nosuch0"),
                    noLib.out());
        }
    }
}
