package io.vnet.it.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.patterns.Pattern;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadgenTest {
    @Test
    void theLayoutIsDeterministicAndPutsEveryHostsVmsInNetworksOfFiveToFiftyHosts() {
        Layout a = Layout.build(500, 50, 20, 7);
        Layout b = Layout.build(500, 50, 20, 7);
        Set<String> macs = new HashSet<>();
        for (int h = 0; h < 500; h++) {
            assertEquals(20, a.vmsOf(h).size());
            assertEquals(a.vmsOf(h), b.vmsOf(h));
            a.vmsOf(h).forEach(v -> assertTrue(macs.add(v.mac().toString()), "unique " + v));
        }
        for (Layout.Network n : a.networks()) {
            long hosts = n.vms().stream().map(Layout.Vm::host).distinct().count();
            assertTrue(hosts >= 1 && hosts <= 50, n.vni() + " on " + hosts + " hosts");
        }
    }

    @Test
    void eachHostReportsItsVmsOutEdgesAndPatternsChangeOnTheirSchedule() {
        Layout l = Layout.build(100, 10, 20, 3);
        Traffic t = new Traffic(l, 3, 100, 60_000, 0);
        long edges = 0;
        for (int h = 0; h < 100; h++) {
            for (Traffic.Edge e : t.edgesOf(h)) {
                assertFalse(e.src().equals(e.dst()));
                assertTrue(e.bytesPerSecond() >= 32 << 10);
                edges++;
            }
        }
        assertTrue(edges > 0);
        int[] changes = {0};
        t.listen((n, from, to, at) -> {
            assertFalse(from == to);
            changes[0]++;
        });
        t.tick(60_000);
        assertEquals(10, changes[0], "every network changed once in its first period");
        int small = -1;
        for (Layout.Network n : l.networks()) {
            if (!NetworkPatterns.allowed(n.vms().size(), 100).contains(Pattern.ALL_TO_ALL)) {
                small = n.index();
            }
        }
        if (small >= 0) {
            int s = small;
            assertThrows(IllegalArgumentException.class, () -> t.change(s, Pattern.ALL_TO_ALL, 1), "only allowed patterns");
        }
    }

    @Test
    void metricsAreReadWithBounds() {
        String text = "# HELP x\nvnet_topology_class{network=\"1000\",class=\"RING\"} 1\n"
                + "vnet_topology_class{network=\"1001\",class=\"MESH_2D\"} 0\n"
                + "vnet_topology_class{network=\"bad\",class=\"RING\"} 1\n"
                + "vnet_topology_class{network=\"1002\" 1\n"
                + "vnet_manager_reports_total 12345\nvnet_manager_agents{role=\"host\",state=\"connected\"} 7\n"
                + "other_family 1\n" + "vnet_manager_reports_total{" + "a=\"b\",".repeat(3000) + "} 1\n";
        MetricsText m = MetricsText.parse(text, MetricsWatch.FAMILIES);
        assertEquals(Map.of(1000, "RING"), m.topologyClasses());
        assertEquals(12345, m.sum("vnet_manager_reports_total", Map.of()));
        assertEquals(7, m.sum("vnet_manager_agents", Map.of("state", "connected")));
        assertEquals(2, m.skipped(), "the cut sample and the overlong line");
    }

    @Test
    void flagsAreChecked() {
        LoadOptions o = LoadOptions.parse(new String[] {"--agents", "20", "--networks", "3", "--seed", "9"});
        assertEquals(20, o.agents());
        assertEquals(9, o.seed());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--agents", "0"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--managers", "10.0.0.1:5900",
                "--api", "http://127.0.0.1:1", "--admin-password-file", "a", "--metrics-token-file", "b"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--managers", "127.0.0.1:5900"}));
        assertEquals("127.1.1.1", Fleet.sourceAddress(0).getHostAddress());
        assertEquals("127.1.2.1", Fleet.sourceAddress(254).getHostAddress());
    }

    @Test
    void clusterFlagsAreChecked() {
        String pg = "jdbc:postgresql://127.0.0.1:5432/vnet?user=u&password=p";
        LoadOptions o = LoadOptions.parse(new String[] {"--start-managers", "2", "--jdbc", pg, "--failover-at", "20",
                "--duration", "60"});
        assertEquals(2, o.startManagers());
        assertEquals(20, o.failoverAtSeconds());
        assertEquals(1, LoadOptions.defaults().startManagers());
        assertEquals(0, LoadOptions.defaults().failoverAtSeconds());
        IllegalArgumentException noJdbc = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--start-managers", "2"}));
        assertTrue(noJdbc.getMessage().contains("--jdbc"), noJdbc.getMessage());
        IllegalArgumentException h2 = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--start-managers", "2", "--jdbc", "jdbc:h2:file:/tmp/x;password=s"}));
        assertTrue(!h2.getMessage().contains("password=s"), "the password is not printed: " + h2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--start-managers", "3",
                "--jdbc", pg}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--failover-at", "20"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--start-managers", "2",
                "--jdbc", pg, "--failover-at", "60", "--duration", "60"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--start-managers", "2",
                "--jdbc", pg, "--managers", "127.0.0.1:5900", "--api", "http://127.0.0.1:1", "--admin-password-file", "a",
                "--metrics-token-file", "b"}));
    }

    @Test
    void theClusterViewIsReadWithBounds() throws Exception {
        com.fasterxml.jackson.databind.JsonNode j = io.vnet.protocol.Json.MAPPER.readTree("""
                {"self": "m2", "clustered": true, "members": [{"id": "m1", "agentAddress": "127.0.0.1:1"},
                 {"id": "m2", "agentAddress": "127.0.0.1:2"}, {"agentAddress": "no id"}],
                 "owners": {"1000": "m1", "1001": "m2", "1002": "m2", "x": "m1", "1003": "", "123456789": "m1"}}""");
        ClusterWatch.View v = ClusterWatch.parse(5, j);
        assertEquals("m2", v.self());
        assertEquals(java.util.List.of("m1", "m2"), v.members());
        assertEquals(java.util.Map.of(1000, "m1", 1001, "m2", 1002, "m2"), v.owners());
        assertEquals(java.util.Map.of("m1", 1, "m2", 2), v.counts());
    }

    @Test
    void timedOutcomesSplitByTime() {
        Timed t = new Timed();
        t.add(100, 50);
        t.add(200, 7000);
        t.fail(250);
        t.add(300, 10);
        assertEquals(2, t.latencies(0, 250).count());
        assertEquals(1, t.failures(0, 300));
        assertEquals(0, t.failures(251, 1000));
        assertEquals(1, t.over(5000, 0, 1000));
        assertEquals(10.0, t.latencies(300, 301).max());
    }
}
