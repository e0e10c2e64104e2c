package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Capture;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on one KVM host, each with its own home proxy: tenant A (VNI 100) and tenant B
 * (VNI 200). Tenant A turns hostile: its proxy's configuration claims B's network too, with a VM
 * of its own there, and says its link to the host carries both. The host's links carry only what
 * the host's configuration names (to A's proxy: 100; to B's proxy: 200), so nothing of B reaches
 * A's proxy and A's VM cannot reach B's; both tenants' own traffic works.
 */
class TenantIsolationIT {
    static final int A = 100;
    static final int B = 200;

    @Test
    void aProxyClaimingAnotherTenantsNetworkOverTcpGetsNothingOfIt() throws Exception {
        run(false);
    }

    @Test
    void aProxyClaimingAnotherTenantsNetworkOverVxlanGetsNothingOfIt() throws Exception {
        run(true);
    }

    private static void run(boolean vxlan) throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h = fabric.addHost("kvm");
            Host pxa = fabric.addHost("pxa");
            Host pxb = fabric.addHost("pxb");
            Vm a1 = fabric.addVm(h, "a1", A, 1400);
            Vm b1 = fabric.addVm(h, "b1", B, 1400);
            Vm a2 = fabric.addVm(pxa, "a2", A, 1400); // tenant A's home LAN
            Vm evil = fabric.addVm(pxa, "evil", B, 1400); // A's VM in B's network, on A's proxy
            Vm b2 = fabric.addVm(pxb, "b2", B, 1400); // tenant B's home LAN

            AgentConfigBuilder attacker = forHost(pxa).role("proxy").network(A, 1400).network(B, 1400);
            AgentConfigBuilder victim = forHost(pxb).role("proxy").network(B, 1400);
            AgentConfigBuilder host = forHost(h).network(A, 1400).network(B, 1400);
            String toA = vxlan ? "vx-pxa" : "to-pxa";
            String toB = vxlan ? "vx-pxb" : "to-pxb";
            if (vxlan) {
                attacker.vxlanListen(pxa).vxlan("vx-kvm", h, true, A, B);
                victim.vxlanListen(pxb).vxlan("vx-kvm", h, true, B);
                host.vxlanListen(h).vxlan(toA, pxa, true, A).vxlan(toB, pxb, true, B);
            } else {
                attacker.accept("from-kvm", "kvm", true, A, B);
                victim.accept("from-kvm", "kvm", true, B);
                host.dial(toA, pxa, true, A).dial(toB, pxb, true, B);
            }
            fabric.startAgent(pxa, attacker.build());
            fabric.startAgent(pxb, victim.build());
            AgentProcess agent = fabric.startAgent(h, host.build());
            if (!vxlan) {
                agent.awaitLinkUp(toA, 10_000);
                agent.awaitLinkUp(toB, 10_000);
            }

            // both tenants' own traffic works
            assertEquals(3, a1.ping(a2, 3).received(), "tenant A, VM to home LAN");
            assertEquals(3, b1.ping(b2, 3).received(), "tenant B, VM to home LAN");

            // what reaches tenant A's proxy in B's network while B's VMs ARP and ping, and A's VM tries B's
            try (Capture capture = Capture.start(fabric, pxa.ns(), Host.tapName(B))) {
                Sh.must("ip", "-n", b1.ns(), "neigh", "flush", "dev", "eth0");
                Sh.must("ip", "-n", b2.ns(), "neigh", "flush", "dev", "eth0");
                Vm.PingResult own = b1.ping(b2, 10);
                Vm.PingResult back = b2.ping(b1, 10);
                b1.ping("10.200.200.250", 3); // nobody: ARP broadcasts in B's network
                Sh.run("ip", "netns", "exec", b1.ns(), "busybox", "arping", "-U", "-c", "3", "-I", "eth0", b1.ip());
                Vm.PingResult attack = evil.ping(b1, 5);
                Vm.PingResult attack2 = evil.ping(b2, 5);
                List<Capture.Frame> frames = capture.stop();

                assertEquals(10, own.received(), own.output());
                assertEquals(10, back.received(), back.output());
                assertEquals(0, attack.received(), "A's VM reached B's VM on the host:\n" + attack.output());
                assertEquals(0, attack2.received(), "A's VM reached B's home LAN:\n" + attack2.output());
                Set<String> tenantB = Set.of(b1.mac(), b2.mac());
                List<Capture.Frame> leaked = frames.stream().filter(f -> !f.src().equals(evil.mac())).toList();
                System.out.printf("%s: %d frames on %s's TAP of network %d, %d of them not its own VM's%n",
                        vxlan ? "vxlan" : "tcp", frames.size(), pxa.name(), B, leaked.size());
                assertTrue(frames.stream().anyMatch(f -> f.src().equals(evil.mac())),
                        "the capture saw the attacker's own ARP requests (it works): " + frames);
                assertEquals(List.of(), leaked.stream().map(Capture.Frame::line).toList(),
                        "frames of another tenant reached A's proxy (B's MACs: " + tenantB + ")");
            }
            long refused = agent.stats("link", toA).path("drops").path("not-carried").asLong();
            System.out.printf("%s: the host refused %d frame(s) of network %d from %s%n", vxlan ? "vxlan" : "tcp",
                    refused, B, toA);
            assertTrue(refused >= 5, "the attacker's frames were refused and counted not-carried on " + toA + ": "
                    + agent.stats("link", toA));
            assertEquals(3, a1.ping(a2, 3).received(), "tenant A still works");
        }
    }
}
