package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import io.vnet.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * MAC hijacking, tried as an attacker would: a link peer (over TCP and over VXLAN) whose VM
 * sends frames and gratuitous ARPs from a VM's address on the host it links to, and a VM that
 * sends gratuitous ARPs with another host's VM's address. Each attack runs at 125 frames/s for
 * 30 s; for the first 20 s the victim is silent (nothing talks to it, so nothing of its own
 * repairs a hijack), then another VM pings it 10 times a second: at most one ping is lost, and
 * the attacker's frames are counted {@code spoofed} where they enter.
 */
class MacSpoofIT {
    static final int VNI = 100;
    /** Frames of the attack: 125 a second for 30 s. */
    static final int FRAMES = 3750;
    static final String GAP = "8msec";

    /** A TCP link peer and a VXLAN link peer attack at once (one fabric, so the test takes one attack's time). */
    @Test
    void tcpAndVxlanLinkPeersCannotTakeOverAVmsAddressWithoutAManager() throws Exception {
        linkPeers(true);
    }

    /** The control: with holds off ({@code "macHoldMs": 0}, what every build before did) the same attack takes v's address. */
    @Test
    void withoutTheHoldTheSameAttackTakesTheAddress() throws Exception {
        linkPeers(false);
    }

    /**
     * Host h1 runs the victim v, h2 the pinger p; px is a peer linked to h1 over TCP and pv one
     * linked over VXLAN, and each has a VM (s1, s2) that wears v's address. No manager: h1 holds
     * v's address, learned on its bridge, against the links.
     */
    private static void linkPeers(boolean hold) throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host px = fabric.addHost("px");
            Host pv = fabric.addHost("pv");
            Vm v = fabric.addVm(h1, "v", VNI, 1500);
            Vm p = fabric.addVm(h2, "p", VNI, 1500);
            Vm s1 = fabric.addVm(px, "s1", VNI, 1500);
            Vm s2 = fabric.addVm(pv, "s2", VNI, 1500);
            AgentConfigBuilder c1 = forHost(h1).network(VNI, 1500).accept("from-h2", "h2", true)
                    .accept("from-px", "px", true).vxlanListen(h1).vxlan("vx-pv", pv, true, VNI);
            if (!hold) {
                c1.set("macHoldMs", 0);
            }
            AgentProcess a1 = fabric.startAgent(h1, c1.build());
            fabric.startAgent(h2, forHost(h2).network(VNI, 1500).dial("to-h1", h1, true).build());
            AgentProcess ax = fabric.startAgent(px, forHost(px).role("proxy").network(VNI, 1500).dial("to-h1", h1, true).build());
            fabric.startAgent(pv, forHost(pv).role("proxy").network(VNI, 1500).vxlanListen(pv).vxlan("vx-h1", h1, true, VNI)
                    .build());
            a1.awaitLinkUp("from-h2", 10_000);
            ax.awaitLinkUp("to-h1", 10_000);
            assertEquals(3, p.ping(v, 3).received(), "p reaches v before the attack");
            assertEquals(3, s1.ping(p, 3).received(), "the TCP peer's VM is on the network too");
            assertEquals(3, s2.ping(p, 3).received(), "the VXLAN peer's VM is on the network too");

