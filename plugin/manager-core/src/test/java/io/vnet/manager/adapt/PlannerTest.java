package io.vnet.manager.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.manager.TopologyService;
import io.vnet.vadapt.Adapters;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Problem;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner turns the manager's live view (agents, measured links, VTTIF's matrix) into VADAPT's problem. */
class PlannerTest {
    static final NetworkId NET = NetworkId.of(300);

    /** A registry of fixed hosts: a small hand-written adapter of the service. */
    record Hosts(List<HostInfo> hosts) implements AgentRegistry {
        @Override
        public Optional<HostInfo> host(String hostId) {
            return hosts.stream().filter(h -> h.hostId().equals(hostId)).findFirst();
        }
    }

    /** VTTIF with one fixed matrix. */
    record Matrix(TrafficMatrix m) implements TopologyService {
        @Override
        public Set<NetworkId> networks() {
            return Set.of(NET);
        }

        @Override
        public Optional<TopologyGraph> topology(NetworkId n) {
            return Optional.empty();
        }

        @Override
        public TopologyGraph inferred(NetworkId n) {
            throw new UnsupportedOperationException("not used by the planner");
        }

        @Override
        public TrafficMatrix matrix(NetworkId n) {
            return m;
        }

        @Override
        public List<TopologyChange> history(NetworkId n) {
            return List.of();
        }
    }

    static MacAddress vm(int i) {
        return MacAddress.parse(String.format("02:00:00:00:2c:%02x", i));
    }

    static HostInfo host(String id, String role, List<MacAddress> vms, List<MeasuredLink> links) {
        return new HostInfo(id, role, null, true, List.of(NET), Map.of(NET, vms), -1, -1, List.of(), Instant.now(),
                links);
    }

    static MeasuredLink link(String peer, long rttMicros, long bps) {
        return new MeasuredLink("to-" + peer, peer, "tcp", true, rttMicros, rttMicros, bps, bps);
    }

    /** A star through proxy px, hosts ha and hb with two VMs each, an all-to-all between the four VMs. */
    static Planner star(long rttMicrosA, long bpsA) {
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(host("px", "proxy", List.of(), List.of(link("ha", rttMicrosA, bpsA), link("hb", 800, 0))));
        hosts.add(host("ha", "host", List.of(vm(1), vm(2)), List.of(link("px", rttMicrosA, bpsA))));
        hosts.add(host("hb", "host", List.of(vm(3), vm(4)), List.of(link("px", 800, 0))));
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (int i = 1; i <= 4; i++) {
            for (int j = 1; j <= 4; j++) {
                if (i != j) {
                    m.add(vm(i), vm(j), 1e6);
                }
            }
        }
        m.add(vm(1), MacAddress.parse("02:aa:00:00:00:01"), 5e5); // a home-LAN PC behind the proxy
        return new Planner(new Hosts(hosts), new Matrix(m.build()), Planner.Settings.defaults());
    }

    @Test
    void measuredLinksGiveThePathsAndConfiguredValuesFillTheRest() {
        Problem p = star(2000, 400_000_000).problem(NET, false);
        assertEquals("px", p.underlay().center());
        assertEquals(List.of("ha", "hb"), p.underlay().hosts());
        assertEquals(0.001, p.underlay().path("ha", "px").latencySeconds(), 1e-9, "half the measured round trip");
        assertEquals(4e8, p.underlay().path("ha", "px").bandwidthBitsPerSecond(), 1, "the rate it carried, above 100M");
        assertEquals(1e8, p.underlay().path("hb", "px").bandwidthBitsPerSecond(), 1, "nothing above the configured");
        assertEquals(0.0005, p.underlay().path("ha", "hb").latencySeconds(), 1e-9, "no link: the configured latency");
        assertEquals(Set.of(HostLink.of("ha", "px"), HostLink.of("hb", "px")), p.overlay().links());
        assertEquals("hb", p.placement().hostOf(vm(3)));
        assertEquals(4, p.demand().vms().size(), "the home-LAN peer is not in the demand");
    }

