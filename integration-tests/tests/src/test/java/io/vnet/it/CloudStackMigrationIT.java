package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.cloudstack.StandInProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.MigrationScript;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * VADAPT's migrations through CloudStack: the manager's executor is the CloudStack one, talking
 * to a stand-in management server (recorded CloudStack 4.20 answer shapes, signatures checked)
 * that carries each migrateVirtualMachine out for real on the test fabric. A ring of 4 VMs whose
 * neighbours all sit on different hosts, links priced out of reach, migrations cheap: the closed
 * loop moves two VMs with migrateVirtualMachine + queryAsyncJobResult, the VMs really move, and
 * forwarding follows them.
 */
class CloudStackMigrationIT {
    static final long RATE = ClosedLoopIT.RATE;
    static final int PORT = 18080;
    static final String API_KEY = "it-api-key-" + UUID.randomUUID();
    static final String SECRET = "it-secret-" + UUID.randomUUID();
    static final String WEBHOOK_SECRET = "it-webhook-" + UUID.randomUUID();

    @Test
    void anAdaptationThatMovesVmsRunsThroughCloudStacksMigrateVirtualMachine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int vni = AdaptTestbed.VNI;
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host px = fabric.addHost("px");
            List<Host> hosts = List.of(h1, h2, px);
            List<Vm> vms = ClosedLoopIT.crossingRing(fabric, h1, h2, vni);
            for (Host h : hosts) {
                h.shapeUplink(RATE);
            }
            // the zone as CloudStack knows it: a host per test host (same names), a VM per test VM
            Map<String, String> hostIds = new LinkedHashMap<>();
            ObjectNode zone = json.createObjectNode().put("port", PORT).put("apiKey", API_KEY).put("secretKey", SECRET);
            ArrayNode hs = zone.putArray("hosts");
            for (Host h : hosts) {
                String id = UUID.randomUUID().toString();
                hostIds.put(h.name(), id);
                hs.addObject().put("id", id).put("name", h.name());
            }
            zone.putObject("network").put("id", UUID.randomUUID().toString()).put("name", "it-home").put("vni", vni);
            ArrayNode vs = zone.putArray("vms");
            Map<String, String> vmIds = new LinkedHashMap<>();
            for (Vm v : vms) {
                String id = UUID.randomUUID().toString();
                vmIds.put(v.mac(), id);
                vs.addObject().put("id", id).put("name", "i-2-" + v.name() + "-VM").put("mac", v.mac())
                        .put("hostId", hostIds.get(v.host().name()));
            }
            zone.putArray("migrate").add(MigrationScript.write(fabric, hosts, vms).toString());
            Path requestLog = StandInProcess.start(fabric, mgr, zone);

            ObjectNode cfg = AdaptTestbed.managerConfig(RATE);
            ((ObjectNode) cfg.get("adaptation")).put("hostCapacity", 2).put("linkCostMs", 1_000_000)
                    .put("migrationCostMs", 1);
            cfg.putObject("cloudstack").put("url", "http://127.0.0.1:" + PORT + "/client/api").put("apiKey", API_KEY)
                    .put("secretKey", SECRET).put("events", "webhook").put("webhookSecret", WEBHOOK_SECRET)
                    .put("pollJobMs", 200).put("migrationTimeoutMs", 30_000);
            // the Home Network gets the fabric's VNI (the first of the range): the executor moves a VM only
            // when CloudStack's records put its NIC on the decision's network
            ((ObjectNode) cfg.get("cloudstack")).putArray("vniRange").add(vni).add(vni + 99);
            ManagerProcess manager = fabric.startManager(mgr, cfg);
            Patterns.startStar(fabric, hosts, vni, b -> b.manager(manager, AdaptTestbed.REPORT_MS));
            webhookDeliveries(fabric, mgr, requestLog, vmIds.values().iterator().next(), json);
            AdaptationApi api = new AdaptationApi(manager, vni);
            ManagerProcess.Response set = manager.rest("PUT", "/networks/" + vni + "/adaptation",
                    "{\"mode\":\"automatic\",\"algorithm\":\"greedy\",\"migrate\":true,\"maxMigrationsPerHour\":4}");
            assertEquals(200, set.status(), String.valueOf(set.body()));

            Patterns.Result ring = Patterns.run(fabric, vms, Patterns.Options.of("ring:20")
                    .withComputeMs(ClosedLoopIT.COMPUTE_MS).withMessageBytes(ClosedLoopIT.MESSAGE));
            assertTrue(ring.ok(), "the ring ran on while its VMs moved: " + ring.failures());
            AdaptationApi.Decision d = api.decisions().get(api.decisions().size() - 1);
            JsonNode migrated = d.json().path("migrated");
            assertTrue(d.applied() && migrated.size() == 2, "two VMs moved through CloudStack, then applied: " + d.json());

