package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.cloudstack.cli.VnetCloudStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vnet-cloudstack setup and check against the fake CloudStack. */
class CommandLineTest {
    @TempDir
    Path dir;
    FakeCloudStack cs;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        cs = new FakeCloudStack();
        cs.onList("listZones", "4.20/listZones.json", "zone", Map.of());
    }

    @AfterEach
    void stop() {
        cs.close();
    }

    int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", cs.url().toString(), "--api-key", FakeCloudStack.API_KEY,
                "--secret-key", FakeCloudStack.SECRET_KEY));
        return VnetCloudStack.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void setupCreatesTheL2OfferingOnceAndPrintsTheNextSteps() throws Exception {
        cs.onFixture("listNetworkOfferings", "4.20/listNetworkOfferings-empty.json");
        cs.onFixture("createNetworkOffering", "4.20/createNetworkOffering.json");
        assertEquals(0, run("setup", "--zone", "zone1", "--manager-url", "http://vnet.example.org:8470/",
                "--webhook-secret", "whs"), err.toString());
        Map<String, String> created = cs.calls("createNetworkOffering").get(0);
        assertEquals("Home Network (VNET)", created.get("name"));
        assertEquals("L2", created.get("guestiptype"));
        assertEquals("GUEST", created.get("traffictype"));
        assertEquals("false", created.get("specifyvlan"));
        assertEquals("vnet", created.get("tags"));
        assertEquals("a7b4d1c2-5e6f-4a3b-9c8d-1e2f3a4b5c6d", created.get("zoneid"));
        String o = out.toString();
        assertTrue(o.contains("offering id: 5e2a7c9b-1d3f-4a6c-b8e0-2f4a6c8e0b1d"), o);
        assertTrue(o.contains("kvmnetworklabel=cloudbr-vnet"), o);
        assertTrue(o.contains("payloadurl=http://vnet.example.org:8470/api/cloudstack/webhook secretkey=whs"), o);
        assertTrue(o.contains("updateNetworkOffering id=5e2a7c9b-1d3f-4a6c-b8e0-2f4a6c8e0b1d state=Enabled"), o);

        cs.onFixture("listNetworkOfferings", "4.20/listNetworkOfferings.json");
        out.getBuffer().setLength(0);
        assertEquals(0, run("setup"));
        assertEquals(1, cs.calls("createNetworkOffering").size(), "found, not made again");
        assertTrue(out.toString().contains("exists: 5e2a7c9b-1d3f-4a6c-b8e0-2f4a6c8e0b1d (Disabled)"), out.toString());
    }

    @Test
    void checkReportsVersionZonesAndHosts() {
        cs.onFixture("listCapabilities", "4.20/listCapabilities.json");
        cs.onList("listHosts", "4.20/listHosts.json", "host", Map.of());
        assertEquals(0, run("check"), err.toString());
        String o = out.toString();
        assertTrue(o.startsWith("CloudStack 4.20.0.0 at " + cs.url()), o);
        assertTrue(o.contains("webhooks (4.20+)"), o);
        assertTrue(o.contains("zone1 (a7b4d1c2-5e6f-4a3b-9c8d-1e2f3a4b5c6d, Advanced, Enabled)"), o);
        assertTrue(o.contains("hypervisor hosts: 2"), o);
        assertTrue(o.contains("kvm2.example.org (KVM, Up, agent 4.20.0.0, 192.0.2.12)"), o);
    }

    @Test
    void errorsAndUsage() throws Exception {
        cs.on("listCapabilities", p -> new FakeCloudStack.Reply(431, Fixtures.text("4.20/error-431.json")
                .replace("listvirtualmachinesresponse", "listcapabilitiesresponse")));
        assertEquals(1, run("check"));
        assertTrue(err.toString().contains("listCapabilities: CloudStack error 431"), err.toString());
        assertEquals(2, run("setup", "--zone", "zone9"));
        assertTrue(err.toString().contains("--zone: CloudStack has no zone named or with id 'zone9'"), err.toString());
        assertEquals(2, VnetCloudStack.run(new String[] {"check", "--url", "http://x/client/api"},
                new PrintWriter(out, true), new PrintWriter(err, true)), "no keys: a usage error");
        Path key = dir.resolve("key");
        Files.writeString(key, FakeCloudStack.SECRET_KEY + "\n");
        cs.onFixture("listCapabilities", "4.20/listCapabilities.json");
        cs.onList("listHosts", "4.20/listHosts.json", "host", Map.of());
        assertEquals(0, VnetCloudStack.run(new String[] {"check", "--url", cs.url().toString(), "--api-key",
                FakeCloudStack.API_KEY, "--secret-key-file", key.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true)));
    }
}
