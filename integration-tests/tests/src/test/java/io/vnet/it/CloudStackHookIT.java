package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.cloudstack.StandInProcess;
import io.vnet.it.cloudstack.HookRunner;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.fabric.libvirt.DomainSpec;
import io.vnet.it.fabric.libvirt.GuestImage;
import io.vnet.it.fabric.libvirt.Libvirtd;
import io.vnet.it.fabric.libvirt.LibvirtTools;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A tenant's VM on a "Home Network (VNET)" lands on the overlay, with only CloudStack itself
 * stood in: the KVM host h1 runs a real libvirtd and an agent that carries no network yet; before
 * "CloudStack's agent" starts the VM, VNET's hook (the packaged Groovy script, run as CloudStack's
 * agent runs it) asks the real manager, from h1 and with the hooks' token, which NICs of the VM
 * are on Home Networks. The manager reads the VM and its network from the CloudStack stand-in
 * (recorded 4.20 shapes), gives the network a VNI of its own, and the hook has h1's agent attach it
 * and moves the NIC onto vnbr&lt;VNI&gt;, dropping CloudStack's VLAN. The VM boots on that XML,
 * is registered with the manager, which maps it to CloudStack's VM, and a VM on the proxy host
 * pings it across the overlay. Fails, never skips, when libvirt, QEMU or the guest is missing.
 */
class CloudStackHookIT {
    static final int PORT = 18081;
    /** The KVM hosts' hook's token: it reads VMs' NICs and nothing else. */
    static final String TOKEN = "hook-token-" + UUID.randomUUID();
    /** The Network Extension's token (it may destroy networks): the hosts never hold it. */
    static final String EXTENSION_TOKEN = "extension-token-" + UUID.randomUUID();

    @Test
    void aVmOnAHomeNetworkLandsOnTheOverlay() throws Exception {
        LibvirtTools.check();
        GuestImage image = GuestImage.locate();
        ObjectMapper json = new ObjectMapper();
        String apiKey = "it-key-" + UUID.randomUUID();
        String secret = "it-secret-" + UUID.randomUUID();
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host h1 = fabric.addHost("h1");
            Host hc = fabric.addHost("hc");
            Libvirtd lv = Libvirtd.launch(fabric, h1);

            // the zone: hosts h1 and hc, the tenant's Home Network, and the VM i-2-7-VM on h1
            String vmId = UUID.randomUUID().toString();
            String networkId = UUID.randomUUID().toString();
            String mac = "02:00:4c:5f:07:01";
            ObjectNode zone = json.createObjectNode().put("port", PORT).put("apiKey", apiKey).put("secretKey", secret);
            zone.putArray("hosts").addObject().put("id", UUID.randomUUID().toString()).put("name", "h1");
            zone.putObject("network").put("id", networkId).put("name", "alice-home").put("vni", 0);
            zone.putArray("vms").addObject().put("id", vmId).put("name", "i-2-7-VM").put("mac", mac)
                    .put("hostId", zone.path("hosts").get(0).path("id").asText());
            zone.putArray("migrate").add("false");
            StandInProcess.start(fabric, mgr, zone);

            // the manager listens on its underlay address too: the hook asks it from h1, with the token
            ObjectNode cfg = Json.object();
            cfg.putObject("cloudstack").put("url", "http://127.0.0.1:" + PORT + "/client/api").put("apiKey", apiKey)
                    .put("secretKey", secret).put("events", "webhook").put("webhookSecret", "unused-here")
                    .put("extensionToken", EXTENSION_TOKEN).put("hookToken", TOKEN);
            ManagerProcess manager = fabric.startManager(mgr, cfg, List.of("org.apache.felix.http.host=0.0.0.0"));

            // h1 carries no network: the hook must have its agent attach the VM's; hc is the proxy with a VM y
            AgentProcess agentC = fabric.startAgent(hc, AgentConfigBuilder.forHost(hc).role("proxy")
                    .network(CLOUD_VNI_PLACEHOLDER, 1500).accept("from-h1", "h1", true).manager(manager, 500).build());
            // its link to the tenant's proxy carries the tenant's network (the range's first VNI)
            AgentProcess agent1 = fabric.startAgent(h1, AgentConfigBuilder.forHost(h1)
                    .dial("to-hc", hc, true, CLOUD_VNI_PLACEHOLDER)
                    .manager(manager, 500).libvirt(lv.uri(), 30_000).build());
            agent1.awaitLinkUp("to-hc", 15_000);
            lv.awaitReady(Duration.ofSeconds(120));
            assertEquals("[]", agent1.op("status").path("networks").toString(), "h1 carries no network yet");

            // the VM's domain XML as CloudStack's agent makes it: its uuid, the NIC on CloudStack's VLAN bridge
            // the address the fabric gives VMs of network 100000 (10.200.<vni % 256>.N/24), so y can reach it
            String ip = "10.200." + (CLOUD_VNI_PLACEHOLDER % 256) + ".211";
            String vlanBridge = "brvx-1207";
            String xml = DomainSpec.builder("i-2-7-VM").boot(image, GuestImage.kernelArgs(ip + "/24", 1))
                    .nic(mac, vlanBridge, "csx0").console(fabric.workDir().resolve("i-2-7-VM.console"))
                    .build().toXml()
                    .replace("<name>i-2-7-VM</name>", "<name>i-2-7-VM</name>\n  <uuid>" + vmId + "</uuid>")
                    .replace("<source bridge='" + vlanBridge + "'/>", "<source bridge='" + vlanBridge + "'/>\n"
                            + "      <vlan><tag id='1207'/></vlan>");
            Path hooks = fabric.workDir().resolve("hooks");
            Files.createDirectories(hooks);
            Files.copy(Fabric.repo().resolve("host-agent/packaging/cloudstack/libvirt-vm-xml-transformer.groovy"),
                    hooks.resolve("libvirt-vm-xml-transformer.groovy"));
            Path props = fabric.workDir().resolve("cloudstack-hook.properties");
            Files.writeString(props, "manager.url=http://" + mgr.ip() + ":" + ManagerProcess.HTTP_PORT + "\n"
                    + "manager.token=" + TOKEN + "\n"
                    + "vnetctl=" + Fabric.repo().resolve("host-agent/bin/vnetctl") + "\n"
                    + "vnetctl.socket=" + agent1.socket() + "\n");
            Path in = fabric.workDir().resolve("i-2-7-VM.in.xml");
            Path out = fabric.workDir().resolve("i-2-7-VM.out.xml");
            Files.writeString(in, xml);
            Path hookLog = fabric.workDir().resolve("hook.log");
            Process hook = fabric.spawn(h1.ns(), List.of(java(), "-Dvnet.cloudstack.hook.config=" + props, "-cp",
                    System.getProperty("java.class.path"), HookRunner.class.getName(), hooks.toString(), in.toString(),
                    out.toString()), hookLog);
            assertTrue(hook.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) && hook.exitValue() == 0,
                    "the hook ran: " + Files.readString(hookLog));
            String transformed = Files.readString(out);
            System.out.println("CLOUDSTACK-HOOK log:\n" + Files.readString(hookLog).strip());

