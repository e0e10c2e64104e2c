package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.ForwardingRule;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderPortRemovalTest {
    private static final int VNI = 100;
    private static final long VM1 = mac("02:00:00:00:00:01");
    private static final long VM2 = mac("02:00:00:00:00:02");
    private static final long VM3 = mac("02:00:00:00:00:03");

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;
    private RecordingPort b;
    private RecordingPort fast;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        b = RecordingPort.link("b", true);
        fast = RecordingPort.link("fast", false);
        fw.addInterface(VNI, tap);
        fw.addLink(a);
        fw.addLink(b);
        fw.addLink(fast);
    }

    @AfterEach
    void releaseEverything() {
        List.of(tap, a, b, fast).forEach(RecordingPort::releaseAll);
    }

    private void clear() {
        List.of(tap, a, b, fast).forEach(RecordingPort::releaseAll);
    }

    @Test
    void removingALinkRemovesItsRulesAndTrafficFallsBackToFlooding() {
        ForwardingRule viaFast = new ForwardingRule(NetworkId.of(VNI), MacMatch.ANY,
                MacMatch.exact(io.vnet.api.MacAddress.of(VM2)), RuleTarget.link("fast"));
        ForwardingRule other = new ForwardingRule(NetworkId.of(VNI), MacMatch.ANY,
                MacMatch.exact(io.vnet.api.MacAddress.of(VM3)), RuleTarget.link("a"));
        fw.addRule(viaFast);
        fw.addRule(other);
        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(1, fast.count());
        clear();

        assertEquals(List.of(viaFast), fw.removePort("link:fast"));
        assertEquals(List.of(other), fw.rules());
        assertNull(fw.port("link:fast"));

        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(0, fast.count());
        assertEquals(1, a.count());
        assertEquals(1, b.count());
    }

    @Test
    void removingALinkForgetsWhatWasLearnedOnIt() {
        fw.forward(a, VNI, frame(BCAST, VM2));
        fw.forward(b, VNI, frame(BCAST, VM3));
        clear();
        fw.removePort("link:a");
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("link:a")), fw.learned().toString());
        assertEquals(1, fw.learned().size(), fw.learned().toString());

        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(0, a.count(), "a is gone");
        assertEquals(1, b.count(), "VM2 is unknown again: flooded");
        clear();
        fw.forward(tap, VNI, frame(VM3, VM1));
        assertEquals(1, b.count(), "VM3 is still known behind b");
    }

    @Test
    void removedLinkNoLongerReceivesFloods() {
        fw.removePort("link:b");
        fw.forward(tap, VNI, frame(BCAST, VM1));
        assertEquals(1, a.count());
        assertEquals(0, b.count());
    }

    @Test
    void removingAnUnknownPortIsHarmless() {
        assertEquals(List.of(), fw.removePort("link:nope"));
        assertSame(a, fw.port("link:a"));
    }

    @Test
    void portIdsAreUniqueAndLinksMustBeLinks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fw.addLink(RecordingPort.link("a", false)));
        assertTrue(e.getMessage().contains("link:a exists already"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fw.addLink(RecordingPort.tap("tap9")));
        assertTrue(e.getMessage().contains("interface:tap9 is not a link"), e.getMessage());
    }

    @Test
    void aLinkCanBeAddedAgainAfterRemoval() {
        fw.removePort("link:a");
        RecordingPort again = RecordingPort.link("a", true);
        fw.addLink(again);
        fw.forward(tap, VNI, frame(BCAST, VM1));
        assertEquals(1, again.count());
        assertEquals(0, a.count());
        again.releaseAll();
    }
}