    @Test
    void aRateMeasuredAboveTheUplinkIsNotAWiderPath() {
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(host("px", "proxy", List.of(), List.of(link("ha", 800, 52_000_000), link("hb", 800, 0))));
        hosts.add(host("ha", "host", List.of(vm(1)), List.of(link("px", 800, 52_000_000))));
        hosts.add(host("hb", "host", List.of(vm(2)), List.of(link("px", 800, 0))));
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        m.add(vm(1), vm(2), 1e6);
        Planner.Settings d = Planner.Settings.defaults();
        Planner.Settings shaped = new Planner.Settings(d.hostCapacity(), 50e6, d.latencySeconds(), d.cost(), 50e6);
        Problem p = new Planner(new Hosts(hosts), new Matrix(m.build()), shaped).problem(NET, false);
        assertEquals(50e6, p.underlay().path("ha", "px").bandwidthBitsPerSecond(), 1, "52 Mbit/s measured, 50 the uplink");
        assertEquals(50e6, p.underlay().path("hb", "px").bandwidthBitsPerSecond(), 1);
        Planner.Settings unbounded = new Planner.Settings(d.hostCapacity(), 50e6, d.latencySeconds(), d.cost(), 0);
        assertEquals(52e6, new Planner(new Hosts(hosts), new Matrix(m.build()), unbounded).problem(NET, false).underlay()
                .path("ha", "px").bandwidthBitsPerSecond(), 1, "no uplink configured: the measured rate stands");
    }

    @Test
    void aHostWhoseAgentIsGoneIsPlannedAroundWithItsVms() {
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(host("px", "proxy", List.of(), List.of(link("ha", 800, 0), link("hb", 800, 0), link("hc", 800, 0))));
        hosts.add(host("ha", "host", List.of(vm(1)), List.of(link("px", 800, 0), link("hc", 800, 0))));
        hosts.add(host("hb", "host", List.of(vm(2)), List.of(link("px", 800, 0))));
        HostInfo hc = host("hc", "host", List.of(vm(3)), List.of(link("px", 800, 0), link("ha", 800, 0)));
        hosts.add(new HostInfo(hc.hostId(), hc.role(), hc.linkAddress(), false, hc.networks(), hc.vms(), -1, -1,
                List.of(), hc.lastSeen(), hc.links(), List.of(), HostInfo.UNKNOWN, false)); // its agent died
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (int i = 1; i <= 3; i++) {
            for (int j = 1; j <= 3; j++) {
                if (i != j) {
                    m.add(vm(i), vm(j), 1e6);
                }
            }
        }
        Problem p = new Planner(new Hosts(hosts), new Matrix(m.build()), Planner.Settings.defaults())
                .problem(NET, false, null, Map.of(vm(3), "hc"));
        assertEquals(List.of("ha", "hb"), p.underlay().hosts(), "hc is gone");
        assertEquals(Set.of(vm(1), vm(2)), Set.copyOf(p.demand().vms()), "its VM's traffic is not planned for");
        assertTrue(p.overlay().links().stream().noneMatch(l -> l.a().equals("hc") || l.b().equals("hc")),
                p.overlay().toString());
    }

    @Test
    void withThreeHostsTheProxysLinksAreTheBottleneckOfAnAllToAllAndGreedyAddsDirectLinks() {
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(host("px", "proxy", List.of(), List.of(link("ha", 800, 0), link("hb", 800, 0), link("hc", 800, 0))));
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        String[] names = {"ha", "hb", "hc"};
        for (int h = 0; h < 3; h++) {
            hosts.add(host(names[h], "host", List.of(vm(2 * h + 1), vm(2 * h + 2)), List.of(link("px", 800, 0))));
        }
        for (int i = 1; i <= 6; i++) {
            for (int j = 1; j <= 6; j++) {
                if (i != j) {
                    m.add(vm(i), vm(j), 1e6);
                }
            }
        }
        Planner planner = new Planner(new Hosts(hosts), new Matrix(m.build()), Planner.Settings.defaults());
        Planner.Result r = planner.plan(NET, Adapters.greedy(), Budget.defaults(), false);
        assertTrue(r.plan().apply(), r.plan().toString());
        assertTrue(r.plan().overlay().links().size() > 3, "fast paths added: " + r.plan().overlay());
        assertTrue(r.plan().predictedGain() > 1.3, "predicted gain " + r.plan().predictedGain());
    }

    @Test
    void withTwoHostsADirectLinkGainsNothingButLatencyAndTheStarStays() {
        // each host's link to the proxy carries the same pairs a direct link would: no bandwidth gain
        Planner.Result r = star(800, 0).plan(NET, Adapters.greedy(), Budget.defaults(), false);
        assertTrue(r.plan().predictedGain() < 1.05, r.plan().toString());
    }

    @Test
    void aNetworkWithoutAProxyHasNoProblemToSolve() {
        Planner p = new Planner(new Hosts(List.of(host("ha", "host", List.of(vm(1)), List.of()))),
                new Matrix(TrafficMatrix.empty()), Planner.Settings.defaults());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.problem(NET, false));
        assertTrue(e.getMessage().contains("no proxy"), e.getMessage());
    }
}
