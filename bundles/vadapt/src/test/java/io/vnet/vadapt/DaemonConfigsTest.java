package io.vnet.vadapt;

import static io.vnet.vadapt.Fixtures.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Flooding trees, and plans turned into each daemon's links and rules. */
class DaemonConfigsTest {
    private static final NetworkId NET = NetworkId.of(42);

    private static Map<String, Endpoint> endpoints(Underlay u) {
        Map<String, Endpoint> m = new HashMap<>();
        m.put(u.center(), new Endpoint("10.0.0.1", 5800));
        int i = 2;
        for (String h : u.hosts()) {
            m.put(h, new Endpoint("10.0.0." + i++, 5800));
        }
        return m;
    }

    private static int find(Map<String, String> uf, String x) {
        while (!uf.get(x).equals(x)) {
            x = uf.get(x);
        }
        return x.hashCode();
    }

    /** Checks that {@code tree} spans exactly {@code nodes} without a cycle. */
    private static void assertSpanningTree(Set<String> nodes, Overlay tree, Overlay overlay) {
        assertEquals(nodes.size() - 1, tree.links().size(), "a tree on n nodes has n - 1 links");
        Map<String, String> uf = new HashMap<>();
        for (String n : nodes) {
            uf.put(n, n);
        }
        for (HostLink l : tree.links()) {
            assertTrue(overlay.contains(l), "tree link " + l + " is an overlay link");
            String ra = l.a();
            while (!uf.get(ra).equals(ra)) {
                ra = uf.get(ra);
            }
            String rb = l.b();
            while (!uf.get(rb).equals(rb)) {
                rb = uf.get(rb);
            }
            assertFalse(ra.equals(rb), "link " + l + " closes a cycle");
            uf.put(ra, rb);
        }
        int root = find(uf, nodes.iterator().next());
        for (String n : nodes) {
            assertEquals(root, find(uf, n), n + " is connected");
        }
    }

