package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.DropReason;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwarderRulesTest {
    private static final int VNI = 100;
    private static final long S = mac("02:00:00:00:00:0a");
    private static final long S2 = mac("02:00:00:00:00:0b");
    private static final long X = mac("02:00:00:00:00:01");
    private static final long Y = mac("02:00:00:00:00:02");
    private static final long MCAST = mac("01:00:5e:00:00:fb");

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;
    private RecordingPort b;
    private RecordingPort c;
    private RecordingPort d;
    private List<RecordingPort> all;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        b = RecordingPort.link("b", true);
        c = RecordingPort.link("c", false);
        d = RecordingPort.link("d", false);
        fw.addInterface(VNI, tap);
        for (RecordingPort p : List.of(a, b, c, d)) {
            fw.addLink(p);
        }
        all = List.of(tap, a, b, c, d);
    }

    @AfterEach
    void releaseEverything() {
        all.forEach(RecordingPort::releaseAll);
    }

    private static ForwardingRule rule(int vni, String src, String dst, String to) {
        return new ForwardingRule(NetworkId.of(vni), MacMatch.parse(src), MacMatch.parse(dst), RuleTarget.parse(to));
    }

    /** Sends one frame from the tap and returns the only port that got it. */
    private RecordingPort deliver(long dst, long src) {
        all.forEach(RecordingPort::releaseAll);
        fw.forward(tap, VNI, frame(dst, src));
        List<RecordingPort> got = new ArrayList<>();
        for (RecordingPort p : all) {
            for (int i = 0; i < p.count(); i++) {
                got.add(p);
            }
        }
        assertEquals(1, got.size(), "frame to " + MacAddress.format(dst) + " went to " + got);
        return got.get(0);
    }

    @ParameterizedTest(name = "rules added most specific first: {0}")
    @ValueSource(booleans = {true, false})
    void mostSpecificRuleWinsWhateverTheOrderOfAdding(boolean mostSpecificFirst) {
        List<ForwardingRule> rules = new ArrayList<>(List.of(
                rule(VNI, MacAddress.format(S), MacAddress.format(X), "link:a"),
                rule(VNI, "any", MacAddress.format(X), "link:b"),
                rule(VNI, "any", "broadcast", "link:c"),
                rule(VNI, "any", "any", "link:d")));
        if (!mostSpecificFirst) {
            Collections.reverse(rules);
        }
        rules.forEach(fw::addRule);

        assertEquals(a, deliver(X, S), "exact dst + exact src");
        assertEquals(b, deliver(X, S2), "exact dst + any src");
        assertEquals(c, deliver(BCAST, S), "broadcast");
        assertEquals(c, deliver(MCAST, S), "broadcast matches multicast too");
        assertEquals(d, deliver(Y, S), "any/any catches the rest, unknown unicast included");
    }

    @Test
    void ruleWithExactSourceOnlyAppliesToThatSource() {
        fw.addRule(rule(VNI, MacAddress.format(S), "any", "link:c"));
        fw.addRule(rule(VNI, "any", "any", "link:d"));
        assertEquals(c, deliver(Y, S));
        assertEquals(d, deliver(Y, S2));
        assertEquals(c, deliver(BCAST, S), "src exact + dst any beats the flood");
    }

    @Test
    void rulesBeatLearnedEntries() {
        // Y is learned behind link:a ...
        fw.forward(a, VNI, frame(S, Y));
        assertEquals(1, tap.count(), "unknown unicast from link a flooded to the tap");
        assertEquals(a, deliver(Y, S), "learned");
        // ... but a rule sends Y's traffic over the fast path c
        fw.addRule(rule(VNI, "any", MacAddress.format(Y), "link:c"));
        assertEquals(c, deliver(Y, S));
        // removing the rule brings the learned entry back
        assertTrue(fw.removeRule(rule(VNI, "any", MacAddress.format(Y), "link:c").key()));
        assertEquals(a, deliver(Y, S));
        assertFalse(fw.removeRule(rule(VNI, "any", MacAddress.format(Y), "link:c").key()));
    }

    @Test
    void ruleWithSameKeyReplacesTheOld() {
        fw.addRule(rule(VNI, "any", MacAddress.format(X), "link:a"));
        fw.addRule(rule(VNI, "any", MacAddress.format(X), "link:b"));
        assertEquals(List.of(rule(VNI, "any", MacAddress.format(X), "link:b")), fw.rules());
        assertEquals(b, deliver(X, S));
    }

    @Test
    void rulesOfOneNetworkDoNotApplyToAnother() {
        RecordingPort tap2 = RecordingPort.tap("tap2");
        fw.addInterface(200, tap2);
        fw.addRule(rule(VNI, "any", "any", "link:c"));
        fw.forward(tap2, 200, frame(X, S));
        assertEquals(0, c.count());
        assertEquals(1, a.count(), "vni 200 has no rule: unknown unicast is flooded");
        assertEquals(1, b.count());
        assertEquals(0, tap.count(), "the vni 100 tap never sees vni 200");
        tap2.releaseAll();
    }

    @Test
    void ruleOutOfTheIngressPortIsDroppedAsReflected() {
        fw.addRule(rule(VNI, "any", MacAddress.format(X), "interface:tap0"));
        fw.forward(tap, VNI, frame(X, S));
        all.forEach(p -> assertEquals(0, p.count(), p.id()));
        assertEquals(1, tap.counters().drops(DropReason.REFLECTED));
    }

    @Test
    void ruleToAnInterfaceDeliversThere() {
        fw.addRule(rule(VNI, "any", MacAddress.format(X), "interface:tap0"));
        fw.forward(a, VNI, frame(X, S));
        assertEquals(1, tap.count());
        assertEquals(0, b.count());
    }

    @Test
    void rejectsRuleForUnknownNetwork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fw.addRule(rule(4242, "any", "any", "link:a")));
        assertTrue(e.getMessage().contains("network 4242"), e.getMessage());
        assertTrue(fw.rules().isEmpty());
    }

    @Test
    void rejectsRuleToMissingTarget() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fw.addRule(rule(VNI, "any", "any", "link:nope")));
        assertTrue(e.getMessage().contains("no link:nope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fw.addRule(rule(VNI, "any", "any", "interface:tap9")));
        assertTrue(e.getMessage().contains("no interface:tap9"), e.getMessage());
        assertTrue(fw.rules().isEmpty());
    }

    @Test
    void rejectsRuleToAnInterfaceOfAnotherNetwork() {
        fw.addInterface(200, RecordingPort.tap("tap2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fw.addRule(rule(VNI, "any", "any", "interface:tap2")));
        assertTrue(e.getMessage().contains("interface:tap2 carries network 200, not 100"), e.getMessage());
    }

    @Test
    void aPairRuleWhoseLinkIsNotUpYetLeavesThePairOnTheTreesRoute() {
        // a fast path (c) for the pair S -> X, the tree (a) for anything to X
        fw.addRule(rule(VNI, MacAddress.format(S), MacAddress.format(X), "link:c"));
        fw.addRule(rule(VNI, "any", MacAddress.format(X), "link:a"));
        c.up = false; // the fast path is still connecting
        fw.forward(tap, VNI, frame(X, S));
        assertEquals(List.of(0, 1, 0, 0, 0), all.stream().map(RecordingPort::count).toList(), "tap, a, b, c, d");
        c.up = true;
        fw.forward(tap, VNI, frame(X, S));
        assertEquals(1, c.count(), "once up, the fast path carries the pair");
        assertEquals(0, fw.fallbacks(), "a rule whose port was up decided every frame");
        // no matching rule's port is up: the frame goes as if no rule matched, on the flooding tree (a, b)
        c.up = false;
        a.up = false;
        fw.forward(tap, VNI, frame(X, S));
        assertEquals(List.of(0, 2, 1, 1, 0), all.stream().map(RecordingPort::count).toList(), "tap, a, b, c, d");
        assertEquals(1, fw.fallbacks());
    }

    @Test
    void aRuleWhoseLinkIsDownFallsBackToWhereTheDestinationWasLearned() {
        fw.addRule(rule(VNI, "any", MacAddress.format(X), "link:c"));
        fw.forward(b, VNI, frame(S, X)); // X is learned behind b
        all.forEach(RecordingPort::releaseAll);
        c.up = false; // the fast path's peer stopped answering
        fw.forward(tap, VNI, frame(X, S));
        assertEquals(1, b.count(), "learned: b");
        assertEquals(0, c.count() + a.count(), "neither the link that is down nor a flood");
        assertEquals(1, fw.fallbacks());
        for (RecordingPort p : all) {
            assertEquals(0, p.counters().drops(DropReason.LINK_DOWN), p + " dropped nothing");
        }
    }
}
