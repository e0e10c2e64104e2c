package io.vnet.it;

import static io.vnet.it.ui.BrowserDriver.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.cloudstack.StandInProcess;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import io.vnet.it.ui.BrowserDriver;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The management page end to end, in Debian's chromium (headless, driven by playwright-core,
 * no request intercepted) against the real manager with a live fabric: 3 VM hosts and the
 * proxy, 6 VMs of alice's Home Network running the patterns workload (a ring, then an
 * all-to-all), and bob's Home Network beside it; CloudStack is the stand-in that checks every
 * signature. The page shows the ring (6 nodes, 6 edges), then the all-to-all (15 edges) over
 * its live stream without a reload; the admin's mode switch reaches the manager, an applied
 * recommendation and its rollback show in the history; the page comes up framed by the console's
 * origin and not by another; alice, signed in with her CloudStack keys, is offered her network
 * only and refused bob's, in the page and by the REST API (403), and sees her VM move when it
 * migrates.
 */
class UiIT {
    static final int CS_PORT = 18082;
    static final int VMS = 6;

    @Test
    void thePageShowsTheLiveNetworkAndItsControlsWorkAndTenantsAreKeptApart() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            List<Host> hosts = List.of(fabric.addHost("h1"), fabric.addHost("h2"), fabric.addHost("h3"));
            Host px = fabric.addHost(AdaptTestbed.PROXY);

            // CloudStack: the admin's keys (the manager's own), alice's and bob's accounts, each with a Home Network
            Tenant alice = new Tenant("alice", "alice-home");
            Tenant bob = new Tenant("bob", "bob-home");
            String adminKey = "admin-key-" + UUID.randomUUID();
            String adminSecret = "admin-secret-" + UUID.randomUUID();
            ObjectNode zone = Json.object().put("port", CS_PORT).put("apiKey", adminKey).put("secretKey", adminSecret);
            ArrayNode accounts = zone.putArray("accounts");
            ArrayNode networks = zone.putArray("networks");
            for (Tenant t : List.of(alice, bob)) {
                accounts.addObject().put("name", t.name).put("apiKey", t.apiKey).put("secretKey", t.secretKey);
                networks.addObject().put("id", UUID.randomUUID().toString()).put("name", t.network).put("account", t.name);
            }
            zone.putArray("migrate").add("false");
            StandInProcess.start(fabric, mgr, zone);

            ObjectNode cfg = AdaptTestbed.managerConfig(0);
            cfg.putObject("cloudstack").put("url", "http://127.0.0.1:" + CS_PORT + "/client/api").put("apiKey", adminKey)
                    .put("secretKey", adminSecret).put("events", "webhook").put("webhookSecret", "unused-here");
            // the planner's model: a new path as fast as the veth underlay (10 Gbit/s) and with a latency of 10 us, less
            // than any round trip the star's links measure, so that greedy always has fast paths to recommend for the
            // all-to-all (one hop instead of two): this test is about the page's controls, not the planner's judgement.
            // With the default bandwidth (100 Mbit/s) a fast machine measured the star's links above it and greedy had
            // nothing to recommend (2 runs of 5); with 10 Gbit/s and the default latency that still happened once in a
            // full CI run (2026-12-05); 100 Gbit/s made it worse (the star's links are modelled at least that fast too,
            // and latency alone decides)
            cfg.putObject("adaptation").put("minIntervalMs", 2000).put("linkMbps", 10_000).put("latencyMs", 0.01)
                    .put("linkCostMs", 0.1);
            // CloudStack's console (here the stand-in's origin) may frame the page, no other site
            String console = "http://127.0.0.1:" + CS_PORT;
            cfg.putObject("auth").putArray("frameAncestors").add(console);
            ManagerProcess manager = fabric.startManager(mgr, cfg);

            // each tenant signs in once through the API: the manager gives their networks a VNI of their own
            String aliceToken = manager.signIn(alice.credentials());
            String bobToken = manager.signIn(bob.credentials());
            int aliceVni = onlyNetwork(manager, aliceToken);
            int bobVni = onlyNetwork(manager, bobToken);
            assertTrue(aliceVni != bobVni, "each Home Network has its own VNI: " + aliceVni + ", " + bobVni);

            List<Vm> vms = new ArrayList<>();
            for (int i = 0; i < VMS; i++) {
                vms.add(fabric.addVm(hosts.get(i % hosts.size()), "p" + i, aliceVni, 1500));
            }
            Vm bobVm = fabric.addVm(hosts.get(0), "b0", bobVni, 1500);
            List<Host> star = new ArrayList<>(hosts);
            star.add(px);
            List<AgentProcess> agents = Patterns.startStar(fabric, star, aliceVni,
                    b -> b.manager(manager, AdaptTestbed.REPORT_MS).network(bobVni, 1500));
            assertEquals(star.size(), agents.size());
            awaitNetworks(manager, List.of(aliceVni, bobVni), 20_000);