    @Test
    void floodTreesOfRandomOverlaysAreSpanningTrees() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + rnd.nextInt(30);
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                nodes.add("n" + i);
            }
            List<HostLink> links = new ArrayList<>();
            for (int i = 1; i < n; i++) { // a random spanning tree keeps it connected
                links.add(HostLink.of(nodes.get(i), nodes.get(rnd.nextInt(i))));
            }
            int extra = rnd.nextInt(2 * n);
            for (int e = 0; e < extra; e++) { // plus random links that make cycles
                int a = rnd.nextInt(n);
                int b = rnd.nextInt(n);
                if (a != b) {
                    links.add(HostLink.of(nodes.get(a), nodes.get(b)));
                }
            }
            Overlay overlay = Overlay.of(links);
            String root = nodes.get(rnd.nextInt(n));
            Overlay tree = FloodTree.of(root, overlay);
            assertSpanningTree(new HashSet<>(nodes), tree, overlay);
            Map<String, String> parents = FloodTree.parents(root, tree);
            assertEquals(n, parents.size());
            assertEquals(null, parents.get(root));
        }
    }

    @Test
    void disconnectedOverlayHasNoFloodTree() {
        Overlay o = Overlay.of(List.of(HostLink.of("p", "a"), HostLink.of("b", "c")));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> FloodTree.of("p", o));
        assertTrue(x.getMessage().contains("host b cannot be reached from p"), x.getMessage());
        assertEquals("a", FloodTree.nextHop("p", FloodTree.of("p", Overlay.of(List.of(HostLink.of("p", "a"),
                HostLink.of("a", "b")))), "p", "b"));
    }

    @Test
    void fastPathConfigs() {
        Underlay u = Underlay.builder("p").host("a", 2).host("b", 2).path("a", "p", 1e8, 0.001)
                .path("b", "p", 1e8, 0.001).path("a", "b", 1e9, 0.001).build();
        Demand d = Demand.builder().add(mac(1), mac(2), 1e6).build();
        Placement place = Placement.of(Map.of(mac(1), "a", mac(2), "b", mac(3), "b"));
        Plan plan = Adapters.topK(1).adapt(new Problem(d, place, u, Overlay.empty(), CostModel.defaults(), false),
                Budget.defaults());
        Map<String, DaemonConfig> cfg = DaemonConfigs.of(plan, NET, endpoints(u), "tap0");
        assertEquals(Set.of("a", "b", "p"), cfg.keySet());
        // the smaller host id dials: a dials b and p, b dials p; p only accepts
        assertEquals(List.of(LinkSpec.dial("b", "b", new Endpoint("10.0.0.3", 5800), false, List.of(NET)),
                LinkSpec.dial("p", "p", new Endpoint("10.0.0.1", 5800), true, List.of(NET))), cfg.get("a").links());
        assertEquals(List.of(LinkSpec.accept("a", "a", false, List.of(NET)), LinkSpec.dial("p", "p", new Endpoint("10.0.0.1", 5800),
                true, List.of(NET))), cfg.get("b").links());
        assertEquals(List.of(LinkSpec.accept("a", "a", true, List.of(NET)), LinkSpec.accept("b", "b", true, List.of(NET))), cfg.get("p").links());
        List<ForwardingRule> ra = cfg.get("a").rules();
        assertTrue(ra.contains(new ForwardingRule(NET, MacMatch.ANY, MacMatch.exact(mac(1)), RuleTarget.iface("tap0"))));
        assertTrue(ra.contains(new ForwardingRule(NET, MacMatch.ANY, MacMatch.exact(mac(2)), RuleTarget.link("p"))),
                "by default along the tree");
        assertTrue(ra.contains(new ForwardingRule(NET, MacMatch.exact(mac(1)), MacMatch.exact(mac(2)),
                RuleTarget.link("b"))), "the pair takes its fast path");
        assertTrue(cfg.get("b").rules().contains(new ForwardingRule(NET, MacMatch.exact(mac(2)),
                MacMatch.exact(mac(1)), RuleTarget.link("a"))));
        assertTrue(cfg.get("p").rules().contains(new ForwardingRule(NET, MacMatch.ANY, MacMatch.exact(mac(3)),
                RuleTarget.link("b"))));
        Map<String, Endpoint> missing = endpoints(u);
        missing.remove("b");
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> DaemonConfigs.of(plan, NET, missing, "tap0"));
        assertTrue(x.getMessage().contains("no endpoint for host b"), x.getMessage());
    }

    /**
     * The center of the star dies (every link to it down): the tree is rebuilt over the fast paths
     * of the hosts left, rooted at the first of them; the center is off the tree with its links and
     * no rules; routes through it are dropped, the others kept; every VM of the hosts left is
     * reached along the new tree. A host left without a link is off the tree; where the links left
     * fall in two parts, no tree spans them, and the plan is left as it was.
     */
    @Test
    void theTreeIsRebuiltWithoutADeadCenterWhereTheFastPathsSpanTheRest() {
        Underlay u = Underlay.builder("p").host("a", 2).host("b", 2).host("c", 2).path("a", "p", 1e8, 0.001)
                .path("b", "p", 1e8, 0.001).path("c", "p", 1e8, 0.001).path("a", "b", 1e9, 0.001)
                .path("b", "c", 1e9, 0.001).path("a", "c", 1e9, 0.001).build();
        Demand d = Demand.builder().add(mac(1), mac(2), 1e7).add(mac(2), mac(3), 1e7).build();
        Placement place = Placement.of(Map.of(mac(1), "a", mac(2), "b", mac(3), "c"));
        Plan plan = Adapters.topK(2).adapt(new Problem(d, place, u, Overlay.empty(), CostModel.defaults(), false),
                Budget.defaults());
        assertTrue(plan.overlay().contains(HostLink.of("a", "b")) && plan.overlay().contains(HostLink.of("b", "c")),
                plan.overlay().toString());
        Set<HostLink> star = Set.of(HostLink.of("p", "a"), HostLink.of("p", "b"), HostLink.of("p", "c"));
        assertEquals(plan, FloodTree.around(plan, Set.of(HostLink.of("a", "b"))), "a fast path down leaves the tree");

        Plan without = FloodTree.around(plan, star);
        assertEquals("a", without.floodRoot());
        assertEquals(Set.of(HostLink.of("a", "b"), HostLink.of("b", "c")), Set.copyOf(without.floodTree().links()));
        assertEquals(plan.overlay(), without.overlay(), "the star's links stay, to come back");
        Map<String, DaemonConfig> cfg = DaemonConfigs.of(without, NET, endpoints(u), "tap0");
        assertEquals(List.of(), cfg.get("p").rules(), "the dead center is off the tree");
        assertEquals(3, cfg.get("p").links().size());
        for (String h : List.of("a", "b", "c")) {
            for (LinkSpec l : cfg.get(h).links()) {
                assertEquals(without.floodTree().contains(HostLink.of(h, l.peerHost())), l.flood(), h + " " + l);
            }
        }
        assertEquals(RuleTarget.link("b"), lookup(cfg.get("a").rules(), mac(9), mac(3)), "a reaches c over b");
        assertEquals(RuleTarget.link("c"), lookup(cfg.get("b").rules(), mac(9), mac(3)));
        assertEquals(RuleTarget.iface("tap0"), lookup(cfg.get("c").rules(), mac(9), mac(3)));
        for (List<String> path : without.routes().values()) {
            assertFalse(path.contains("p"), "no route through the dead center: " + path);
        }

        Set<HostLink> more = new java.util.HashSet<>(star);
        more.add(HostLink.of("b", "c"));
        more.add(HostLink.of("a", "c"));
        Plan cut = FloodTree.around(plan, more);
        assertEquals(Set.of(HostLink.of("a", "b")), Set.copyOf(cut.floodTree().links()), "c has no link left: off the tree");
        assertEquals(List.of(), DaemonConfigs.of(cut, NET, endpoints(u), "tap0").get("c").rules());

        Overlay apart = Overlay.of(List.of(HostLink.of("p", "a"), HostLink.of("p", "b"), HostLink.of("p", "c"),
                HostLink.of("p", "d"), HostLink.of("a", "b"), HostLink.of("c", "d")));
        Plan four = new Plan("x", apart, "p", FloodTree.of("p", apart), Map.of(), place, List.of(), plan.current(),
                plan.objective(), false);
        Set<HostLink> star4 = Set.of(HostLink.of("p", "a"), HostLink.of("p", "b"), HostLink.of("p", "c"),
                HostLink.of("p", "d"));
        assertEquals(four, FloodTree.around(four, star4), "the fast paths left fall in two: no one tree spans them");
    }

    /** The most specific matching rule, as the forwarder picks it. */
    private static RuleTarget lookup(List<ForwardingRule> rules, MacAddress src, MacAddress dst) {
        ForwardingRule best = null;
        for (ForwardingRule r : rules) {
            if (r.matches(src.bits(), dst.bits()) && (best == null || r.specificity() > best.specificity())) {
                best = r;
            }
        }
        return best == null ? null : best.target();
    }

    /**
     * On random instances, every frame between any two VMs reaches its VM by following the rules,
     * pairs with traffic follow their planned route, the flooding links of all daemons are the
     * tree, and every link is declared once by each side, one dialling and one accepting.
     */
    @Test
    void rulesDeliverEveryFrameAlongThePlannedRoutes() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int hosts = 3 + rnd.nextInt(5);
            int vms = hosts * 2;
            Underlay u = Fixtures.underlay(hosts, 3, rnd);
            Demand d = rnd.nextBoolean() ? Fixtures.allToAll(vms, 1e6) : Fixtures.ring(vms, 3e6);
            Problem p = new Problem(d, Fixtures.randomPlacement(vms, hosts, 3, rnd), u, Overlay.empty(),
                    CostModel.defaults().withLinkCost(0.0001), true);
            Plan plan = Adapters.anneal().adapt(p, Budget.iterations(2000).withSeed(seed));
            Map<String, DaemonConfig> cfg = DaemonConfigs.of(plan, NET, endpoints(u), "tap0");

            Set<HostLink> flooding = new HashSet<>();
            Map<HostLink, Integer> dialled = new HashMap<>();
            Map<HostLink, Integer> accepted = new HashMap<>();
            for (DaemonConfig c : cfg.values()) {
                for (LinkSpec l : c.links()) {
                    HostLink hl = HostLink.of(c.host(), l.peerHost());
                    assertEquals(l.peerHost(), l.id());
                    (l.dials() ? dialled : accepted).merge(hl, 1, Integer::sum);
                    if (l.flood()) {
                        flooding.add(hl);
                    }
                }
            }
            assertEquals(plan.floodTree().links(), flooding);
            Set<String> nodes = new HashSet<>(u.hosts());
            nodes.add(u.center());
            assertSpanningTree(nodes, Overlay.of(flooding), plan.overlay());
            for (HostLink l : plan.overlay().links()) {
                assertEquals(1, dialled.get(l), l + " is dialled once");
                assertEquals(1, accepted.get(l), l + " is accepted once");
            }

            for (MacAddress src : plan.placement().hosts().keySet()) {
                for (MacAddress dst : plan.placement().hosts().keySet()) {
                    if (src.equals(dst)) {
                        continue;
                    }
                    String at = plan.placement().hostOf(src);
                    List<String> walked = new ArrayList<>(List.of(at));
                    for (int hop = 0; ; hop++) {
                        assertTrue(hop <= nodes.size(), "frame " + src + "->" + dst + " loops: " + walked);
                        RuleTarget t = lookup(cfg.get(at).rules(), src, dst);
                        assertNotNull(t, "no rule at " + at + " for " + src + "->" + dst);
                        if (t.kind() == RuleTarget.Kind.INTERFACE) {
                            break;
                        }
                        at = t.id();
                        walked.add(at);
                    }
                    assertEquals(plan.placement().hostOf(dst), at, src + "->" + dst + " delivered at " + at);
                    List<String> route = plan.routes().get(VmPair.of(src, dst));
                    if (route != null) {
                        List<String> expect = new ArrayList<>(route);
                        if (!route.get(0).equals(plan.placement().hostOf(src))) {
                            java.util.Collections.reverse(expect);
                        }
                        assertEquals(expect, walked, src + "->" + dst + " follows its planned route");
                    }
                }
            }
        }
    }
}
