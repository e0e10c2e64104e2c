package io.vnet.manager.adapt;

import static io.vnet.manager.adapt.PlannerTest.NET;
import static io.vnet.manager.adapt.PlannerTest.host;
import static io.vnet.manager.adapt.PlannerTest.link;
import static io.vnet.manager.adapt.PlannerTest.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.vadapt.Demand;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Overlay;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.VmPair;
import io.vnet.vttif.TrafficMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A reroute (a link down, a VM moved) keeps every pair on its installed route where that still
 * holds, and routes again only the pairs it cut.
 */
class RecommenderTest {
    private static final Overlay ALL = Overlay.of(List.of(HostLink.of("ha", "px"), HostLink.of("hb", "px"),
            HostLink.of("hc", "px"), HostLink.of("ha", "hb")));

    /**
     * Proxy px, VM hosts ha (vm1), hb (vm2), hc (vm3); the fast path ha-hb carries vm1-vm2's traffic, and its
     * smoothed round trip holds that traffic's queue (12 ms) while the star's spokes are idle (0.3 ms).
     */
    private static Recommender busyFastPath() {
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(host("px", "proxy", List.of(), List.of(link("ha", 300, 0), link("hb", 300, 0), link("hc", 300, 0))));
        hosts.add(host("ha", "host", List.of(vm(1)), List.of(link("px", 300, 0),
                new MeasuredLink("fast-hb", "hb", "tcp", true, 12_000, 200, 40_000_000, 40_000_000))));
        hosts.add(host("hb", "host", List.of(vm(2)), List.of(link("px", 300, 0),
                new MeasuredLink("fast-ha", "ha", "tcp", true, 11_000, 220, 40_000_000, 40_000_000))));
        hosts.add(host("hc", "host", List.of(vm(3)), List.of(link("px", 300, 0))));
        return new Recommender(new Planner(new PlannerTest.Hosts(hosts), new PlannerTest.Matrix(TrafficMatrix.empty()),
                Planner.Settings.defaults()));
    }

    private static Demand demand() {
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (int i = 1; i <= 3; i++) {
            for (int j = 1; j <= 3; j++) {
                if (i != j) {
                    m.add(vm(i), vm(j), 1e6);
                }
            }
        }
        return Demand.fromMatrix(m.build());
    }

    /** The installed plan's routes: every pair between ha and hb direct, the others through px. */
    private static Map<VmPair, List<String>> installed(Plan fresh) {
        Map<VmPair, List<String>> out = new TreeMap<>();
        fresh.routes().forEach((pair, route) -> {
            String from = route.get(0);
            String to = route.get(route.size() - 1);
            boolean direct = (from.equals("ha") && to.equals("hb")) || (from.equals("hb") && to.equals("ha"));
            out.put(pair, direct ? List.of(from, to) : route);
        });
        return out;
    }

    private static Plan reroute(Recommender r, Overlay overlay, Map<MacAddress, String> moved,
                                Map<VmPair, List<String>> routes) {
        return r.reroute(NET, demand(), overlay, Map.of(), moved, routes).result().plan();
    }

    @Test
    void aPairNothingCutKeepsItsRouteWhateverTheRoundTripsSayNow() {
        Recommender r = busyFastPath();
        Plan fresh = reroute(r, ALL, Map.of(), null);
        VmPair ab = VmPair.of(vm(1), vm(2));
        // routed afresh, the busy fast path loses to two idle hops through the proxy
        assertEquals(3, fresh.routes().get(ab).size(), "routed afresh: " + fresh.routes().get(ab));
        Map<VmPair, List<String>> was = installed(fresh);
        Plan kept = reroute(r, ALL, Map.of(), was);
        assertEquals(was, kept.routes(), "every route holds: none moves");
        assertEquals(2, kept.routes().get(ab).size(), "vm1-vm2 stays on its fast path: " + kept.routes().get(ab));
    }

    @Test
    void aPairWhoseLinkIsGoneOrWhoseVmMovedIsRoutedAgain() {
        Recommender r = busyFastPath();
        Map<VmPair, List<String>> was = installed(reroute(r, ALL, Map.of(), null));
        VmPair ab = VmPair.of(vm(1), vm(2));
        VmPair ac = VmPair.of(vm(1), vm(3));
        VmPair bc = VmPair.of(vm(2), vm(3));
        // the fast path is down: its pairs go through the star, the others are as they were
        Overlay withoutFast = Overlay.of(List.of(HostLink.of("ha", "px"), HostLink.of("hb", "px"),
                HostLink.of("hc", "px")));
        Plan around = reroute(r, withoutFast, Map.of(), was);
        assertEquals(List.of("ha", "px", "hb"), around.routes().get(ab));
        assertEquals(was.get(bc), around.routes().get(bc));
        // vm3 moved to hb: its pairs go from where it is now; vm1-vm2 keeps its fast path
        Plan moved = reroute(r, ALL, Map.of(vm(3), "hb"), was);
        assertEquals(List.of("ha", "hb"), moved.routes().get(ab));
        List<String> toMoved = moved.routes().get(ac);
        assertTrue(toMoved.get(0).equals("ha") && toMoved.get(toMoved.size() - 1).equals("hb"),
                "vm1-vm3 ends where vm3 is now: " + toMoved);
        assertTrue(!moved.routes().containsKey(bc) || moved.routes().get(bc).size() <= 1 || !moved.routes().get(bc)
                .contains("hc"), "vm2-vm3 no longer goes to hc: " + moved.routes().get(bc));
    }

    @Test
    void withoutInstalledRoutesTheFreshRoutingStands() {
        Recommender r = busyFastPath();
        Plan fresh = reroute(r, ALL, Map.of(), null);
        assertEquals(fresh.routes(), reroute(r, ALL, Map.of(), Map.of()).routes());
    }
}
