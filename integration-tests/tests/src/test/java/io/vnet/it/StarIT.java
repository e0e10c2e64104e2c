package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three hosts in a star through the third daemon (the proxy's position); then a direct
 * fast-path link between the outer hosts is added and deleted while a ping runs.
 */
class StarIT {
    static final int VNI = 200;

    Fabric fabric;
    Host a;
    Host b;
    Vm va;
    Vm vb;
    Vm vc;
    AgentProcess agentA;
    AgentProcess agentB;
    AgentProcess agentC;

    @BeforeEach
    void up() throws Exception {
        fabric = Fabric.create(Fabric.repo());
        a = fabric.addHost("ha");
        b = fabric.addHost("hb");
        Host c = fabric.addHost("hc");
        va = fabric.addVm(a, "va", VNI, 1500);
        vb = fabric.addVm(b, "vb", VNI, 1500);
        vc = fabric.addVm(c, "vc", VNI, 1500);
        agentC = fabric.startAgent(c, forHost(c).role("proxy").network(VNI, 1500)
                .accept("from-a", "ha", true).accept("from-b", "hb", true).build());
        agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-c", c, true).build());
        agentB = fabric.startAgent(b, forHost(b).network(VNI, 1500).dial("to-c", c, true).build());
        agentA.awaitLinkUp("to-c", 10_000);
        agentB.awaitLinkUp("to-c", 10_000);
    }

    @AfterEach
    void down() {
        if (fabric != null) {
            fabric.close();
        }
    }

    @Test
    void allVmPairsReachEachOtherThroughTheStar() {
        List<Vm> vms = List.of(va, vb, vc);
        for (Vm from : vms) {
            for (Vm to : vms) {
                if (from != to) {
                    Vm.PingResult r = from.ping(to, 3);
                    assertEquals(3, r.received(), from.name() + " -> " + to.name() + ":\n" + r.output());
                }
            }
        }
    }

    @Test
    void trafficMovesOntoAnAddedFastPathAndBackWhenItIsDeleted() throws Exception {
        assertEquals(3, va.ping(vb, 3).received());
        long viaCenter0 = agentC.stats("link", "from-a").path("framesIn").asLong();

        // add the fast path while a ping runs: B accepts, A dials, then rules on both sides
        Vm.BackgroundPing during = va.pingInBackground(vb, 80, 0.05);
        Thread.sleep(1000);
        agentB.op("link-add", "id", "fast", "peer", "ha", "flood", false, "vnis", new int[] {VNI});
        agentA.op("link-add", "id", "fast", "peer", "hb", "connect", b.ip() + ":5800", "flood", false, "vnis", new int[] {VNI});
        agentA.awaitLinkUp("fast", 10_000);
        agentB.op("rule-add", "vni", VNI, "src", "any", "dst", va.mac(), "to", "link:fast");
        agentA.op("rule-add", "vni", VNI, "src", "any", "dst", vb.mac(), "to", "link:fast");
        Thread.sleep(300);
        long fast1 = agentA.stats("link", "fast").path("framesOut").asLong();
        long center1 = agentC.stats("link", "from-a").path("framesIn").asLong();
        Thread.sleep(1500);
        long fast2 = agentA.stats("link", "fast").path("framesOut").asLong();
        long center2 = agentC.stats("link", "from-a").path("framesIn").asLong();
        Vm.PingResult r1 = during.await(30);
        System.out.printf("adding the fast path: %d of %d pings lost %s; in 1.5 s the fast link carried %d frames, "
                + "the center %d (before: %d through the center)%n", r1.lost(), r1.sent(), r1.missing(), fast2 - fast1,
                center2 - center1, center1 - viaCenter0);
        assertTrue(r1.lost() <= 1, "at most 1 lost ping while adding the fast path:\n" + r1.output());
        assertTrue(fast2 - fast1 >= 15, "the pings now take the fast link: " + (fast2 - fast1) + " frames");
        assertTrue(center2 - center1 <= 2, "the center no longer carries them: " + (center2 - center1) + " frames");
        assertTrue(agentB.stats("link", "fast").path("framesOut").asLong() >= 15, "replies take the fast link too");

        // delete it while a ping runs: the traffic goes back through the center
        Vm.BackgroundPing after = va.pingInBackground(vb, 80, 0.05);
        Thread.sleep(1000);
        agentB.op("rule-del", "vni", VNI, "src", "any", "dst", va.mac());
        agentA.op("link-del", "id", "fast");
        agentB.op("link-del", "id", "fast");
        assertEquals(0, agentA.op("rule-list").size(), "deleting the link deleted its rule");
        Thread.sleep(300);
        long center3 = agentC.stats("link", "from-a").path("framesIn").asLong();
        Thread.sleep(1500);
        long center4 = agentC.stats("link", "from-a").path("framesIn").asLong();
        Vm.PingResult r2 = after.await(30);
        for (AgentProcess ag : List.of(agentA, agentB, agentC)) {
            System.out.println(ag.host().name() + " stats: " + ag.op("stats"));
        }
        System.out.printf("deleting the fast path: %d of %d pings lost %s; in 1.5 s the center carried %d frames%n",
                r2.lost(), r2.sent(), r2.missing(), center4 - center3);
        assertTrue(r2.lost() <= 1, "at most 1 lost ping while deleting the fast path:\n" + r2.output());
        assertTrue(center4 - center3 >= 15, "the pings take the center again: " + (center4 - center3) + " frames");
    }
}
