package io.vnet.it.fabric;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;

import java.io.IOException;

/**
 * A cloud VM two overlay hops from the tenant's home LAN, as the proxy test and the demo use it:
 * host ha with the VM (no address yet, it asks by DHCP), transit host hb, and the proxy, whose
 * LAN device is a plain NIC on the home switch opened with pcap. ha dials hb; the proxy only
 * dials out, to hb, as behind a home NAT. The links are up and the home LAN's DHCP server runs.
 *
 * @param device the proxy's LAN device
 */
public record HomeNetwork(Host a, Host b, Host proxy, HomeLan home, String device, Vm vm, AgentProcess agentA,
                          AgentProcess agentB, AgentProcess agentP) {

    public static HomeNetwork start(Fabric fabric, int vni) throws IOException, InterruptedException {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Host proxy = fabric.addHost("proxy");
        HomeLan home = fabric.addHomeLan();
        String device = home.plug(proxy);
        Vm vm = fabric.addDhcpVm(a, "vm1", vni, 1500);
        AgentProcess agentB = fabric.startAgent(b, forHost(b).transit(vni, 1500)
                .accept("from-a", "ha", true).accept("from-proxy", "proxy", true).build());
        AgentProcess agentA = fabric.startAgent(a, forHost(a).network(vni, 1500).dial("to-b", b, true).build());
        AgentProcess agentP = fabric.startAgent(proxy, forHost(proxy).role("proxy").noListen().transit(vni, 1500)
                .lan(vni, device).dial("to-b", b, true).build());
        agentA.awaitLinkUp("to-b", 10_000);
        agentP.awaitLinkUp("to-b", 10_000);
        agentB.awaitLinkUp("from-a", 10_000);
        agentB.awaitLinkUp("from-proxy", 10_000);
        home.startDhcpServer();
        return new HomeNetwork(a, b, proxy, home, device, vm, agentA, agentB, agentP);
    }
}
