package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which hosts get membership links, to whom, and which side accepts. */
class MembershipTest {
    private static final NetworkId N100 = NetworkId.of(100);
    private static final NetworkId N200 = NetworkId.of(200);

    private static HostInfo host(String id, String role, String address, List<NetworkId> nets, MeasuredLink... links) {
        return new HostInfo(id, role, address, true, nets, Map.of(), -1, -1, List.of(), Instant.EPOCH, List.of(links));
    }

    private static MeasuredLink link(String id, String peer, NetworkId... nets) {
        return new MeasuredLink(id, peer, "tcp", true, 100, 100, 0, 0, List.of(nets));
    }

    @Test
    void anEnrolledHostJoinsTheProxysStarAndAHostOfTheStarGetsNothing() {
        HostInfo proxy = host("p", "proxy", null, List.of(N100), link("from-h1", "h1", N100));
        HostInfo h1 = host("h1", "host", "10.0.0.1:5800", List.of(N100), link("to-p", "p", N100));
        HostInfo hn = host("hn", "host", "10.0.0.9:5800", List.of(N100));
        Map<String, List<LinkSpec>> plan = Membership.plan(List.of(proxy, h1, hn), h -> Set.of(), Set.of("hn"));
        assertEquals(Set.of("hn", "p"), plan.keySet(), plan.toString());
        LinkSpec atHn = plan.get("hn").get(0);
        LinkSpec atP = plan.get("p").get(0);
        // the proxy has no link address (it dials): the new host accepts, the proxy dials it
        assertEquals("member-p", atHn.id());
        assertEquals(null, atHn.connect());
        assertEquals("member-hn", atP.id());
        assertEquals("10.0.0.9:5800", atP.connect().toString());
        assertEquals(List.of(N100), atHn.flooded(), "on the tree: it floods");
    }

    @Test
    void aProxyThatJoinsLaterBecomesItsNetworksHubAndAHubWithAnAddressAccepts() {
        HostInfo h1 = host("h1", "host", "10.0.0.1:5800", List.of(N100, N200), link("to-p", "p", N100));
        HostInfo pn = host("pn", "proxy", "10.0.0.8:5800", List.of(N200));
        Map<String, List<LinkSpec>> plan = Membership.plan(List.of(h1, pn), h -> Set.of(), Set.of("pn"));
        LinkSpec atH1 = plan.get("h1").get(0);
        assertEquals("member-pn", atH1.id());
        assertEquals(List.of(N200), atH1.networks(), "only the network it lacks a tree link in");
        assertEquals("10.0.0.8:5800", atH1.connect().toString(), "the hub accepts, the host dials");
        assertEquals(null, plan.get("pn").get(0).connect());
    }

    @Test
    void withoutAProxyTheHostWithTheMostConfiguredLinksIsTheHubAndManagedLinksDoNotCount() {
        HostInfo a = host("a", "host", "10.0.0.1:5800", List.of(N100), link("to-b", "b", N100), link("fast-c", "c", N100));
        HostInfo b = host("b", "host", "10.0.0.2:5800", List.of(N100), link("to-a", "a", N100));
        HostInfo c = host("c", "host", "10.0.0.3:5800", List.of(N100), link("fast-a", "a", N100));
        // fast-a / fast-c are the manager's fast path (desired state): c is not on the tree through them
        Map<String, List<LinkSpec>> plan = Membership.plan(List.of(a, b, c), h -> h.equals("a") ? Set.of("fast-c")
                : h.equals("c") ? Set.of("fast-a") : Set.of(), Set.of("c"));
        assertEquals(Set.of("a", "c"), plan.keySet(), plan.toString());
        assertEquals("member-a", plan.get("c").get(0).id());
        // a membership link already there does not make its host look configured: the plan is stable
        HostInfo c2 = host("c", "host", "10.0.0.3:5800", List.of(N100), link("fast-a", "a", N100), link("member-a", "a", N100));
        assertEquals(plan, Membership.plan(List.of(a, b, c2), h -> h.equals("a") ? Set.of("fast-c")
                : h.equals("c") ? Set.of("fast-a") : Set.of(), Set.of("c")));
        assertTrue(Membership.plan(List.of(a, b, c), h -> Set.of(), Set.of()).isEmpty(),
                "a host an admin configured without a link is left as its file says: only enrolled hosts get one");
    }

    @Test
    void aHostAloneInItsNetworkOrNotConnectedGetsNothing() {
        HostInfo a = host("a", "host", "10.0.0.1:5800", List.of(N100));
        HostInfo gone = new HostInfo("b", "host", "10.0.0.2:5800", false, List.of(N100), Map.of(), -1, -1, List.of(),
                Instant.EPOCH, List.of());
        assertTrue(Membership.plan(List.of(a, gone), h -> Set.of(), Set.of("a", "b")).isEmpty());
    }
}