            // what the manager asked CloudStack: a migrateVirtualMachine per move, each job followed to jobstatus 1
            List<JsonNode> requests = new ArrayList<>();
            for (String line : Files.readAllLines(requestLog)) {
                requests.add(json.readTree(line));
            }
            assertTrue(requests.stream().noneMatch(r -> r.has("refused")), "every request was signed right: " + requests);
            List<JsonNode> migrations = requests.stream().filter(r -> r.path("command").asText()
                    .equals("migrateVirtualMachine")).toList();
            assertEquals(2, migrations.size(), requests.toString());
            for (JsonNode m : migrated) {
                String mac = m.asText().substring(0, m.asText().indexOf("->"));
                String host = m.asText().substring(m.asText().indexOf("->") + 2);
                assertTrue(migrations.stream().anyMatch(r -> r.path("params").path("virtualmachineid").asText()
                        .equals(vmIds.get(mac)) && r.path("params").path("hostid").asText().equals(hostIds.get(host))),
                        "migrateVirtualMachine of " + mac + " to " + host + ": " + migrations);
                // the agents see the VM on its new host: CloudStack's job really moved it
                boolean seen = false;
                for (JsonNode a : manager.get("/agents")) {
                    for (JsonNode v : a.path("vms")) {
                        seen |= v.path("mac").asText().equals(mac) && a.path("hostId").asText().equals(host);
                    }
                }
                assertTrue(seen, mac + " is reported by " + host + ": " + manager.get("/agents"));
            }
            List<Integer> statuses = requests.stream().filter(r -> r.path("command").asText().equals("queryAsyncJobResult"))
                    .map(r -> r.path("jobstatus").asInt()).toList();
            assertEquals(2, statuses.stream().filter(s -> s == 1).count(), "each job was followed until done: " + statuses);
            // forwarding follows: every VM reaches every other
            for (Vm a : vms) {
                for (Vm b : vms) {
                    if (a != b) {
                        assertEquals(3, a.ping(b, 3, 0.1, 56).received(), a.name() + " -> " + b.name());
                    }
                }
            }
            System.out.printf("CloudStack migrations: %s via %d migrateVirtualMachine and %d queryAsyncJobResult (jobstatus %s);"
                    + " predicted gain %.2f, realised %.2f%n", migrated, migrations.size(), statuses.size(), statuses,
                    d.predictedGain(), d.realisedGain());
        }
    }

    /**
     * CloudStack 4.20's webhook deliveries of a VM.START (the recorded delivery's body, for one of
     * this zone's VMs) to the real manager: a wrong signature is refused with 401; the right one
     * is taken (the manager reads the VM once from CloudStack); delivered again, it is a
     * duplicate and not handled again.
     */
    static void webhookDeliveries(Fabric fabric, Host mgr, Path log, String vmId, ObjectMapper json) throws Exception {
        Path fixture = Fabric.repo().resolve("plugin/manager-cloudstack/src/test/resources/cloudstack/4.20/webhook-vm-start.json");
        ObjectNode body = (ObjectNode) json.readTree(json.readTree(Files.readString(fixture)).path("body").asText());
        String eventId = UUID.randomUUID().toString();
        body.put("entityuuid", vmId).put("VirtualMachine", vmId);
        Path file = fabric.workDir().resolve("webhook-body.json");
        Files.writeString(file, json.writeValueAsString(body));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(WEBHOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        String good = java.util.Base64.getEncoder().encodeToString(mac.doFinal(Files.readAllBytes(file)));
        long before = count(log, json, vmId);
        String wrong = deliver(mgr, file, eventId, "bm90LXRoZS1zaWduYXR1cmU=");
        assertTrue(wrong.endsWith("\n401"), "a wrong signature is refused: " + wrong);
        assertEquals(before, count(log, json, vmId), "and nothing was done for it");
        String first = deliver(mgr, file, eventId, good);
        assertTrue(first.endsWith("\n200") && first.contains("\"duplicate\":false"), "the right one is taken: " + first);
        String again = deliver(mgr, file, eventId, good);
        assertTrue(again.endsWith("\n200") && again.contains("\"duplicate\":true"), "delivered twice: a duplicate: " + again);
        assertEquals(before + 1, count(log, json, vmId), "the VM was read from CloudStack once, for the one delivery taken");
        System.out.printf("CloudStack webhook: wrong signature -> 401; right -> %s; again -> %s%n",
                first.substring(0, first.lastIndexOf('\n')), again.substring(0, again.lastIndexOf('\n')));
    }

    static String deliver(Host mgr, Path body, String eventId, String signature) {
        return io.vnet.it.fabric.Sh.run(30, List.of("ip", "netns", "exec", mgr.ns(), "curl", "-sS", "-X", "POST",
                "-H", "Content-Type: application/json; charset=UTF-8", "-H", "User-Agent: CS-Hookshot/it",
                "-H", "X-CS-Event: VM.START", "-H", "X-CS-Event-ID: " + eventId, "-H", "X-CS-Signature: " + signature,
                "--data-binary", "@" + body, "-w", "\n%{http_code}",
                "http://127.0.0.1:" + ManagerProcess.HTTP_PORT + "/api/cloudstack/webhook")).out().strip();
    }

    /** listVirtualMachines requests for VM {@code id} so far (not counting the client's second ask, for project VMs). */
    static long count(Path log, ObjectMapper json, String id) throws Exception {
        long n = 0;
        for (String line : Files.readAllLines(log)) {
            JsonNode r = json.readTree(line);
            n += r.path("command").asText().equals("listVirtualMachines") && r.path("params").path("id").asText().equals(id)
                    && !r.path("params").has("projectid") ? 1 : 0;
        }
        return n;
    }
}
