package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.libvirt.DomainSpec;
import io.vnet.it.fabric.libvirt.Domains;
import io.vnet.it.fabric.libvirt.GuestImage;
import io.vnet.it.fabric.libvirt.Libvirtd;
import io.vnet.it.fabric.libvirt.LibvirtTools;
import io.vnet.it.patterns.Patterns;
import io.vnet.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The host agent follows a real libvirtd: a domain started on test host ha (its NIC on the
 * bridge of network {@value #VNI}) is registered with the manager, uuid, name and MAC, within
 * 2 s; live-migrated to hb, it is registered there and withdrawn from ha, and the overlay's
 * center learns it behind hb from the announcement; destroyed, it disappears within 2 s. A
 * libvirtd that goes away is reported by the agent, which keeps running. Fails, never skips,
 * when libvirt or QEMU is missing.
 */
class LibvirtAgentIT {
    static final int VNI = 350;
    static final long DEADLINE_MS = 2000;
    /** Issue 15: ownership updates from the manager reach every agent within 300 ms. */
    static final long OWNERS_MS = 300;

    /**
     * Waits until each of {@code agents} lists {@code mac} as owned {@code where}; returns the
     * longest time, in ms, from the manager's registration of {@code vm} to an agent applying the
     * owners message that said so (the agent's {@code ownersUpdatedAt}; the same clock).
     */
    static long ownersReached(List<AgentProcess> agents, String mac, String where, JsonNode vm) throws Exception {
        java.time.Instant registered = java.time.Instant.parse(vm.path("registeredAt").asText());
        long deadline = System.currentTimeMillis() + 10_000;
        long worst = 0;
        for (AgentProcess a : agents) {
            while (!a.op("owners").toString().contains(mac + " " + where)) {
                assertTrue(System.currentTimeMillis() < deadline, a.host().name() + " never owned " + mac + " " + where
                        + ": " + a.op("owners"));
                Thread.sleep(5);
            }
            java.time.Instant applied = java.time.Instant.parse(a.op("status").path("ownersUpdatedAt").asText());
            worst = Math.max(worst, java.time.Duration.between(registered, applied).toMillis());
        }
        return worst;
    }

    @Test
    void domainsAppearInTheManagerWithinTwoSecondsFollowAMigrationAndGoWhenStopped() throws Exception {
        LibvirtTools.check();
        GuestImage image = GuestImage.locate();
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host ha = fabric.addHost("ha");
            Host hb = fabric.addHost("hb");
            Host hc = fabric.addHost("hc");
            Libvirtd lvA = Libvirtd.launch(fabric, ha);
            // hb's libvirtd runs VNET's qemu hook as packaged (its settings in a wrapper: libvirt passes its hooks
            // no environment of ours), so a domain on vnbr<N> gets its network attached before QEMU starts
            installQemuHook(fabric, hb);
            Libvirtd lvB = Libvirtd.launch(fabric, hb);
            ManagerProcess manager = fabric.startManager(mgr, Json.object());
            List<AgentProcess> agents = Patterns.startStar(fabric, List.of(ha, hb, hc), VNI, b -> {
                b.manager(manager, 500);
                if (b.host() == ha) {
                    b.libvirt(lvA.uri(), 60_000);
                } else if (b.host() == hb) {
                    b.libvirt(lvB.uri(), 60_000);
                }
                return b;
            });
            AgentProcess agentA = agents.get(0);
            AgentProcess agentC = agents.get(2);
            lvA.awaitReady(Duration.ofSeconds(120));
            lvB.awaitReady(Duration.ofSeconds(120));

            String mac = "52:54:00:35:00:01";
            DomainSpec spec = DomainSpec.builder("vm-x").boot(image, GuestImage.kernelArgs("10.35.0.11/24", 1))
                    .nic(mac, Host.bridgeName(VNI), "lvx0").console(fabric.workDir().resolve("vm-x.console")).build();
            Domains onA = new Domains(lvA);
            onA.define(spec);
            onA.start("vm-x");
            java.time.Instant started = java.time.Instant.now();
            String uuid = lvA.virshMust(30, "domuuid", "vm-x").strip();
            JsonNode vm = await(manager, uuid, v -> v.path("hostId").asText().equals("ha"));
            // the manager's own time of registration (same clock): the polling's cost is not counted
            long appearedMs = java.time.Duration.between(started, java.time.Instant.parse(vm.path("registeredAt").asText()))
                    .toMillis();
            System.out.printf("LIBVIRT-AGENT domain vm-x (%s) registered %d ms after virsh start returned%n", uuid, appearedMs);
            assertTrue(appearedMs <= DEADLINE_MS, "registered within 2 s: " + appearedMs + " ms");
            assertEquals("vm-x", vm.path("name").asText());
            assertEquals("libvirt", vm.path("source").asText());
            assertEquals(mac, vm.path("nics").get(0).path("mac").asText());
            assertEquals(VNI, vm.path("nics").get(0).path("vni").asInt());
            assertEquals("lvx0", vm.path("nics").get(0).path("tap").asText());
            assertTrue(macOn(manager, "ha", mac), "ha reports the VM's MAC: " + manager.get("/agents"));
            // the manager tells every agent of the network where the VM is (its address owned there)
            long ownersMs = ownersReached(List.of(agents.get(1), agentC), mac, "elsewhere", vm);
            assertTrue(agentA.op("owners").toString().contains(mac + " here"), "ha owns it: " + agentA.op("owners"));
            System.out.printf("LIBVIRT-AGENT the owner of %s reached hb and hc (applied) %d ms after the manager registered it%n",
                    mac, ownersMs);
            assertTrue(ownersMs <= OWNERS_MS, "ownership reaches every agent within " + OWNERS_MS + " ms: " + ownersMs);

            // live migration to hb: registered there, withdrawn from ha, and the center learns it behind hb
            // live migration to hb by the manager's libvirt executor (virDomainMigrate, from this JVM's connections
            // to both daemons; QEMU's stream over the underlay): registered there, withdrawn from ha, and the
            // center learns it behind hb from the announcement
            long t0 = System.nanoTime();
            io.vnet.libvirt.migrate.Migrator.migrate(uuid, lvA.uri(), lvB.uri(), "tcp://" + hb.ip(), 120_000);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            java.time.Instant migrated = java.time.Instant.now();
            JsonNode onHb = await(manager, uuid, v -> v.path("hostId").asText().equals("hb"));
            // the destination registers it when it resumes there, which may be before the migration call returns
            long movedMs = java.time.Duration.between(migrated, java.time.Instant.parse(onHb.path("registeredAt").asText()))
                    .toMillis();
            awaitGone(manager, uuid, "ha");
            assertEquals("running", new Domains(lvB).state("vm-x"), "it runs on hb");
            assertEquals(null, onA.state("vm-x"), "and is no longer defined on ha (it was persistent: moved with it)");
            System.out.printf("LIBVIRT-AGENT live migration ha -> hb (virDomainMigrate) took %d ms; registered on hb %d ms"
                    + " after it returned (negative: before)%n", tookMs, movedMs);
            assertTrue(movedMs <= DEADLINE_MS, "registered on hb within 2 s: " + movedMs + " ms");
            long movedOwnersMs = ownersReached(List.of(agentA, agentC), mac, "elsewhere", onHb);
            assertTrue(agents.get(1).op("owners").toString().contains(mac + " here"), "hb owns it now");
            System.out.printf("LIBVIRT-AGENT after the migration, the new owner reached ha and hc %d ms after the manager"
                    + " registered it on hb%n", movedOwnersMs);
            assertTrue(movedOwnersMs <= OWNERS_MS, "ownership updates reach every agent within " + OWNERS_MS + " ms: "
                    + movedOwnersMs);
            String learned = agentC.op("learned").toString();
            assertTrue(learned.contains(mac + " -> link:from-hb"), "the center forwards to the VM over hb's link: " + learned);

            // destroyed: gone within 2 s
            Domains onB = new Domains(lvB);
            onB.destroy("vm-x");
            long stopped = System.nanoTime();
            awaitGone(manager, uuid, null);
            long goneMs = (System.nanoTime() - stopped) / 1_000_000;
            System.out.printf("LIBVIRT-AGENT domain vm-x withdrawn %d ms after virsh destroy returned%n", goneMs);
            assertTrue(goneMs <= DEADLINE_MS, "gone within 2 s: " + goneMs + " ms");
            long deadline = System.currentTimeMillis() + DEADLINE_MS + 1500;
            while (macOn(manager, "hb", mac) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(!macOn(manager, "hb", mac), "hb no longer reports the stopped VM's MAC: " + manager.get("/agents"));

            // plain libvirt: a domain whose NIC is on vnbr360, a network hb's agent does not carry and whose bridge
            // does not exist; the qemu hook has the agent attach it before QEMU starts, and the domain is registered
            int vni2 = 360;
            assertTrue(!io.vnet.it.fabric.Sh.run("ip", "-n", hb.ns(), "link", "show", "vnbr" + vni2).ok(), "no vnbr360 yet");
            String mac2 = "52:54:00:36:00:02";
            DomainSpec spec2 = DomainSpec.builder("vm-y").boot(image, GuestImage.kernelArgs("10.36.0.12/24", 1))
                    .nic(mac2, "vnbr" + vni2, "lvy0").console(fabric.workDir().resolve("vm-y.console")).build();
            onB.define(spec2);
            onB.start("vm-y");
            String uuid2 = lvB.virshMust(30, "domuuid", "vm-y").strip();
            JsonNode vmY = await(manager, uuid2, v -> v.path("hostId").asText().equals("hb"));
            assertEquals(vni2, vmY.path("nics").get(0).path("vni").asInt(), vmY.toString());
            assertEquals("vnbr" + vni2, vmY.path("nics").get(0).path("bridge").asText());
            assertTrue(agents.get(1).op("status").path("networks").toString().contains(String.valueOf(vni2)),
                    "hb's agent carries network 360 now: " + agents.get(1).op("status"));
            System.out.printf("LIBVIRT-AGENT qemu hook: vm-y started on vnbr%d, which the hook had the agent create%n", vni2);
            onB.destroy("vm-y");

            // libvirtd goes away: the agent says so, and runs on
            lvA.close();
            deadline = System.currentTimeMillis() + 15_000;
            String state = "";
            while (System.currentTimeMillis() < deadline) {
                state = agentA.op("status").path("libvirt").asText();
                if (state.startsWith("down")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(state.startsWith("down"), "agent ha reports libvirt down: " + state);
            assertTrue(agentA.process().isAlive(), "the agent keeps running");
        }
    }

    /** Waits (up to 10 s) for the manager to list VM {@code uuid} matching {@code test}; returns it. */
    static JsonNode await(ManagerProcess manager, String uuid, Predicate<JsonNode> test) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode all = null;
        while (System.currentTimeMillis() < deadline) {
            all = manager.get("/vms");
            for (JsonNode v : all) {
                if (v.path("uuid").asText().equalsIgnoreCase(uuid) && test.test(v)) {
                    return v;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the manager never listed VM " + uuid + " as expected: " + all);
    }

    /** Waits (up to 10 s) until no host (or not {@code host}) lists VM {@code uuid}. */
    static void awaitGone(ManagerProcess manager, String uuid, String host) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode all = null;
        while (System.currentTimeMillis() < deadline) {
            all = manager.get("/vms");
            boolean there = false;
            for (JsonNode v : all) {
                there |= v.path("uuid").asText().equalsIgnoreCase(uuid) && (host == null || v.path("hostId").asText().equals(host));
            }
            if (!there) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("VM " + uuid + " is still listed" + (host == null ? "" : " on " + host) + ": " + all);
    }

    static boolean macOn(ManagerProcess manager, String host, String mac) throws Exception {
        for (JsonNode a : manager.get("/agents")) {
            if (a.path("hostId").asText().equals(host)) {
                for (JsonNode v : a.path("vms")) {
                    if (v.path("mac").asText().equals(mac)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Installs host-agent/packaging/libvirt/qemu.d/vnet into the libvirtd of {@code host} (its
     * /etc/libvirt, before it starts), behind a wrapper that gives it what /etc/default would:
     * this repository's vnetctl and the host's agent socket.
     */
    static void installQemuHook(Fabric fabric, Host host) throws java.io.IOException {
        java.nio.file.Path dir = fabric.workDir().resolve("libvirt-" + host.name()).resolve("etc/hooks/qemu.d");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path hook = dir.resolve("vnet");
        java.nio.file.Files.writeString(hook, "#!/bin/sh\n"
                + "export VNETCTL=" + Fabric.repo().resolve("host-agent/bin/vnetctl") + "\n"
                + "export VNET_SOCKET=" + fabric.workDir().resolve(host.name() + ".sock") + "\n"
                + "export PATH=" + java.nio.file.Path.of(System.getProperty("java.home"), "bin") + ":$PATH\n"
                + "exec " + Fabric.repo().resolve("host-agent/packaging/libvirt/qemu.d/vnet") + " \"$@\"\n");
        java.nio.file.Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
