package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's package, 2.42) scrapes a live fabric: two hosts' agents (their
 * endpoints on the underlay, {@code "metrics": "IP:9477"}) and the manager's {@code /metrics}
 * (with its scrape token), every second, from the manager's namespace. iperf3 then moves a known
 * number of bytes from one VM to the other, and a PromQL query over Prometheus's HTTP API gives
 * the bytes the sending agent's link carried in that time: within 5% of iperf3's. promtool lints
 * every exposition; {@code /healthz} and {@code /readyz} answer; a wrong scrape token is refused.
 * On the same fabric, {@code vnetctl manager} as an admin uses it: login (the session file 0600),
 * agents with their versions, links, networks, the closed loop's mode, the audit log, {@code --json}
 * anywhere, logout.
 */
class OperationsIT {
    static final int VNI = 100;
    static final int PROM_PORT = 9090;
    static final String PROMETHEUS = "/usr/bin/prometheus";
    static final String PROMTOOL = "/usr/bin/promtool";

    @Test
    void prometheusScrapesTheAgentsAndTheManagerAndVnetctlDrivesTheManager() throws Exception {
        for (String tool : List.of(PROMETHEUS, PROMTOOL)) {
            assertTrue(Files.isExecutable(Path.of(tool)), tool + " is missing: run scripts/setup.sh (Debian's prometheus"
                    + " package)");
        }
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host m = fabric.addHost("mgr");
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            ManagerProcess manager = fabric.startManager(m, Json.object());
            fabric.startAgent(b, forHost(b).network(VNI, 1500).accept("to-a", "ha", true)
                    .manager(manager, 500).text("metrics", b.ip() + ":9477").build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-b", b, true)
                    .manager(manager, 500).text("metrics", a.ip() + ":9477").build());
            agentA.awaitLinkUp("to-b", 10_000);
            manager.awaitLog("agent ha (host) registered", 10_000);
            manager.awaitLog("agent hb (host) registered", 10_000);
            assertEquals(3, va.ping(vb, 3).received());
            for (JsonNode h : manager.get("/agents")) { // versions in the hello, shown by the API (a 200 for the metrics)
                assertEquals(1, h.path("protocol").asInt(), h.toString());
                assertTrue(h.path("software").asText().matches("\\d+\\.\\d+\\.\\d+.*"), h.toString());
            }

            // health, and the expositions as promtool reads them
            String ready = curl(m, "http://" + a.ip() + ":9477/readyz", null);
            assertTrue(ready.startsWith("200 ready"), "ha's /readyz: " + ready);
            assertTrue(curl(m, "http://" + a.ip() + ":9477/healthz", null).startsWith("200 ok"));
            Path token = fabric.workDir().resolve("metrics-token");
            assertTrue(Files.exists(token), "the manager made its scrape token file " + token);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
            String refused = curl(m, "http://127.0.0.1:" + ManagerProcess.HTTP_PORT + "/metrics", "wrong-token-0000");
            assertTrue(refused.startsWith("401"), "a wrong scrape token: " + refused);
            String secret = Files.readAllLines(token).get(0).strip();
            for (String url : List.of("http://" + a.ip() + ":9477/metrics", "http://127.0.0.1:" + ManagerProcess.HTTP_PORT
                    + "/metrics")) {
                Sh.Result lint = Sh.run(30, List.of("sh", "-c", "ip netns exec " + m.ns() + " curl -sS -H 'Authorization:"
                        + " Bearer " + secret + "' " + url + " | " + PROMTOOL + " check metrics"));
                System.out.println("promtool check metrics " + url + ": exit " + lint.exit() + " " + lint.out().strip());
                assertEquals(0, lint.exit(), "promtool on " + url + ":\n" + lint.out());
            }

            // Prometheus in the manager's namespace, scraping every second
            Path dir = Files.createDirectories(fabric.workDir().resolve("prometheus"));
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 900ms
                    scrape_configs:
                      - job_name: agents
                        static_configs:
                          - targets: ['%s:9477', '%s:9477']
                      - job_name: manager
                        authorization:
                          credentials_file: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(a.ip(), b.ip(), token, ManagerProcess.HTTP_PORT));
            fabric.spawn(m.ns(), List.of(PROMETHEUS, "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + PROM_PORT),
                    dir.resolve("prometheus.log"));
            awaitTargetsUp(m, 3, 30_000);

            vnetctlManager(fabric, m, manager);

            // a known transfer: iperf3 from va to vb, its bytes against the link's as Prometheus scraped them
            Thread.sleep(2_500); // a few scrapes of the quiet link before
            double before = epoch();
            Vm.IperfResult r = va.iperf(vb, 5, 1);
            Thread.sleep(2_500); // and after: the last of the transfer is scraped
            double after = epoch();
            long window = Math.round(after - before) + 1;
            String query = "sum(vnet_port_sent_bytes_total{job=\"agents\",instance=\"" + a.ip() + ":9477\",port=\"to-b\"})"
                    + " - sum(vnet_port_sent_bytes_total{job=\"agents\",instance=\"" + a.ip() + ":9477\",port=\"to-b\"}"
                    + " offset " + window + "s)";
            double linkBytes = scalar(m, query, after);
            double error = Math.abs(linkBytes - r.bytesSent()) / r.bytesSent();
            System.out.printf("iperf3 sent %d bytes (%.0f Mbit/s); PromQL over Prometheus's API: the link to-b carried %.0f"
                    + " bytes in the %d s around it: %+.2f%%%n", r.bytesSent(), r.bitsPerSecond() / 1e6, linkBytes, window,
                    100.0 * (linkBytes - r.bytesSent()) / r.bytesSent());
            assertTrue(error <= 0.05, "the link's bytes in Prometheus (" + linkBytes + ") are not within 5% of iperf3's ("
                    + r.bytesSent() + ")");

            // the manager's families, through Prometheus
            assertEquals(2.0, scalar(m, "sum(vnet_manager_agents{job=\"manager\",state=\"connected\"})", epoch()),
                    "the manager's connected agents");
            assertTrue(scalar(m, "sum(vnet_manager_reports_total{job=\"manager\"})", epoch()) > 0, "reports counted");
            assertEquals(1.0, scalar(m, "vnet_manager_database_up{job=\"manager\"}", epoch()));
            assertTrue(scalar(m, "sum(vnet_manager_http_requests_total{job=\"manager\",code=\"200\"})", epoch()) >= 1,
                    "the API's answers by status");
            assertEquals(1.0, scalar(m, "vnet_port_up{instance=\"" + a.ip() + ":9477\",port=\"to-b\"}", epoch()));
            assertTrue(scalar(m, "vnet_link_rtt_seconds{instance=\"" + a.ip() + ":9477\",link=\"to-b\"}", epoch()) > 0,
                    "the link's round trip");

            // the packaged Grafana dashboard: every panel's query is PromQL that Prometheus evaluates on this fabric
            JsonNode dashboard = Json.MAPPER.readTree(fabric.repoDir()
                    .resolve("plugin/manager-runtime/packaging/grafana/vnet-dashboard.json").toFile());
            int queries = 0;
            int withData = 0;
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    String answer = curl(m, "http://127.0.0.1:" + PROM_PORT + "/api/v1/query?query="
                            + URLEncoder.encode(expr, StandardCharsets.UTF_8), null);
                    assertTrue(answer.startsWith("200 "), "panel '" + panel.path("title").asText() + "': " + expr + ": "
                            + answer);
                    queries++;
                    withData += Json.MAPPER.readTree(answer.substring(4)).path("data").path("result").isEmpty() ? 0 : 1;
                }
            }
            System.out.println("the Grafana dashboard: " + queries + " queries valid, " + withData + " with data now");
            assertTrue(queries >= 15 && withData >= queries / 2, queries + " queries, " + withData + " with data");

            // what an operator would look at: Prometheus's graph page of the link rates, in a real chromium
            Path shot = screenshot(fabric, m, dir);
            System.out.println("Prometheus's graph page: " + shot + " (" + Files.size(shot) + " bytes)");
        }
    }

    /** {@code vnetctl manager} from the manager's namespace, as an admin on that machine would. */
    private static void vnetctlManager(Fabric fabric, Host m, ManagerProcess manager) throws Exception {
        Path session = fabric.workDir().resolve("vnetctl-session.json");
        Path pw = fabric.workDir().resolve("vnetctl-password");
        Files.writeString(pw, manager.adminPassword() + "\n");
        String login = vnetctl(fabric, m, session, "manager", "login", "--url", "http://127.0.0.1:" + ManagerProcess.HTTP_PORT,
                "--user", manager.adminUser(), "--password-file", pw.toString());
        assertTrue(login.contains("logged in to http://127.0.0.1:" + ManagerProcess.HTTP_PORT), login);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(session)));
        String agents = vnetctl(fabric, m, session, "manager", "agents");
        System.out.println("vnetctl manager agents:\n" + agents);
        List<String> rows = agents.lines().toList();
        assertTrue(rows.get(0).startsWith("HOST") && rows.get(0).contains("SOFTWARE") && rows.get(0).contains("PROTOCOL"), agents);
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("ha ") && r.contains(" yes ")), agents);
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("hb ") && r.contains(" yes ")), agents);
        JsonNode json = Json.MAPPER.readTree(vnetctl(fabric, m, session, "manager", "agents", "--json"));
        assertEquals(2, json.size(), "--json at the end: the API's answer " + json);
        String links = vnetctl(fabric, m, session, "manager", "links");
        assertTrue(links.lines().anyMatch(r -> r.startsWith("ha ") && r.contains("to-b") && r.contains(" yes ")), links);
        String version = vnetctl(fabric, m, session, "--json", "manager", "version");
        assertEquals(1, Json.MAPPER.readTree(version).path("protocol").asInt(), version);
        String mode = vnetctl(fabric, m, session, "manager", "adaptation", "mode", Integer.toString(VNI), "recommend");
        assertTrue(mode.contains("network " + VNI + ": mode recommend"), mode);
        String show = vnetctl(fabric, m, session, "manager", "adaptation", "show", Integer.toString(VNI));
        assertTrue(show.lines().anyMatch(r -> r.startsWith(VNI + " ") && r.contains("recommend")), show);
        String audit = vnetctl(fabric, m, session, "manager", "audit");
        assertTrue(audit.contains("local:" + manager.adminUser()), "the mode change in the audit log:\n" + audit);
        vnetctl(fabric, m, session, "manager", "adaptation", "mode", Integer.toString(VNI), "off");
        Sh.Result bad = Sh.run(60, vnetctlLine(fabric, m, session, "manager", "topology", "99"));
        assertEquals(1, bad.exit(), "a refused call exits 1: " + bad.out());
        assertTrue(bad.out().contains("404"), bad.out());
        assertTrue(vnetctl(fabric, m, session, "manager", "logout").contains("logged out"));
        Sh.Result after = Sh.run(60, vnetctlLine(fabric, m, session, "manager", "agents"));
        assertTrue(after.exit() != 0 && after.out().contains("not logged in"), after.out());
    }

    private static List<String> vnetctlLine(Fabric fabric, Host host, Path session, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.ns(), "env", "VNET_MANAGER_SESSION=" + session,
                fabric.repoDir().resolve("host-agent/bin/vnetctl").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String vnetctl(Fabric fabric, Host host, Path session, String... args) {
        Sh.Result r = Sh.run(60, vnetctlLine(fabric, host, session, args));
        assertEquals(0, r.exit(), "vnetctl " + String.join(" ", args) + ":\n" + r.out());
        return r.out();
    }

    private static double epoch() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** An HTTP GET from inside {@code host}'s namespace: "STATUS BODY". */
    private static String curl(Host host, String url, String bearer) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.ns(), "curl", "-sS", "-m", "5",
                "-w", "\n%{http_code}"));
        if (bearer != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + bearer));
        }
        cmd.add(url);
        Sh.Result r = Sh.run(15, cmd);
        String out = r.out();
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1).strip() + " " + out.substring(0, Math.max(0, nl));
    }

    /** A PromQL instant query at {@code time} over Prometheus's HTTP API: its one value. */
    private static double scalar(Host host, String promql, double time) throws Exception {
        String url = "http://127.0.0.1:" + PROM_PORT + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + String.format(java.util.Locale.ROOT, "%.3f", time);
        String answer = curl(host, url, null);
        assertTrue(answer.startsWith("200 "), promql + ": " + answer);
        JsonNode j = Json.MAPPER.readTree(answer.substring(4));
        JsonNode result = j.path("data").path("result");
        assertEquals(1, result.size(), promql + " gives one series: " + answer);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private static void awaitTargetsUp(Host host, int n, long timeoutMs) throws Exception {
        long end = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (System.currentTimeMillis() < end) {
            last = curl(host, "http://127.0.0.1:" + PROM_PORT + "/api/v1/query?query=" + URLEncoder.encode("sum(up)",
                    StandardCharsets.UTF_8), null);
            if (last.startsWith("200 ")) {
                JsonNode r = Json.MAPPER.readTree(last.substring(4)).path("data").path("result");
                if (r.size() == 1 && Double.parseDouble(r.get(0).path("value").get(1).asText()) == n) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(n + " targets not up within " + timeoutMs + " ms: " + last + "\n"
                + curl(host, "http://127.0.0.1:" + PROM_PORT + "/api/v1/targets", null));
    }

    /** Debian's chromium, headless, at Prometheus's graph of every link's send rate. */
    private static Path screenshot(Fabric fabric, Host host, Path dir) throws Exception {
        Path png = dir.resolve("prometheus-graph.png");
        String expr = URLEncoder.encode("rate(vnet_port_sent_bytes_total{kind=\"link\"}[5s]) * 8", StandardCharsets.UTF_8);
        String url = "http://127.0.0.1:" + PROM_PORT + "/graph?g0.expr=" + expr + "&g0.tab=0&g0.range_input=1m";
        Sh.Result r = Sh.run(90, List.of("ip", "netns", "exec", host.ns(), io.vnet.it.ui.BrowserDriver.CHROMIUM.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-"), "--window-size=1280,800",
                "--virtual-time-budget=8000", "--screenshot=" + png, url));
        assertTrue(Files.exists(png) && Files.size(png) > 10_000, "chromium's screenshot of " + url + ": " + r.out());
        Path keep = fabric.repoDir().resolve("integration-tests/tests/target/prometheus-graph.png");
        Files.createDirectories(keep.getParent());
        Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return keep;
    }
}
