package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.DropReason;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.api.MacAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Links carry only the networks they name: tenant A (VNI 100) and tenant B (VNI 200) on one
 * host, each with its own flooding link to its proxy, and a link to another host that both
 * tenants share.
 */
class ForwarderNetworksTest {
    private static final int A = 100;
    private static final int B = 200;
    private static final long VM_A = mac("02:00:00:00:01:01");
    private static final long VM_B = mac("02:00:00:00:02:01");
    private static final long REMOTE_B = mac("02:00:00:00:02:09");

    private Forwarder fw;
    private RecordingPort tapA;
    private RecordingPort tapB;
    private RecordingPort proxyA;
    private RecordingPort proxyB;
    private RecordingPort shared;
    private List<RecordingPort> all;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tapA = RecordingPort.tap("tapA");
        tapB = RecordingPort.tap("tapB");
        proxyA = RecordingPort.link("to-proxy-a", true).carrying(A);
        proxyB = RecordingPort.link("to-proxy-b", true).carrying(B);
        shared = RecordingPort.link("h2", false).carrying(A, B);
        fw.addInterface(A, tapA);
        fw.addInterface(B, tapB);
        fw.addLink(proxyA);
        fw.addLink(proxyB);
        fw.addLink(shared);
        all = List.of(tapA, tapB, proxyA, proxyB, shared);
    }

    @AfterEach
    void releaseEverything() {
        all.forEach(RecordingPort::releaseAll);
    }

    private List<Integer> counts() {
        return all.stream().map(RecordingPort::count).toList();
    }

    @Test
    void aTenantsBroadcastFloodsOnlyOverTheLinksThatCarryItsNetwork() {
        fw.forward(tapB, B, frame(BCAST, VM_B));
        assertEquals(List.of(0, 0, 0, 1, 0), counts(), "tapA, tapB, proxy A, proxy B, shared (not flooding)");
        fw.forward(tapA, A, frame(BCAST, VM_A));
        assertEquals(List.of(0, 0, 1, 1, 0), counts());
    }

    /**
     * A shared link on tenant A's flooding tree (A's proxy died and A's tree was rebuilt over it)
     * and a fast path of tenant B's: A's floods cross it both ways, B's do not, and a B flood that
     * comes in by it goes to B's local interfaces only.
     */
    @Test
    void aSharedLinkFloodsOnlyTheNetworksWhoseTreeItIsOn() {
        shared.flooding(A);
        fw.networksChanged(shared.id());
        fw.forward(tapA, A, frame(BCAST, VM_A));
        assertEquals(List.of(0, 0, 1, 0, 1), counts(), "tapA, tapB, proxy A, proxy B, shared");
        fw.forward(tapB, B, frame(BCAST, VM_B));
        assertEquals(List.of(0, 0, 1, 1, 1), counts(), "B's broadcast stays off the shared link");
        fw.forward(shared, A, frame(BCAST, mac("02:00:00:00:01:09")));
        assertEquals(List.of(1, 0, 2, 1, 1), counts(), "an A flood from the shared link goes on over A's tree");
        fw.forward(shared, B, frame(BCAST, REMOTE_B));
        assertEquals(List.of(1, 1, 2, 1, 1), counts(), "a B flood from it reaches B's interface only");
    }

    @Test
    void aFrameOfANetworkTheLinkDoesNotCarryIsRefusedAndCounted() {
        // tenant A's proxy claims tenant B's network: its frames are refused at the door
        fw.forward(proxyA, B, frame(BCAST, mac("02:00:00:00:0a:0a")));
        fw.forward(proxyA, B, frame(VM_B, mac("02:00:00:00:0a:0a")));
        assertEquals(List.of(0, 0, 0, 0, 0), counts());
        assertEquals(2, proxyA.counters().snapshot("link", "x", "up", "").drops().get(DropReason.NOT_CARRIED.wireName()));
        // ... and nothing was learned from them: B's frames to that MAC do not go to A's proxy
        fw.forward(tapB, B, frame(mac("02:00:00:00:0a:0a"), VM_B));
        assertEquals(List.of(0, 0, 0, 1, 0), counts(), "flooded in B only");
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("02:00:00:00:0a:0a")), fw.learned().toString());
    }

    @Test
    void aRuleCannotSendANetworkOverALinkThatDoesNotCarryIt() {
        ForwardingRule r = new ForwardingRule(NetworkId.of(B), MacMatch.ANY, MacMatch.exact(MacAddress.of(REMOTE_B)),
                RuleTarget.link("to-proxy-a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fw.addRule(r));
        assertTrue(e.getMessage().contains("link:to-proxy-a does not carry network 200"), e.getMessage());
    }

    @Test
    void narrowingALinkStopsItsFloodsForgetsWhatWasLearnedOnItAndDropsItsRules() {
        // B's VM behind the shared link: learned, and a rule sends B's REMOTE_B over it
        fw.forward(shared, B, frame(VM_B, REMOTE_B));
        fw.addRule(new ForwardingRule(NetworkId.of(B), MacMatch.ANY, MacMatch.exact(MacAddress.of(REMOTE_B)),
                RuleTarget.link("h2")));
        tapB.releaseAll();
        shared.carrying(A);
        List<ForwardingRule> gone = fw.networksChanged("link:h2");
        assertEquals(1, gone.size(), gone.toString());
        assertTrue(fw.rules().isEmpty());
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("link:h2")), fw.learned().toString());
        // B's traffic to REMOTE_B now floods over B's own links, never over h2
        fw.forward(tapB, B, frame(REMOTE_B, VM_B));
        assertEquals(List.of(0, 0, 0, 1, 0), counts());
        // and B's frames from h2 are refused
        fw.forward(shared, B, frame(VM_B, REMOTE_B));
        assertEquals(List.of(0, 0, 0, 1, 0), counts());
        assertEquals(1, shared.counters().snapshot("link", "h2", "up", "").drops().get(DropReason.NOT_CARRIED.wireName()));
    }

    @Test
    void aLearnedAddressBehindALinkThatNoLongerCarriesTheNetworkIsNotUsed() {
        // a flooding link (addresses are learned behind flooding links only) changed its networks without telling
        // the forwarder: forwarding still checks
        RecordingPort tree = RecordingPort.link("h3", true).carrying(A, B);
        fw.addLink(tree);
        try {
            fw.forward(tree, B, frame(VM_B, REMOTE_B));
            tapB.releaseAll();
            all.forEach(RecordingPort::releaseAll);
            tree.carrying(A);
            fw.forward(tapB, B, frame(REMOTE_B, VM_B));
            assertEquals(List.of(0, 0, 0, 0, 0), counts());
            assertEquals(0, tree.count());
            assertEquals(1, tree.counters().snapshot("link", "h3", "up", "").drops().get(DropReason.NOT_CARRIED.wireName()));
        } finally {
            tree.releaseAll();
        }
    }

    @Test
    void nothingIsLearnedBehindAFastPath() {
        // a frame that came over a non-flooding link (a fast path) teaches nothing: the way back is the rules' or the
        // tree's, so once the rules move off the fast path nothing sends on it
        fw.forward(shared, B, frame(VM_B, REMOTE_B));
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("link:h2")), fw.learned().toString());
        all.forEach(RecordingPort::releaseAll);
        fw.forward(tapB, B, frame(REMOTE_B, VM_B));
        assertEquals(List.of(0, 0, 0, 1, 0), counts(), "flooded on B's tree, not sent on the fast path");
    }
}
