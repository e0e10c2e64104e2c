package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Network Extension executable run as CloudStack's NetworkExtensionElement runs it: {@code
 * <exe> <command> <payload-file> <timeout>}, standard error merged into standard output, against
 * the manager's routes (on the JDK's HTTP server) over the fake CloudStack.
 */
class ExtensionExecutableTest {
    static final Path EXE = Path.of("extension/vnet-network-extension").toAbsolutePath();

    @TempDir
    Path dir;
    TestBed bed;
    RoutesServer routes;

    record Run(int exit, String out, long millis) {
        JsonNode json() throws IOException {
            return CloudStackClient.JSON.readTree(out);
        }
    }

    void start(Map<String, Object> extra) throws Exception {
        bed = new TestBed(dir, extra);
        routes = new RoutesServer(bed.wiring.api);
    }

    @AfterEach
    void stop() {
        if (routes != null) {
            routes.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    /** Runs the executable on a fixture, as CloudStack does: the payload in a file, a timeout in seconds. */
    Run run(String command, String fixture, int timeout, Map<String, String> env) throws Exception {
        Path payload = Files.createTempFile(dir, "cs-extnet-" + command + "-", ".payload");
        Files.writeString(payload, Fixtures.text(fixture));
        ProcessBuilder pb = new ProcessBuilder(EXE.toString(), command, payload.toString(), Integer.toString(timeout));
        pb.redirectErrorStream(true);
        pb.environment().remove("VNET_MANAGER_URL");
        pb.environment().remove("VNET_EXTENSION_TOKEN");
        pb.environment().put("VNET_EXTENSION_CONF", dir.resolve("none.conf").toString());
        Files.writeString(dir.resolve("none.conf"), "# empty\n");
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeout + 10L, TimeUnit.SECONDS), "the executable ended");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip(), (System.nanoTime() - t0) / 1_000_000);
    }

    Run run(String command, String fixture) throws Exception {
        return run(command, fixture, 60, Map.of("VNET_MANAGER_URL", routes.url()));
    }

    @Test
    void theFiveCommandsOfAHomeNetworksLife() throws Exception {
        start(Map.of());
        Run implement = run("implement-network", "4.23/extension-implement-network.json");
        assertEquals(0, implement.exit(), implement.out());
        assertEquals("success", implement.json().path("status").asText(), implement.out());
        assertEquals(100_000, implement.json().path("vnet").path("vni").asInt());
        assertEquals("204", bed.cs.calls("listNetworks").get(0).get("id"), "the network was asked by its numeric id");
        assertEquals(Long.valueOf(TestBed.HOME_INTERNAL_ID), bed.store.cloudStackNetwork(TestBed.HOME).orElseThrow()
                .internalId());
        assertEquals(100_000, bed.store.network(100_000).orElseThrow().vni(), "the manager lists the network");

        Run prepare = run("prepare-nic", "4.23/extension-prepare-nic.json");
        assertEquals(0, prepare.exit(), prepare.out());
        assertEquals("success", prepare.json().path("status").asText());
        List<Inventory.PreparedNic> nics = bed.wiring.inventory.preparedNics();
        assertEquals(1, nics.size());
        Inventory.PreparedNic nic = nics.get(0);
        assertEquals(TestBed.VM1_HOME_MAC, nic.mac());
        assertEquals(TestBed.HOME, nic.networkUuid());
        assertEquals(100_000, nic.vni());
        assertEquals(TestBed.VM1, nic.vmUuid(), "the VM was found by its name and MAC");
        assertEquals("8c0d2e4f-6a7b-4c9d-8e1f-3a5b7c9d1e2f", nic.nicUuid());
        assertEquals(1, bed.get("/prepared-nics").body().size());

        Run release = run("release-nic", "4.23/extension-release-nic.json");
        assertEquals(0, release.exit(), release.out());
        assertTrue(bed.wiring.inventory.preparedNics().isEmpty());

        Run shutdown = run("shutdown-network", "4.23/extension-shutdown-network.json");
        assertEquals(0, shutdown.exit(), shutdown.out());
        assertEquals("success", shutdown.json().path("status").asText());
        assertTrue(bed.store.cloudStackNetwork(TestBed.HOME).isPresent(), "shutdown keeps the VNI");

        Run destroy = run("destroy-network", "4.23/extension-destroy-network.json");
        assertEquals(0, destroy.exit(), destroy.out());
        assertEquals("success", destroy.json().path("status").asText());
        assertTrue(bed.store.cloudStackNetwork(TestBed.HOME).isEmpty(), "destroy releases the VNI");
        assertTrue(bed.store.network(100_000).isEmpty());

        Run layer3 = run("add-dhcp-entry", "4.23/extension-prepare-nic.json");
        assertEquals(0, layer3.exit(), "a layer-3 command is a no-op: " + layer3.out());
    }

    @Test
    void aManagerThatDoesNotAnswerInTimeFailsWithinTheTimeout() throws Exception {
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.createContext("/", ex -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        slow.start();
        try {
            Run r = run("implement-network", "4.23/extension-implement-network.json", 2,
                    Map.of("VNET_MANAGER_URL", "http://127.0.0.1:" + slow.getAddress().getPort()));
            assertEquals(2, r.exit(), r.out());
            assertEquals("vnet-network-extension: the VNET manager did not answer implement-network within 2 s",
                    r.json().path("message").asText());
            assertTrue(r.millis() < 6000, "it gave up after about 2 s, not " + r.millis() + " ms");
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void aManagerThatIsDownFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("prepare-nic", "4.23/extension-prepare-nic.json", 60, Map.of("VNET_MANAGER_URL",
                "http://127.0.0.1:" + port));
        assertEquals(2, r.exit(), r.out());
        assertEquals("error", r.json().path("status").asText());
        assertTrue(r.json().path("message").asText().contains("could not be reached for prepare-nic"), r.out());
    }

    @Test
    void theTokenComesFromTheConfigurationFile() throws Exception {
        start(Map.of("extensionToken", "s3cret-token"));
        Run without = run("implement-network", "4.23/extension-implement-network.json");
        assertEquals(1, without.exit(), without.out());
        assertTrue(without.json().path("error").asText().startsWith("Authorization:"), without.out());
        assertTrue(bed.store.cloudStackNetworks().isEmpty());

        Path conf = dir.resolve("extension.conf");
        Files.writeString(conf, "# VNET\nVNET_MANAGER_URL=\"" + routes.url() + "/\"\nVNET_EXTENSION_TOKEN=s3cret-token\n");
        Map<String, String> env = new HashMap<>();
        env.put("VNET_EXTENSION_CONF", conf.toString());
        Run with = run("implement-network", "4.23/extension-implement-network.json", 60, env);
        assertEquals(0, with.exit(), with.out());
        assertEquals(1, bed.store.cloudStackNetworks().size());
    }

    @Test
    void usageErrors() throws Exception {
        start(Map.of());
        Run noUrl = run("implement-network", "4.23/extension-implement-network.json", 60, Map.of());
        assertEquals(3, noUrl.exit(), noUrl.out());
        assertTrue(noUrl.out().contains("no manager URL"), noUrl.out());
        Process p = new ProcessBuilder(EXE.toString(), "implement-network", dir.resolve("missing.json").toString(), "60")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("cannot read the payload file"), out);
        Run bad = run("Implement;rm", "4.23/extension-implement-network.json");
        assertEquals(3, bad.exit(), bad.out());
    }
}