            // the manager gave the Home Network a VNI of its own (not VLAN 1207); the NIC is on its bridge, no VLAN
            JsonNode nets = manager.get("/cloudstack/networks");
            assertEquals(1, nets.size(), nets.toString());
            assertEquals(networkId, nets.get(0).path("networkId").asText());
            int vni = nets.get(0).path("vni").asInt();
            assertEquals(CLOUD_VNI_PLACEHOLDER, vni, "a VNI of its own, the first of the range (not VLAN 1207)");
            assertTrue(transformed.contains("<source bridge=\"vnbr" + vni + "\"/>")
                    || transformed.contains("<source bridge='vnbr" + vni + "'/>"), transformed);
            assertFalse(transformed.contains("<vlan"), "CloudStack's VLAN is gone: " + transformed);
            assertTrue(agent1.op("status").path("networks").toString().contains(String.valueOf(vni)), "h1 carries " + vni);

            // the token the host holds cannot destroy the network (nor run any other extension command)
            Sh.Result destroy = Sh.run(30, List.of("ip", "netns", "exec", h1.ns(), "curl", "-s", "-o", "/dev/null", "-w",
                    "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer " + TOKEN, "-H",
                    "Content-Type: application/json", "--data", "{\"network\": {\"id\": \"" + networkId + "\"}}",
                    "http://" + mgr.ip() + ":" + ManagerProcess.HTTP_PORT + "/api/cloudstack/extension/destroy-network"));
            assertEquals("401", destroy.out().strip(), "destroy-network with the hook's token: " + destroy.out());
            assertEquals(1, manager.get("/cloudstack/networks").size(), "the network keeps its VNI");

            // CloudStack's agent starts the VM with that XML; it boots on the overlay
            Path def = fabric.workDir().resolve("i-2-7-VM.xml");
            Files.writeString(def, transformed);
            lv.virshMust(60, "create", def.toString());
            JsonNode registered = LibvirtAgentIT.await(manager, vmId, v -> v.path("hostId").asText().equals("h1"));
            assertEquals(vni, registered.path("nics").get(0).path("vni").asInt(), registered.toString());
            JsonNode inventory = manager.get("/cloudstack/vms/" + vmId);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!inventory.path("nics").get(0).path("vnetHost").asText().equals("h1") && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                inventory = manager.get("/cloudstack/vms/" + vmId);
            }
            assertEquals("h1", inventory.path("nics").get(0).path("vnetHost").asText(),
                    "the manager maps CloudStack's VM to the MAC h1's agent reports: " + inventory);

            // a VM on the proxy host, on the same network, pings it through the overlay
            Vm y = fabric.addVm(hc, "y", vni, 1500);
            long bootDeadline = System.currentTimeMillis() + 120_000;
            Path console = fabric.workDir().resolve("i-2-7-VM.console");
            while (!(Files.exists(console) && Files.readString(console).contains(GuestImage.READY))
                    && System.currentTimeMillis() < bootDeadline) {
                Thread.sleep(250);
            }
            Vm.PingResult ping = y.ping(ip, 5);
            System.out.printf("CLOUDSTACK-HOOK Home Network %s -> VNI %d; VM %s on vnbr%d; y pings it: %d/%d%n", networkId, vni,
                    vmId, vni, ping.received(), ping.sent());
            assertTrue(ping.received() >= 4, "the VM is on the tenant's overlay: " + ping);
            lv.virsh(30, "destroy", "i-2-7-VM");
            assertTrue(agentC.process().isAlive());
        }
    }

    /** The proxy's network: the VNI the manager will give the first Home Network (the start of its default range). */
    static final int CLOUD_VNI_PLACEHOLDER = 100_000;

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