            wear(s1, v);
            wear(s2, v);
            attack(fabric, s1, v, "spoofer-tcp", false);
            attack(fabric, s2, v, "spoofer-vxlan", false);
            if (!hold) {
                Thread.sleep(5_000);
                Vm.PingResult r = p.ping(v, 30, 0.1, 56);
                System.out.printf("control, holds off: link peers wearing v's address: pings to v %d of %d lost%n",
                        r.lost(), r.sent());
                assertTrue(r.lost() >= r.sent() / 2, "without the hold the attack works (or this test shows nothing): "
                        + r.output());
                return;
            }
            Outcome o = silentThenPinged(p, v, a1);
            JsonNode tcp = a1.stats("link", "from-px");
            JsonNode vxlan = a1.stats("link", "vx-pv");
            long spoofedTcp = tcp.path("drops").path("spoofed").asLong();
            long spoofedVxlan = vxlan.path("drops").path("spoofed").asLong();
            System.out.printf("TCP and VXLAN link peers wearing v's address, %d frames each at 125/s: pings to v %d of %d"
                    + " lost %s; h1 counted %d spoofed on from-px (TCP) and %d on vx-pv (VXLAN); h1 learned %s%n", FRAMES,
                    o.pings.lost(), o.pings.sent(), o.pings.missing(), spoofedTcp, spoofedVxlan, o.learnedBefore);
            assertTrue(o.pings.sent() >= 90, o.pings.output());
            assertTrue(o.pings.lost() <= 1, "at most 1 of 10 pings a second lost to the victim, lost " + o.pings.lost()
                    + " " + o.pings.missing() + ":\n" + o.pings.output() + "\nh1's log:\n" + a1.logText());
            if (AgentConfigBuilder.KERNEL_PATH) {
                // the kernel path holds what the bridge has on a VM's port (the agent sees none of v's frames)
                String fdb = Sh.must("bridge", "-n", h1.ns(), "fdb", "show", "br", Host.bridgeName(VNI)).toLowerCase();
                assertTrue(fdb.lines().anyMatch(l -> l.startsWith(v.mac().toLowerCase() + " dev " + v.hostSide())),
                        "after 20 s of the attack with v silent, h1's bridge still has v on its port:\n" + fdb);
            } else {
                assertTrue(o.learnedBefore.contains(v.mac().toLowerCase() + " -> interface:"),
                        "after 20 s of the attack with v silent, h1 still has v on its bridge: " + o.learnedBefore);
            }
            assertTrue(spoofedTcp >= FRAMES * 9 / 10, "the TCP peer's frames were dropped, counted spoofed: " + tcp);
            assertTrue(spoofedVxlan >= FRAMES * 9 / 10, "the VXLAN peer's frames were dropped, counted spoofed: " + vxlan);
            assertEquals(0, a1.stats("forwarder", "mac-moves").path("framesIn").asLong(), "no gratuitous ARP moved v");
        }
    }

    /**
     * Hosts h1, h2 and h3 around a center c, with a manager; the agents name their VMs in their
     * files (as libvirt would register them), so the manager tells every agent that v is on h1.
     * VM s on h3 sends gratuitous ARPs with v's address: h3 drops them at its TAP.
     */
    @Test
    void aVmCannotAnnounceAnotherHostsVmsAddress() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host h3 = fabric.addHost("h3");
            Host c = fabric.addHost("c");
            Vm v = fabric.addVm(h1, "v", VNI, 1500);
            Vm p = fabric.addVm(h2, "p", VNI, 1500);
            Vm s = fabric.addVm(h3, "s", VNI, 1500);
            ManagerProcess manager = fabric.startManager(mgr, Json.object());
            List<AgentProcess> agents = Patterns.startStar(fabric, List.of(h1, h2, h3, c), VNI, b -> {
                b.manager(manager, 500);
                if (b.host() == h1) {
                    b.vm(v);
                } else if (b.host() == h2) {
                    b.vm(p);
                }
                return b;
            });
            AgentProcess a3 = agents.get(2);
            awaitOwners(agents, v, "elsewhere", List.of(1, 2, 3), 10_000);
            assertEquals(3, p.ping(v, 3).received(), "p reaches v before the attack");

            // the center (a proxy) has an address on its bridge, as a home proxy's host may, and talks
            // from it: the agent sees the bridge's own frames on its TAP but never lists the bridge as a VM
            String bridge = Host.bridgeName(VNI);
            String bridgeIp = v.ip().substring(0, v.ip().lastIndexOf('.')) + ".250";
            Sh.must("ip", "-n", c.ns(), "addr", "add", bridgeIp + "/24", "dev", bridge);
            Sh.Result fromBridge = Sh.run("ip", "netns", "exec", c.ns(), "ping", "-c", "3", "-i", "0.2", "-W", "1", v.ip());
            assertTrue(fromBridge.ok(), "the center's host reaches v from its bridge: " + fromBridge.out());
            String bridgeMac = mac(c, bridge);
            Thread.sleep(1500); // two reports
            String cVms = "";
            for (JsonNode h : manager.get("/agents")) {
                if (h.path("hostId").asText().equals("c")) {
                    cVms = h.path("vms").toString().toLowerCase();
                }
            }
            assertTrue(agents.get(3).op("learned").toString().toLowerCase().contains(bridgeMac),
                    "the center's agent saw its bridge's frames: " + agents.get(3).op("learned"));
            assertTrue(!cVms.contains(bridgeMac), "the center lists its own bridge (" + bridgeMac + ") as a VM: " + cVms);

            Process attack = attack(fabric, s, v, "garp", true);
            Outcome o = silentThenPinged(p, v, agents.get(0));
            attack.waitFor(5, TimeUnit.SECONDS);
            JsonNode tap = a3.stats("interface", Host.tapName(VNI));
            long spoofed = tap.path("drops").path("spoofed").asLong();
            System.out.printf("VM on h3 announcing v's address, %d gratuitous ARPs at 125/s: pings to v %d of %d lost %s;"
                    + " h3 counted %d spoofed on its TAP%n", FRAMES, o.pings.lost(), o.pings.sent(), o.pings.missing(), spoofed);
            assertTrue(o.pings.sent() >= 90, o.pings.output());
            assertTrue(o.pings.lost() <= 1, "at most 1 of 10 pings a second lost to the victim, lost " + o.pings.lost()
                    + " " + o.pings.missing() + ":\n" + o.pings.output());
            assertTrue(spoofed >= FRAMES * 9 / 10, "s's announcements were dropped at h3's TAP, counted spoofed: " + tap);
            for (AgentProcess a : agents) {
                assertEquals(0, a.stats("forwarder", "mac-moves").path("framesIn").asLong(),
                        a.host().name() + ": no announcement moved v");
            }
        }
    }

    /** Waits until every agent listed by index owns v's address as {@code where}. */
    private static void awaitOwners(List<AgentProcess> agents, Vm v, String where, List<Integer> which, long timeoutMs)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String want = "vni " + VNI + " " + v.mac().toLowerCase() + " " + where;
        for (int i : which) {
            AgentProcess a = agents.get(i);
            while (!a.op("owners").toString().toLowerCase().contains(want)) {
                assertTrue(System.currentTimeMillis() < deadline, a.host().name() + " never owned " + want + ": "
                        + a.op("owners"));
                Thread.sleep(50);
            }
        }
    }

    /** The Ethernet address of device {@code dev} in host {@code h}'s namespace, lower case. */
    private static String mac(Host h, String dev) {
        String out = Sh.must("ip", "-n", h.ns(), "-o", "link", "show", "dev", dev);
        int at = out.indexOf("link/ether ");
        return out.substring(at + 11, at + 28).toLowerCase();
    }

    /** Gives VM {@code s} the victim's Ethernet address (its IP stays its own). */
    private static void wear(Vm s, Vm victim) {
        Sh.must("ip", "-n", s.ns(), "link", "set", "eth0", "down");
        Sh.must("ip", "-n", s.ns(), "link", "set", "eth0", "address", victim.mac());
        Sh.must("ip", "-n", s.ns(), "link", "set", "eth0", "up");
    }

    /**
     * Starts the attack from {@code s}: gratuitous ARPs claiming the victim's address and IP (and,
     * unless {@code garpOnly}, broadcast frames from it in between), {@value #FRAMES} at 125/s.
     */
    private static Process attack(Fabric fabric, Vm s, Vm victim, String name, boolean garpOnly) throws Exception {
        Path log = fabric.workDir().resolve(name + ".log");
        String arp = "request, smac=" + victim.mac() + ", sip=" + victim.ip() + ", tip=" + victim.ip();
        Process garp = fabric.spawn(s.ns(), List.of("mausezahn", "eth0", "-q", "-a", victim.mac(), "-b",
                "ff:ff:ff:ff:ff:ff", "-t", "arp", arp, "-c", Integer.toString(garpOnly ? FRAMES : FRAMES / 2), "-d", GAP),
                log);
        if (!garpOnly) {
            fabric.spawn(s.ns(), List.of("mausezahn", "eth0", "-q", "-a", victim.mac(), "-b", "ff:ff:ff:ff:ff:ff",
                    "-c", Integer.toString(FRAMES / 2), "-d", GAP, "-p", "60"), fabric.workDir().resolve(name + "-eth.log"));
        }
        return garp;
    }

    record Outcome(Vm.PingResult pings, String learnedBefore) {
    }

    /**
     * 20 s of the attack with the victim silent, then what {@code victimHost} learned of it, then
     * 10 pings a second for 10 s from {@code p}.
     */
    private static Outcome silentThenPinged(Vm p, Vm v, AgentProcess victimHost) throws Exception {
        Thread.sleep(20_000);
        String learned = victimHost.op("learned").toString().toLowerCase();
        Vm.BackgroundPing ping = p.pingInBackground(v, 100, 0.1);
        Vm.PingResult r = ping.await(60);
        return new Outcome(r, learned);
    }
}