            AdaptationApi adaptation = new AdaptationApi(manager, aliceVni);
            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<Patterns.Result> run = bg.submit(() -> Patterns.run(fabric, vms,
                    Patterns.Options.of("ring:25,all:60").withComputeMs(5).withMessageBytes(16 * 1024).withPrintEvery(5)));
            Path out = fabric.workDir().resolve("ui");
            try (BrowserDriver browser = BrowserDriver.start(fabric, mgr, "http://127.0.0.1:" + ManagerProcess.HTTP_PORT
                    + "/vnet/ui/", out)) {
                // the admin: every network, the ring of alice's network, live
                browser.call(cmd("open"), 30_000);
                JsonNode who = browser.call(cmd("signInLocal").put("user", manager.adminUser())
                        .put("password", manager.adminPassword()), 15_000);
                System.out.println("UiIT: signed in as " + who.path("whoami").asText());
                JsonNode offered = browser.call(cmd("networks"), 10_000).path("networks");
                assertTrue(contains(offered, aliceVni) && contains(offered, bobVni), "the admin sees both: " + offered);
                browser.call(cmd("select").put("vni", aliceVni), 10_000);
                JsonNode ring = browser.call(cmd("waitTopology").put("cls", "RING").put("nodes", VMS).put("edges", VMS)
                        .put("timeoutMs", 25_000), 30_000);
                System.out.println("UiIT: ring shown: " + ring);
                JsonNode s = browser.call(cmd("state"), 10_000);
                assertEquals(hosts.size() + 1, s.path("overlay").path("hosts").asInt(), "the hosts and the proxy: " + s);
                JsonNode overlay = manager.get("/networks/" + aliceVni + "/overlay");
                List<String> reported = new ArrayList<>();
                overlay.path("hosts").forEach(h -> h.path("vms").forEach(v -> reported.add(v.path("mac").asText())));
                System.out.println("UiIT: the manager's overlay of alice's network has VMs " + reported);
                for (Vm v : vms) {
                    assertTrue(reported.contains(v.mac()), v.name() + " in the manager's overlay: " + overlay);
                }
                assertEquals(reported.size(), s.path("overlay").path("vms").asInt(), "the page draws the VMs the manager"
                        + " reports on their hosts: " + s);

                // the pattern changes: the page follows over its stream, without a reload
                JsonNode all = browser.call(cmd("waitTopology").put("cls", "ALL_TO_ALL").put("nodes", VMS)
                        .put("edges", VMS * (VMS - 1) / 2).put("timeoutMs", 40_000), 45_000);
                System.out.println("UiIT: all-to-all shown: " + all);
                s = browser.call(cmd("state"), 10_000);
                assertEquals(1, s.path("navigations").asInt(), "no reload: " + s);
                assertTrue(s.path("sseRequests").asInt() >= 1, "the updates came over Server-Sent Events: " + s);
                assertEquals("live", s.path("streamStatus").asText(), s.toString());
                assertEquals(0, s.path("pageErrors").size(), "no error in the page: " + s.path("pageErrors"));

                // the controls: recommend mode reaches the manager; applying the recommendation, then rolling it back
                JsonNode mode = browser.call(cmd("setMode").put("mode", "recommend"), 20_000);
                assertTrue(mode.path("actionError").isNull(), mode.toString());
                assertEquals("recommend", adaptation.state().path("mode").asText(), "the manager has the page's mode");
                // Apply once the manager has something to apply (just after the switch VTTIF's matrix may still hold
                // the ring's rates); the page's answer to an Apply with nothing to apply is the manager's refusal,
                // which is not what this step tests
                JsonNode plan = awaitRecommendation(manager, aliceVni, 30_000);
                System.out.println("UiIT: the manager recommends " + plan.path("added") + plan.path("migrations")
                        + " (predicted gain " + plan.path("predictedGain").asDouble() + ")");
                JsonNode applied = browser.call(cmd("apply"), 60_000);
                assertTrue(applied.path("actionError").isNull(), "applied: " + applied);
                List<AdaptationApi.Decision> listed = adaptation.decisions(); // newest first
                AdaptationApi.Decision d = listed.stream().filter(AdaptationApi.Decision::applied).findFirst()
                        .orElseThrow(() -> new AssertionError("the manager applied nothing: " + listed));
                assertEquals("applied by local:" + manager.adminUser(), d.trigger(), d.json().toString());
                browser.call(cmd("waitRows").put("predicate", "applied").put("id", d.id()).put("timeoutMs", 10_000), 15_000);
                // the screenshot once the agents have the new links up (acknowledged, then a few reports)
                long acked = System.currentTimeMillis() + 15_000;
                while (decision(adaptation, d.id()).ackedAt() == null && System.currentTimeMillis() < acked) {
                    Thread.sleep(200);
                }
                Thread.sleep(3000);
                browser.call(cmd("screenshot").put("path", "ui-1280x800.png"), 20_000);
                JsonNode rolled = browser.call(cmd("rollback"), 30_000);
                assertTrue(rolled.path("actionError").isNull(), "rolled back: " + rolled);
                browser.call(cmd("waitRows").put("predicate", "rolledBack").put("id", d.id()).put("timeoutMs", 10_000), 15_000);
                // by its id: in recommend mode the loop may record a newer decision (not applied) meanwhile
                AdaptationApi.Decision back = decision(adaptation, d.id());
                assertTrue(back.rolledBackAt() != null, "the manager rolled it back: " + back.json());
                // a second rollback has nothing to undo: the manager's refusal is shown, not swallowed
                JsonNode again = browser.call(cmd("rollback"), 30_000);
                assertTrue(again.path("actionError").asText().contains("no applied decision"), again.toString());

                // a narrow window: the page reflows, nothing needs sideways scrolling
                JsonNode narrow = browser.call(cmd("resize").put("width", 420).put("height", 800), 10_000);
                assertTrue(narrow.path("scrollWidth").asInt() <= narrow.path("clientWidth").asInt() + 1, narrow.toString());
                browser.call(cmd("screenshot").put("path", "ui-420.png"), 20_000);
                browser.call(cmd("resize").put("width", 1280).put("height", 800), 10_000);

                // inside CloudStack's console: the page in an iframe of the console's origin comes up, and the admin
                // signs in there (a token in memory: no cookie); a site the manager does not name gets no page
                String page = "http://127.0.0.1:" + ManagerProcess.HTTP_PORT + "/vnet/ui/";
                JsonNode framed = browser.call(cmd("framed").put("hostUrl", console + "/client/plugins/VNET?path=" + page)
                        .put("user", manager.adminUser()).put("password", manager.adminPassword()), 60_000);
                assertTrue(framed.path("loaded").asBoolean(), "the console frames the page: " + framed);
                assertTrue(framed.path("whoami").asText().startsWith(manager.adminUser()), framed.toString());
                assertEquals(0, framed.path("cookies").asInt(), "no cookie: " + framed);
                JsonNode foreign = browser.call(cmd("framed").put("hostUrl", "http://localhost:" + CS_PORT
                        + "/client/plugins/VNET?path=" + page), 60_000);
                assertFalse(foreign.path("loaded").asBoolean(), "another origin may not frame the page: " + foreign);

                // alice with her CloudStack keys: her network only; bob's is refused by the page and by the API
                browser.call(cmd("open"), 30_000);
                browser.call(cmd("signInKeys").put("apiKey", alice.apiKey).put("secretKey", alice.secretKey), 15_000);
                JsonNode hers = browser.call(cmd("networks"), 10_000).path("networks");
                assertEquals(1, hers.size(), "alice is offered her network only: " + hers);
                assertEquals(aliceVni, hers.get(0).asInt());
                JsonNode refused = browser.call(cmd("go").put("vni", bobVni), 15_000);
                assertTrue(refused.path("error").asText().contains("not one of"), "the page shows the refusal: " + refused);
                s = browser.call(cmd("state"), 10_000);
                assertEquals(0, s.path("nodes").asInt(), "nothing of bob's network is drawn: " + s);

                // back on her network, once the workload is done: a VM migrates, and alice sees it move
                browser.call(cmd("select").put("vni", aliceVni), 15_000);
                Patterns.Result result = run.get();
                assertTrue(result.ok(), "the workload ran through: " + result.failures());
                Vm p0 = vms.get(0);
                Vm.Migration m = p0.migrateTo(hosts.get(2));
                System.out.println("UiIT: " + p0.name() + " migrated " + m.from().name() + " -> " + m.to().name());
                // a hypervisor announces a moved guest several times (QEMU: 5 rounds); the fabric's move sends one
                // gratuitous ARP, after which the old host sometimes still reported p0 for the whole wait (3 runs of 9)
                io.vnet.it.fabric.Sh.run(10, List.of("ip", "netns", "exec", p0.ns(), "busybox", "arping", "-q", "-U", "-c",
                        "3", "-I", "eth0", p0.ip()));
                // within 45 s: a CI run under load once missed 20 s (the page's list follows the old host's
                // report, which ends when its agent sees p0 behind the link)
                String moved = null;
                long shownFrom = System.currentTimeMillis();
                long deadline = shownFrom + 45_000;
                while (moved == null && System.currentTimeMillis() < deadline) {
                    for (JsonNode line : browser.call(cmd("state"), 10_000).path("movedVms")) {
                        if (line.asText().contains(p0.mac())) {
                            moved = line.asText();
                        }
                    }
                    Thread.sleep(300);
                }
                assertTrue(moved != null && moved.contains(m.from().name()) && moved.contains(m.to().name()),
                        "the page shows " + p0.name() + " moving " + m.from().name() + " -> " + m.to().name() + ": " + moved
                        + "\n" + browser.call(cmd("state"), 10_000));
                System.out.println("UiIT: shown after " + (System.currentTimeMillis() - shownFrom) + " ms: " + moved);
            }
            for (String path : List.of("/networks/" + bobVni + "/topology", "/networks/" + bobVni + "/events",
                    "/networks/" + bobVni + "/overlay", "/networks/" + bobVni + "/traffic", "/agents")) {
                ManagerProcess.Response r = manager.restAs(aliceToken, "GET", path, null);
                assertEquals(403, r.status(), "alice GET /api" + path + ": " + r.body());
            }
            assertEquals(403, manager.restAs(aliceToken, "PUT", "/networks/" + bobVni + "/adaptation",
                    "{\"mode\":\"automatic\"}").status());
            assertEquals(403, manager.restAs(bobToken, "GET", "/networks/" + aliceVni + "/topology", null).status());
            assertEquals(200, manager.restAs(aliceToken, "GET", "/networks/" + aliceVni + "/topology", null).status());
            assertEquals(401, manager.restAs(null, "GET", "/networks/" + aliceVni + "/topology", null).status());
            JsonNode bobsVms = manager.restAs(bobToken, "GET", "/vms", null).body();
            assertTrue(bobsVms.isArray(), String.valueOf(bobsVms));
            bg.shutdown();
            Path shot = out.resolve("ui-1280x800.png");
            assertTrue(Files.size(shot) > 10_000, "a screenshot of the page: " + shot);
            System.out.println("UiIT: screenshots in " + out + " (bob's VM " + bobVm.name() + ")");
        }
    }

    /** A CloudStack account with one Home Network and its API keys. */
    static final class Tenant {
        final String name;
        final String network;
        final String apiKey = "key-" + UUID.randomUUID();
        final String secretKey = "secret-" + UUID.randomUUID();

        Tenant(String name, String network) {
            this.name = name;
            this.network = network;
        }

        ObjectNode credentials() {
            return Json.object().put("apiKey", apiKey).put("secretKey", secretKey);
        }
    }

    private static int onlyNetwork(ManagerProcess manager, String token) throws Exception {
        JsonNode me = manager.restAs(token, "GET", "/auth/me", null).body();
        ArrayNode nets = (ArrayNode) me.path("networks");
        assertEquals(1, nets.size(), "one Home Network: " + me);
        return nets.get(0).asInt();
    }

    private static boolean contains(JsonNode array, int vni) {
        for (JsonNode n : array) {
            if (n.asInt() == vni) {
                return true;
            }
        }
        return false;
    }

    private static void awaitNetworks(ManagerProcess manager, List<Integer> vnis, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonNode nets = null;
        while (System.currentTimeMillis() < deadline) {
            nets = manager.get("/networks");
            boolean all = true;
            for (int v : vnis) {
                all &= contains(nets.findValues("vni").stream().collect(Json.MAPPER::createArrayNode, ArrayNode::add,
                        ArrayNode::addAll), v);
            }
            if (all) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the manager does not list networks " + vnis + " after " + timeoutMs + " ms: " + nets);
    }

    /** The network's recommendation (links only, as its settings allow) once it adds a link or moves a VM. */
    private static JsonNode awaitRecommendation(ManagerProcess manager, int vni, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonNode plan = null;
        while (System.currentTimeMillis() < deadline) {
            plan = manager.get("/networks/" + vni + "/plan?migrate=false"); // this network may not migrate
            if (plan.path("added").size() > 0 || plan.path("migrations").size() > 0) {
                return plan;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no recommendation that adds a link or moves a VM within " + timeoutMs + " ms: " + plan);
    }

    /** The network's decision {@code id} as the manager lists it. */
    private static AdaptationApi.Decision decision(AdaptationApi adaptation, long id) throws java.io.IOException {
        return adaptation.decisions().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("decision " + id + " is not listed"));
    }
}
