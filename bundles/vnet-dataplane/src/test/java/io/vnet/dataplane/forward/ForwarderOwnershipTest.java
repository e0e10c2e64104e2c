package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.DropReason;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Owned addresses: neither a link peer nor a local VM takes over another VM's MAC, whether by
 * learning or by announcing it; an address learned locally is held against links until its
 * interface says it has left.
 */
class ForwarderOwnershipTest {
    private static final int VNI = 100;
    private static final long VICTIM = mac("52:54:00:00:00:01");
    private static final long OTHER = mac("52:54:00:00:00:02");
    private static final long REMOTE = mac("52:54:00:00:00:03");
    private static final long PINGER = mac("52:54:00:00:00:09");
    private static final int IP = 0x0A000001;

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;
    private RecordingPort b;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        b = RecordingPort.link("b", true);
        fw.addInterface(VNI, tap);
        fw.addLink(a);
        fw.addLink(b);
    }

    @AfterEach
    void release() {
        List.of(tap, a, b).forEach(RecordingPort::releaseAll);
    }

    private static long spoofed(RecordingPort p) {
        return p.counters().snapshot("x", "y", "up", "").drops().getOrDefault(DropReason.SPOOFED.wireName(), 0L);
    }

    @Test
    void aLinkCannotSendFromTheAddressOfAVmRegisteredHere() {
        fw.setOwners(VNI, new long[] {VICTIM}, new long[0]);
        fw.forward(a, VNI, frame(PINGER, VICTIM));
        fw.forward(a, VNI, ForwarderMoveTest.garp(VICTIM, IP));
        assertEquals(2, spoofed(a));
        assertEquals(0, tap.count() + b.count(), "nothing of the spoofer's went anywhere");
        assertEquals(0, fw.macMoves(), "its gratuitous ARP moved nothing");
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("52:54:00:00:00:01")), fw.learned().toString());
        // the VM itself, on this host, still speaks, and the pinger's frames reach it
        fw.forward(tap, VNI, frame(PINGER, VICTIM));
        fw.forward(b, VNI, frame(VICTIM, PINGER));
        assertEquals(List.of(VICTIM), tap.destinations());
    }

    @Test
    void aLocalVmCannotSendFromTheAddressOfAVmRegisteredElsewhere() {
        fw.setOwners(VNI, new long[0], new long[] {REMOTE});
        fw.forward(b, VNI, frame(PINGER, REMOTE)); // the VM, from its own host
        fw.forward(tap, VNI, ForwarderMoveTest.garp(REMOTE, IP)); // a local VM announcing its address
        fw.forward(tap, VNI, frame(PINGER, REMOTE));
        assertEquals(2, spoofed(tap));
        assertEquals(0, fw.macMoves());
        assertTrue(fw.learned().stream().anyMatch(l -> l.contains("52:54:00:00:00:03 -> link:b")), fw.learned().toString());
    }

    @Test
    void anAddressInBothListsIsHereThisHostKnowsItsOwnVms() {
        fw.setOwners(VNI, new long[] {VICTIM}, new long[] {VICTIM, REMOTE});
        assertEquals(List.of("vni 100 52:54:00:00:00:01 here", "vni 100 52:54:00:00:00:03 elsewhere"), fw.owners());
        assertEquals(2, fw.ownedCount());
        fw.forward(tap, VNI, frame(PINGER, VICTIM));
        assertEquals(0, spoofed(tap));
    }

    @Test
    void anAddressLearnedLocallyIsHeldAgainstLinksWhileItIsStillBehindItsInterface() {
        fw.forward(tap, VNI, frame(PINGER, VICTIM));
        fw.forward(a, VNI, frame(PINGER, VICTIM));
        fw.forward(a, VNI, ForwarderMoveTest.garp(VICTIM, IP));
        assertEquals(2, spoofed(a));
        assertEquals(1, tap.behindAsked, "asked once: a second claim within " + Forwarder.RECHECK_MILLIS + " ms is not checked again");
        fw.forward(b, VNI, frame(VICTIM, PINGER));
        assertEquals(List.of(VICTIM), tap.destinations(), "the pinger's frame still goes to the VM");
    }

    @Test
    void theHoldEndsWhenTheInterfaceSaysTheAddressLeftAndTheClaimIsForwarded() throws Exception {
        fw.forward(tap, VNI, frame(PINGER, VICTIM));
        List.of(tap, a, b).forEach(RecordingPort::releaseAll);
        tap.behind = false; // the VM's bridge port went: it migrated away
        fw.forward(a, VNI, ForwarderMoveTest.garp(VICTIM, IP));
        assertEquals(0, spoofed(a));
        assertEquals(1, fw.holdsEnded());
        assertEquals(1, b.count(), "the announcement is flooded on");
        assertTrue(fw.learned().stream().anyMatch(l -> l.contains("52:54:00:00:00:01 -> link:a")), fw.learned().toString());
    }

    @Test
    void withoutAHoldLearningFollowsTheAddressAsBefore() {
        fw.holdLocal(0);
        fw.forward(tap, VNI, frame(PINGER, VICTIM));
        fw.forward(a, VNI, frame(PINGER, VICTIM));
        assertEquals(0, spoofed(a));
        assertEquals(0, tap.behindAsked);
        assertThrows(IllegalArgumentException.class, () -> fw.holdLocal(300_001));
        assertThrows(IllegalArgumentException.class, () -> fw.holdLocal(-1));
    }

    @Test
    void ownersForgetAddressesLearnedWhereTheyCannotBeAndEndOverridesThere() {
        fw.addRule(new ForwardingRule(NetworkId.of(VNI), MacMatch.ANY, MacMatch.exact(MacAddress.of(VICTIM)),
                RuleTarget.parse("interface:tap0")));
        fw.forward(a, VNI, ForwarderMoveTest.garp(VICTIM, IP)); // before the manager said whose it is
        fw.forward(b, VNI, frame(PINGER, OTHER)); // OTHER learned on a link ...
        assertEquals(1, fw.macMoves());
        fw.setOwners(VNI, new long[] {VICTIM, OTHER}, new long[0]); // ... but both are VMs of this host
        assertEquals(List.of(), fw.overrides());
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("-> link:")), fw.learned().toString());
        tap.releaseAll();
        fw.forward(b, VNI, frame(VICTIM, PINGER));
        assertEquals(List.of(VICTIM), tap.destinations(), "the rule decides again");
    }

    @Test
    void ownersOfANetworkNotCarriedYetApplyWhenItIs() {
        fw.setOwners(200, new long[] {VICTIM}, new long[0]);
        RecordingPort tap2 = RecordingPort.tap("tap2");
        fw.addInterface(200, tap2);
        fw.forward(a, 200, frame(BCAST, VICTIM));
        assertEquals(1, spoofed(a));
        assertEquals(0, tap2.count());
    }

    @Test
    void atMostTheCapOfOwnedAddressesIsKeptPerNetworkTheRestIsCounted() {
        long[] many = new long[OwnedMacs.MAX + 5];
        for (int i = 0; i < many.length; i++) {
            many[i] = 0x5254_0100_0000L + i;
        }
        assertEquals(5, fw.setOwners(VNI, many, new long[] {BCAST}));
        assertEquals(OwnedMacs.MAX, fw.ownedCount());
        assertEquals(0, fw.setOwners(VNI, new long[0], new long[0]));
        assertEquals(0, fw.ownedCount());
    }

    @Test
    void withOwnedSourcesOnlyAVmsTapMaySendOnlyFromTheAddressesRegisteredHere() {
        fw.ownedSourcesOnly(true);
        fw.forward(tap, VNI, frame(PINGER, OTHER)); // no VM registered here yet: anything goes
        assertEquals(0, spoofed(tap));
        fw.setOwners(VNI, new long[] {VICTIM}, new long[] {REMOTE});
        fw.forward(tap, VNI, frame(PINGER, OTHER));
        fw.forward(tap, VNI, frame(PINGER, 0x0200_1234_5678L));
        assertEquals(2, spoofed(tap));
        fw.forward(tap, VNI, frame(PINGER, VICTIM));
        fw.forward(b, VNI, frame(VICTIM, 0x0200_0000_0077L)); // links are not VM-facing: learning as before
        assertEquals(2, spoofed(tap));
        assertEquals(0, spoofed(b));
        fw.ownedSourcesOnly(false);
        fw.forward(tap, VNI, frame(PINGER, 0x0200_1234_5679L));
        assertEquals(2, spoofed(tap));
    }
}
