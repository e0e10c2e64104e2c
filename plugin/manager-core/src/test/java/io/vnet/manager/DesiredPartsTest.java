package io.vnet.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.QuietLink;
import io.vnet.api.RuleTarget;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A host's state made of per-network parts and the admin's, composed; which part generations the host runs. */
class DesiredPartsTest {
    static final NetworkId N1 = NetworkId.of(100);
    static final NetworkId N2 = NetworkId.of(200);
    final AtomicLong gen = new AtomicLong(1000);
    final DesiredParts parts = new DesiredParts(gen::incrementAndGet);

    static LinkSpec link(String id, NetworkId n) {
        return LinkSpec.dial(id, "hb", Endpoint.parse("10.0.0.2:5800"), false, List.of(n));
    }

    static ForwardingRule rule(NetworkId n, String mac, String link) {
        return new ForwardingRule(n, MacMatch.ANY, MacMatch.exact(MacAddress.parse(mac)), RuleTarget.link(link));
    }

    @Test
    void networksSharingAHostPairShareOneLinkAndEachPartHasItsOwnGeneration() {
        DesiredParts.Change c1 = parts.set("ha", N1.vni(), List.of(link("fast-hb", N1)), List.of(rule(N1, "02:00:00:00:00:01",
                "fast-hb")), List.of());
        DesiredState w1 = c1.whole().orElseThrow();
        DesiredParts.Change c2 = parts.set("ha", N2.vni(), List.of(link("fast-hb", N2)), List.of(rule(N2, "02:00:00:00:00:02",
                "fast-hb")), List.of(new QuietLink("to-px", List.of(N2))));
        DesiredState w2 = c2.whole().orElseThrow();
        assertTrue(w2.generation() > w1.generation() && c2.part() > c1.part());
        assertEquals(1, w2.links().size(), "one link for both networks: " + w2.links());
        assertEquals(Set.of(N1, N2), new TreeSet<>(w2.links().get(0).networks()));
        assertEquals(2, w2.rules().size());
        assertEquals(List.of(new QuietLink("to-px", List.of(N2))), w2.quiet());
        // the same part again changes nothing
        DesiredParts.Change again = parts.set("ha", N1.vni(), List.of(link("fast-hb", N1)), List.of(rule(N1,
                "02:00:00:00:00:01", "fast-hb")), List.of());
        assertEquals(c1.part(), again.part());
        assertTrue(again.whole().isEmpty());
        // what the host runs: a part is applied once a whole generation that carries it is
        assertEquals(-1, parts.partApplied("ha", N2.vni(), w1.generation()), "w1 carries no part of N2");
        assertEquals(c1.part(), parts.partApplied("ha", N1.vni(), w1.generation()));
        assertEquals(c2.part(), parts.partApplied("ha", N2.vni(), w2.generation()));
        // N2 goes: the link stays for N1, carrying N1 only
        DesiredParts.Change gone = parts.set("ha", N2.vni(), List.of(), List.of(), List.of());
        DesiredState w3 = gone.whole().orElseThrow();
        assertEquals(List.of(N1), w3.links().get(0).networks());
        assertEquals(1, w3.rules().size());
        assertEquals(List.of(), w3.quiet());
        assertEquals(c2.part(), parts.partApplied("ha", N2.vni(), w2.generation()), "not yet applied: the removal");
        assertEquals(gone.part(), parts.partApplied("ha", N2.vni(), w3.generation()));
    }

    @Test
    void aPartThatChangesNothingComposedIsCarriedByTheCurrentState() {
        DesiredParts.Change admin = parts.set("ha", DesiredParts.ADMIN, List.of(link("fast-hb", N1)), List.of(), List.of());
        DesiredState w = admin.whole().orElseThrow();
        DesiredParts.Change p = parts.set("ha", N1.vni(), List.of(link("fast-hb", N1)), List.of(), List.of());
        assertTrue(p.whole().isEmpty(), "the host runs it already");
        assertEquals(p.part(), parts.partApplied("ha", N1.vni(), w.generation()), "applied with the state it runs");
        assertEquals(-1, parts.set("hb", N1.vni(), List.of(), List.of(), List.of()).part(), "an empty part never had: none");
        assertTrue(parts.current("hb").isEmpty());
    }

    @Test
    void partsRestoredAfterARestartAreCarriedByTheStoredStateAndNothingIsPushed() {
        DesiredState stored = new DesiredState("ha", 5000, List.of(link("fast-hb", N1)), List.of(), List.of());
        parts.current(stored);
        long g = parts.restore("ha", N1.vni(), List.of(link("fast-hb", N1)), List.of(), List.of());
        assertEquals(g, parts.partApplied("ha", N1.vni(), 5000));
        assertEquals(-1, parts.partApplied("ha", N1.vni(), 4999));
        DesiredParts.Change same = parts.set("ha", N1.vni(), List.of(link("fast-hb", N1)), List.of(), List.of());
        assertTrue(same.whole().isEmpty(), "the same part as restored: nothing to push");
    }

    @Test
    void manyGenerationsAreFoldedAndWhatWasAppliedIsStillKnown() {
        long first = parts.set("ha", N2.vni(), List.of(link("n2", N2)), List.of(), List.of()).part();
        long lastWhole = 0;
        for (int i = 0; i < 3 * DesiredParts.KEEP_WHOLE; i++) {
            lastWhole = parts.set("ha", N1.vni(), List.of(link("l" + i, N1)), List.of(), List.of()).whole().orElseThrow()
                    .generation();
        }
        assertEquals(first, parts.partApplied("ha", N2.vni(), lastWhole), "N2's part is still known as applied");
    }
}
