package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.fabric.libvirt.DomainSpec;
import io.vnet.it.fabric.libvirt.DomainType;
import io.vnet.it.fabric.libvirt.Domains;
import io.vnet.it.fabric.libvirt.Guest;
import io.vnet.it.fabric.libvirt.GuestImage;
import io.vnet.it.fabric.libvirt.GuestTraffic;
import io.vnet.it.fabric.libvirt.Libvirtd;
import io.vnet.it.fabric.libvirt.LibvirtTools;
import io.vnet.it.patterns.Patterns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real guest end to end: a tiny Linux guest (scripts/libvirt.sh) runs under a real libvirtd
 * and QEMU on test host ha, its NIC on ha's bridge of network {@value #VNI}; a netns VM y sits
 * on hc, the center of the star ha, hb → hc. y pings the guest and moves data to and from it
 * through the VNET overlay, then the guest is live-migrated from ha's libvirtd to hb's while y
 * pings it 10 times a second. The figures are printed with the prefix {@value #FIGURES}.
 * Fails, never skips, when libvirt, QEMU or the guest is missing.
 */
class LibvirtGuestIT {
    static final int VNI = 340;
    static final String FIGURES = "LIBVIRT-FIGURES";
    static final int MIB = 20;
    static final int MAX_DOWNTIME_MS = 10;

    Fabric fabric;
    Host ha;
    Host hb;
    Host hc;
    Vm y;
    AgentProcess agentB;
    AgentProcess agentC;
    Libvirtd libvirtdA;
    Libvirtd libvirtdB;

    @BeforeEach
    void up() throws Exception {
        LibvirtTools.check();
        GuestImage.locate();
        fabric = Fabric.create(Fabric.repo());
        ha = fabric.addHost("ha");
        hb = fabric.addHost("hb");
        hc = fabric.addHost("hc");
        y = fabric.addVm(hc, "y", VNI, 1500);
        // the daemons probe QEMU at start for some seconds: both start while the agents come up
        libvirtdA = Libvirtd.launch(fabric, ha);
        libvirtdB = Libvirtd.launch(fabric, hb);
        List<AgentProcess> agents = Patterns.startStar(fabric, List.of(ha, hb, hc), VNI);
        agentB = agents.get(1);
        agentC = agents.get(2);
        Duration readyA = libvirtdA.awaitReady(Duration.ofSeconds(120));
        Duration readyB = libvirtdB.awaitReady(Duration.ofSeconds(120));
        figure("libvirtd ready after launch: ha %d ms, hb %d ms", readyA.toMillis(), readyB.toMillis());
    }

    @AfterEach
    void down() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private void figure(String format, Object... args) {
        System.out.println(FIGURES + " " + String.format(format, args));
    }

    @Test
    void aRealGuestPingsMovesDataAndStaysReachableAcrossALiveMigration() throws Exception {
        String bridge = Host.bridgeName(VNI);
        for (Host h : List.of(ha, hb)) {
            assertTrue(Sh.run("ip", "-n", h.ns(), "link", "show", bridge).ok(), h.name() + " has its agent's bridge " + bridge);
        }
        DomainType type = DomainType.detect();
        figure("domain type %s: %s", type.name(), type.reason());
        String ip = "10.200." + (VNI % 256) + ".200";
        Path console = fabric.workDir().resolve("guest-console.log");
        DomainSpec spec = DomainSpec.builder("vnet-guest")
                .type(type)
                .boot(GuestImage.locate(), GuestImage.kernelArgs(ip + "/24", MIB))
                .nic("52:54:00:4e:01:c8", bridge, "gst0")
                .console(console)
                .build();
        Guest guest = Guest.start(libvirtdA, spec, ip);
        Domains onA = new Domains(libvirtdA);
        Domains onB = new Domains(libvirtdB);
        assertEquals("running", onA.state(guest.name()), "the guest runs on ha's libvirtd");
        figure("define+start: %d ms", guest.defineStartMillis());
        Duration boot = guest.awaitBooted(Duration.ofSeconds(90));
        figure("boot (virsh start to %s on the serial console): %d ms", GuestImage.READY, boot.toMillis());
        assertTrue(Sh.run("ip", "-n", ha.ns(), "link", "show", "gst0").ok(), "the guest's TAP is on ha");

        // (a) y on hc pings the guest on ha through the overlay (the first ping may wait for ARP)
        Vm.PingResult first = y.ping(ip, 3);
        Vm.PingResult pings = y.ping(ip, 10);
        figure("ping y (hc) -> guest (ha): %d/%d received, avg %.2f ms", pings.received(), pings.sent(), pings.avgMs());
        assertEquals(10, pings.received(), "y reaches the guest through the overlay (warm-up: " + first.received()
                + "/3):\n" + pings.output() + "\nguest console:\n" + guest.console());
        long framesFromA = agentC.stats("link", "from-ha").path("framesIn").asLong();
        assertTrue(framesFromA >= 10, "hc got the guest's replies over its link from ha: " + framesFromA + " frames");
        assertTrue(learnedBehind(agentC, guest.mac(), "link:from-ha"),
                "hc learned the guest's MAC behind its link from ha: " + agentC.op("learned"));

        // (b) data through the overlay, both ways
        GuestTraffic.Transfer up = GuestTraffic.upload(fabric, y, guest, MIB * 1_048_576L, Duration.ofSeconds(120));
        figure("transfer %s", up);
        assertEquals(MIB * 1_048_576L, up.bytes(), "the guest received every byte y sent");
        GuestTraffic.Transfer down = GuestTraffic.download(fabric, guest, y, Duration.ofSeconds(120));
        figure("transfer %s", down);
        assertEquals(MIB * 1_048_576L, down.bytes(), "y received every byte the guest sent");

        // (c) live migration ha -> hb while y pings the guest 10 times a second
        int count = 80;
        Path pingLog = fabric.workDir().resolve("ping-during-migration.log");
        Process ping = fabric.spawn(y.ns(), List.of("ping", "-D", "-n", "-c", Integer.toString(count), "-i", "0.1",
                "-W", "1", ip), pingLog);
        Thread.sleep(2000);
        // QEMU's default tolerated downtime is 300 ms; at 10 pings a second the pause must stay near 100 ms
        Domains.Migration m = guest.migrateTo(libvirtdB, MAX_DOWNTIME_MS);
        assertTrue(ping.waitFor(count / 10 + 30, java.util.concurrent.TimeUnit.SECONDS), "the ping ended");
        Vm.PingResult during = Vm.parsePing(Files.readString(pingLog));
        figure("live migration ha -> hb: %d ms (virsh migrate), downtime %d ms (domjobinfo; max downtime set to %d ms)",
                m.tookMillis(), m.downtimeMillis(), MAX_DOWNTIME_MS);
        List<String> when = new ArrayList<>();
        for (int seq : during.missing()) {
            when.add(String.format("#%d at %+.0f ms", seq, (during.sendTime(seq, 0.1) - m.startedMillis() / 1000.0) * 1000));
        }
        figure("ping during migration (10/s): sent %d, received %d, lost %d %s, sent relative to the start of virsh"
                + " migrate: %s", during.sent(), during.received(), during.lost(), during.missing(), when);
        assertEquals("running", onB.state(guest.name()), "the guest runs on hb's libvirtd after the migration");
        assertNull(onA.state(guest.name()), "ha's libvirtd no longer has the guest (--undefinesource)");
        assertTrue(libvirtdA.qemuProcesses().isEmpty(), "no QEMU left on ha: " + libvirtdA.qemuProcesses());
        assertTrue(Sh.run("ip", "-n", hb.ns(), "link", "show", "gst0").ok(), "the guest's TAP is on hb now");
        assertTrue(during.sent() >= count - 1, "the ping ran through the migration:\n" + during.output());
        // at most 1 ping lost to the overlay; a guest that QEMU pauses longer than 100 ms (TCG on a loaded
        // machine: 147 and 256 ms were seen against the 10 ms asked for) misses the pings of its own pause too
        long pausedPings = Math.max(0, m.downtimeMillis()) / 100;
        assertTrue(during.lost() <= 1 + pausedPings, "at most 1 of 10 pings a second lost while the guest migrates,"
                + " beyond the " + pausedPings + " its own pause explains; lost "
                + during.lost() + " " + during.missing() + " (migration " + m.tookMillis() + " ms, downtime "
                + m.downtimeMillis() + " ms):\n" + during.output() + "\nhb's agent:\n" + agentB.logText());

        // the guest is reachable on hb, and the overlay knows it is there
        Vm.PingResult after = y.ping(ip, 10);
        figure("ping y (hc) -> guest (hb) after migration: %d/%d received, avg %.2f ms", after.received(), after.sent(),
                after.avgMs());
        assertEquals(10, after.received(), "y reaches the migrated guest:\n" + after.output() + "\nguest console:\n"
                + guest.console());
        assertTrue(learnedBehind(agentC, guest.mac(), "link:from-hb"),
                "hc learned the guest's MAC behind its link from hb: " + agentC.op("learned"));
        assertTrue(learnedBehind(agentB, guest.mac(), "interface:" + Host.tapName(VNI)),
                "hb learned the guest on its own TAP: " + agentB.op("learned"));
        GuestTraffic.Transfer upAfter = GuestTraffic.upload(fabric, y, guest, 4 * 1_048_576L, Duration.ofSeconds(60));
        figure("transfer after migration %s", upAfter);
        assertEquals(4 * 1_048_576L, upAfter.bytes(), "the migrated guest received every byte");
        assertTrue(guest.count(GuestImage.READY) == 1, "the guest booted once: it migrated, it did not restart");
    }

    /** Whether {@code agent} has learned {@code mac} behind port {@code port} ("vni V MAC -> PORT (...)"). */
    private static boolean learnedBehind(AgentProcess agent, String mac, String port) throws Exception {
        for (JsonNode l : agent.op("learned")) {
            String s = l.asText().toLowerCase();
            if (s.contains(mac.toLowerCase() + " -> " + port.toLowerCase() + " ")) {
                return true;
            }
        }
        return false;
    }
}
