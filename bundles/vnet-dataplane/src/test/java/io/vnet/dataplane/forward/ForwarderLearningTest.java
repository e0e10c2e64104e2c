package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.DropReason;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderLearningTest {
    private static final int VNI = 100;
    private static final long VM1 = mac("02:00:00:00:00:01");
    private static final long VM2 = mac("02:00:00:00:00:02");
    private static final long MCAST = mac("01:00:5e:00:00:01");

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;
    private RecordingPort b;
    private List<RecordingPort> all;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        b = RecordingPort.link("b", true);
        fw.addInterface(VNI, tap);
        fw.addLink(a);
        fw.addLink(b);
        all = List.of(tap, a, b);
    }

    @AfterEach
    void releaseEverything() {
        all.forEach(RecordingPort::releaseAll);
    }

    private void clear() {
        all.forEach(RecordingPort::releaseAll);
    }

    @Test
    void unknownUnicastIsFloodedThenTheReplyTeachesTheWay() {
        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(1, a.count(), "unknown unicast flooded to a");
        assertEquals(1, b.count(), "unknown unicast flooded to b");
        assertEquals(0, tap.count(), "never back where it came from");
        clear();

        // VM2 answers over link b: VM1 was learned on the tap, so the reply is unicast
        fw.forward(b, VNI, frame(VM1, VM2));
        assertEquals(1, tap.count());
        assertEquals(0, a.count());
        assertEquals(0, b.count());
        clear();

        // now VM2 is known behind b: one port only
        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(1, b.count());
        assertEquals(0, a.count());
        assertEquals(List.of(VM2), b.destinations());
    }

    @Test
    void learnedEntriesAreListed() {
        fw.forward(b, VNI, frame(BCAST, VM2));
        List<String> learned = fw.learned();
        assertEquals(1, learned.size(), learned.toString());
        assertTrue(learned.get(0).startsWith("vni 100 02:00:00:00:00:02 -> link:b"), learned.get(0));
    }

    @Test
    void aStationThatMovesIsFollowed() {
        fw.forward(a, VNI, frame(BCAST, VM2));
        clear();
        fw.forward(b, VNI, frame(BCAST, VM2));
        clear();
        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(1, b.count());
        assertEquals(0, a.count());
    }

    @Test
    void groupSourcesAreNeverLearned() {
        fw.forward(a, VNI, frame(BCAST, MCAST));
        clear();
        fw.forward(tap, VNI, frame(MCAST, VM1));
        assertEquals(1, a.count(), "multicast is flooded, not sent where it came from");
        assertEquals(1, b.count());
        assertTrue(fw.learned().stream().noneMatch(l -> l.contains("01:00:5e:00:00:01")), fw.learned().toString());
    }

    @Test
    void broadcastIsFloodedEvenToAKnownStation() {
        fw.forward(a, VNI, frame(BCAST, VM2));
        clear();
        fw.forward(tap, VNI, frame(BCAST, VM1));
        assertEquals(1, a.count());
        assertEquals(1, b.count());
    }

    @Test
    void destinationLearnedOnTheIngressPortIsDroppedAsReflected() {
        fw.forward(tap, VNI, frame(BCAST, VM2));
        clear();
        fw.forward(tap, VNI, frame(VM2, VM1));
        all.forEach(p -> assertEquals(0, p.count(), p.id()));
        assertEquals(1, tap.counters().drops(DropReason.REFLECTED));
    }

    @Test
    void learnedPortThatIsDownFallsBackToFlooding() {
        fw.forward(a, VNI, frame(BCAST, VM2));
        clear();
        a.up = false;
        fw.forward(tap, VNI, frame(VM2, VM1));
        assertEquals(1, b.count(), "flooded");
        assertEquals(1, a.count(), "flooding still offers it to the link that is down");
    }

    @Test
    void learningIsPerNetwork() {
        RecordingPort tap2 = RecordingPort.tap("tap2");
        fw.addInterface(200, tap2);
        fw.forward(a, VNI, frame(BCAST, VM2));
        clear();
        fw.forward(tap2, 200, frame(VM2, VM1));
        assertEquals(1, a.count(), "VM2 is unknown in vni 200: flooded");
        assertEquals(1, b.count());
        tap2.releaseAll();
    }
}
