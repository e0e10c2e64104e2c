package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleTableTest {
    private static final long S = 0x0200_0000_000AL;
    private static final long X = 0x0200_0000_0001L;
    private static final long Y = 0x0200_0000_0002L;

    private final RecordingPort p1 = RecordingPort.link("p1", false);
    private final RecordingPort p2 = RecordingPort.link("p2", false);
    private final RecordingPort p3 = RecordingPort.link("p3", false);
    private final Map<String, Port> ports = Map.of("link:p1", p1, "link:p2", p2, "link:p3", p3);

    private static ForwardingRule rule(MacMatch src, MacMatch dst, String link) {
        return new ForwardingRule(NetworkId.of(1), src, dst, RuleTarget.link(link));
    }

    private static MacMatch exact(long bits) {
        return MacMatch.exact(MacAddress.of(bits));
    }

    @Test
    void emptyTableMatchesNothing() {
        assertNull(RuleTable.EMPTY.lookup(S, X));
    }

    @Test
    void exactSourceBeatsAnySourceForTheSameDestination() {
        RuleTable t = new RuleTable(List.of(rule(MacMatch.ANY, exact(X), "p1"), rule(exact(S), exact(X), "p2")), ports);
        assertSame(p2, t.lookup(S, X));
        assertSame(p1, t.lookup(Y, X));
        assertNull(t.lookup(S, Y));
    }

    @Test
    void wildcardRulesAreScannedMostSpecificFirst() {
        RuleTable t = new RuleTable(List.of(
                rule(MacMatch.ANY, MacMatch.ANY, "p1"),
                rule(exact(S), MacMatch.ANY, "p2"),
                rule(MacMatch.ANY, MacMatch.BROADCAST, "p3")), ports);
        assertSame(p3, t.lookup(S, MacAddress.BROADCAST_BITS), "dst broadcast beats src exact + dst any");
        assertSame(p2, t.lookup(S, Y));
        assertSame(p1, t.lookup(X, Y));
    }

    @Test
    void exactDestinationFallsThroughToWildcardsWhenTheSourceDoesNotMatch() {
        RuleTable t = new RuleTable(List.of(rule(exact(S), exact(X), "p1"), rule(MacMatch.ANY, MacMatch.ANY, "p3")),
                ports);
        assertSame(p1, t.lookup(S, X));
        assertSame(p3, t.lookup(Y, X));
    }

    @Test
    void rulesWhoseTargetIsMissingAreSkipped() {
        RuleTable t = new RuleTable(List.of(rule(MacMatch.ANY, exact(X), "gone"), rule(MacMatch.ANY, MacMatch.ANY, "p1")),
                ports);
        assertSame(p1, t.lookup(S, X));
    }
}
