package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.PortStats;
import io.vnet.dataplane.DataPlane;
import io.vnet.protocol.metrics.CertificateExpiry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code /metrics} and {@code /readyz} say of a data plane, a desired state and a manager channel. */
class AgentMetricsTest {
    private final MemoryDataPlane dp = new MemoryDataPlane();
    private final ManagedState state = new ManagedState(dp, Set.of(), Set.of(), null);

    @Test
    void everyPortsCountersAndDropsAreFamiliesWithItsKindNameAndPeer() {
        dp.stats.add(new PortStats("link", "to-h2", "up", "h2", 10, 1000, 20, 2000, Map.of("link-down", 3L, "spoofed", 1L)));
        dp.stats.add(new PortStats("tap", "vnet100", "up", "br100", 5, 500, 6, 600, Map.of()));
        dp.stats.add(new PortStats("link", "to-h3", "connecting: refused", "h3, kernel devices 2", 0, 0, 0, 0, Map.of()));
        dp.stats.add(new PortStats(DataPlane.FORWARDER_STATS_KIND, DataPlane.LEARNED_STATS_ID, "cap 4096", "", 7, 0, 0, 0,
                Map.of("evicted", 2L)));
        dp.stats.add(new PortStats(DataPlane.FORWARDER_STATS_KIND, DataPlane.REMOVED_LINKS_STATS_ID, "1 link(s) removed", "",
                4, 400, 0, 0, Map.of()));
        dp.stats.add(new PortStats(DataPlane.FORWARDER_STATS_KIND, DataPlane.FALLBACKS_STATS_ID, "", "", 9, 0, 0, 0, Map.of()));
        String text = new AgentMetrics(dp, "host", state, null, CertificateExpiry.NONE).text();
        List<String> lines = text.lines().toList();
        assertTrue(lines.contains("vnet_port_received_bytes_total{kind=\"link\",port=\"to-h2\",peer=\"h2\"} 1000"), text);
        assertTrue(lines.contains("vnet_port_sent_frames_total{kind=\"tap\",port=\"vnet100\",peer=\"br100\"} 6"), text);
        assertTrue(lines.contains("vnet_port_drops_total{kind=\"link\",port=\"to-h2\",reason=\"link-down\"} 3"), text);
        assertTrue(lines.contains("vnet_port_up{kind=\"link\",port=\"to-h2\",peer=\"h2\"} 1"), text);
        assertTrue(lines.contains("vnet_port_up{kind=\"link\",port=\"to-h3\",peer=\"h3\"} 0"), "a peer label is the host only: " + text);
        assertTrue(lines.contains("vnet_port_received_frames_total{kind=\"forwarder\",port=\"removed-links\",peer=\"\"} 4"),
                "what removed links counted stays in the sums: " + text);
        assertTrue(lines.contains("vnet_learned_macs 7"), text);
        assertTrue(lines.contains("vnet_port_drops_total{kind=\"forwarder\",port=\"learned\",reason=\"evicted\"} 2"), text);
        assertTrue(lines.contains("vnet_rule_fallbacks_total 9"), text);
        assertTrue(lines.contains("vnet_state_applied_generation -1"), text);
        assertTrue(lines.contains("vnet_port_received_frames_total{kind=\"listener\",port=\"listener\",peer=\"\"} 0"),
                "a listener has no peer: " + text);
        assertFalse(text.contains("vnet_port_up{kind=\"listener\""), "a listener is neither up nor down");
        assertFalse(text.contains("vnet_manager_connected"), "no manager, no such family");
        assertWellFormed(text);
    }

    @Test
    void theGenerationsSayWhatTheManagerSentAndWhatIsApplied() {
        state.apply(io.vnet.protocol.Json.MAPPER.valueToTree(Map.of("generation", 5, "links", List.of(), "rules", List.of())), true);
        state.apply(io.vnet.protocol.Json.MAPPER.valueToTree(Map.of("generation", 3, "links", List.of(), "rules", List.of())), true);
        String text = new AgentMetrics(dp, "host", state, null, CertificateExpiry.NONE).text();
        assertTrue(text.contains("\nvnet_state_applied_generation 5\n"), text);
        assertTrue(text.contains("\nvnet_state_received_generation 5\n"), text);
        assertTrue(text.contains("\nvnet_state_refused_older_total 1\n"), text);
    }

    @Test
    void notReadyNamesAVanishedTapAndAnUnreachableManager() throws Exception {
        dp.stats.add(new PortStats("tap", "vnet100", "vanished", "br100", 0, 0, 0, 0, Map.of()));
        dp.stats.add(new PortStats("tap", "vnet200", "up", "br200", 0, 0, 0, 0, Map.of()));
        try (ManagerClient client = new ManagerClient(java.util.List.of(io.vnet.api.Endpoint.parse("127.0.0.1:1")), "ha", "host", null, dp,
                state, 1000, null, "manager")) {
            AgentMetrics m = new AgentMetrics(dp, "host", state, client, CertificateExpiry.NONE);
            List<String> why = m.notReady();
            assertEquals(2, why.size(), why.toString());
            assertEquals("tap vnet100 is vanished", why.get(0));
            assertTrue(why.get(1).startsWith("manager 127.0.0.1:1: not connected"), why.get(1));
            assertTrue(m.text().contains("\nvnet_manager_connected 0\n"));
        }
        dp.stats.remove(0);
        assertEquals(List.of(), new AgentMetrics(dp, "host", state, null, CertificateExpiry.NONE).notReady());
    }

    /** Each family's samples follow its TYPE line, and no series (name and labels) is written twice. */
    static void assertWellFormed(String text) {
        Set<String> families = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                current = line.split(" ")[2];
                assertTrue(families.add(current), "family twice: " + current);
            } else if (!line.startsWith("#")) {
                assertTrue(current != null && line.startsWith(current), "a sample outside its family: " + line);
                assertTrue(series.add(line.substring(0, line.lastIndexOf(' '))), "a series twice: " + line);
            }
        }
    }
}
