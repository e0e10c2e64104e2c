package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.api.DropReason;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderFloodTest {
    private static final int VNI = 100;
    private static final long VM1 = mac("02:00:00:00:00:01");
    private static final long VM9 = mac("02:00:00:00:00:09");

    private Forwarder fw;
    private RecordingPort tap0;
    private RecordingPort tap1;
    private RecordingPort otherNet;
    private RecordingPort floodA;
    private RecordingPort floodB;
    private RecordingPort fast;
    private List<RecordingPort> all;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap0 = RecordingPort.tap("tap0");
        tap1 = RecordingPort.tap("tap1");
        otherNet = RecordingPort.tap("tap200");
        floodA = RecordingPort.link("a", true);
        floodB = RecordingPort.link("b", true);
        fast = RecordingPort.link("fast", false);
        fw.addInterface(VNI, tap0);
        fw.addInterface(VNI, tap1);
        fw.addInterface(200, otherNet);
        fw.addLink(floodA);
        fw.addLink(floodB);
        fw.addLink(fast);
        all = List.of(tap0, tap1, otherNet, floodA, floodB, fast);
    }

    @AfterEach
    void releaseEverything() {
        all.forEach(RecordingPort::releaseAll);
    }

    private void assertCounts(int tap0n, int tap1n, int otherNetN, int floodAn, int floodBn, int fastN) {
        assertEquals(List.of(tap0n, tap1n, otherNetN, floodAn, floodBn, fastN),
                all.stream().map(RecordingPort::count).toList(), "tap0, tap1, tap200, a, b, fast");
    }

    @Test
    void broadcastFromATapGoesToEveryFloodingPortButTheIngress() {
        fw.forward(tap0, VNI, frame(BCAST, VM1));
        assertCounts(0, 1, 0, 1, 1, 0);
    }

    @Test
    void broadcastFromAFloodingLinkNeverGoesBackOverIt() {
        fw.forward(floodA, VNI, frame(BCAST, VM9));
        assertCounts(1, 1, 0, 0, 1, 0);
    }

    @Test
    void broadcastFromANonFloodingLinkGoesToLocalInterfacesOnly() {
        fw.forward(fast, VNI, frame(BCAST, VM9));
        assertCounts(1, 1, 0, 0, 0, 0);
    }

    @Test
    void unknownUnicastFromANonFloodingLinkGoesToLocalInterfacesOnly() {
        fw.forward(fast, VNI, frame(VM1, VM9));
        assertCounts(1, 1, 0, 0, 0, 0);
    }

    @Test
    void nonFloodingLinkNeverReceivesFloods() {
        fw.forward(tap0, VNI, frame(BCAST, VM1));
        fw.forward(tap1, VNI, frame(mac("01:00:5e:00:00:01"), VM1));
        fw.forward(floodA, VNI, frame(mac("02:00:00:00:00:77"), VM9));
        assertEquals(0, fast.count());
    }

    @Test
    void floodedCopiesAreIdenticalToTheOriginal() {
        fw.forward(tap0, VNI, frame(BCAST, VM1));
        for (RecordingPort p : List.of(tap1, floodA, floodB)) {
            assertEquals(60, p.sent().get(0).frame().readableBytes(), p.id());
            assertEquals(BCAST, Frames.dst(p.sent().get(0).frame()), p.id());
            assertEquals(VM1, Frames.src(p.sent().get(0).frame()), p.id());
            assertEquals(VNI, p.sent().get(0).vni(), p.id());
            assertEquals(0, p.sent().get(0).frame().getByte(p.sent().get(0).frame().readerIndex() + 14));
            assertEquals(45, p.sent().get(0).frame().getByte(p.sent().get(0).frame().readerIndex() + 59));
        }
    }

    @Test
    void nothingToFloodToIsCountedAsNoRoute() {
        Forwarder lonely = new Forwarder();
        RecordingPort only = RecordingPort.tap("tap0");
        lonely.addInterface(VNI, only);
        lonely.forward(only, VNI, frame(BCAST, VM1));
        assertEquals(0, only.count());
        assertEquals(1, only.counters().drops(DropReason.NO_ROUTE));
    }

    @Test
    void starDeliversABroadcastToEveryoneExactlyOnce() {
        Star star = new Star(false);
        star.leaf1Tap.forwardInto(star.leaf1, frame(BCAST, VM1));
        assertEquals(1, star.centerTap.count());
        assertEquals(1, star.leaf2Tap.count());
        assertEquals(0, star.leaf1Tap.count());
        star.releaseAll();
    }

    @Test
    void starWithAFastPathBetweenLeavesStillDeliversOnceAndNeverLoops() {
        Star star = new Star(true);
        star.leaf1Tap.forwardInto(star.leaf1, frame(BCAST, VM1));
        star.centerTap.forwardInto(star.center, frame(BCAST, VM9));
        assertEquals(1, star.centerTap.count(), "centre got the leaf's broadcast");
        assertEquals(2, star.leaf2Tap.count(), "leaf 2 got both broadcasts once");
        assertEquals(1, star.leaf1Tap.count(), "leaf 1 got the centre's broadcast");
        star.releaseAll();
    }

    /**
     * Three forwarders wired as a star: centre with flooding links to two leaves, each with a
     * local tap; optionally a non-flooding fast path between the leaves.
     */
    static final class Star {
        final Forwarder center = new Forwarder();
        final Forwarder leaf1 = new Forwarder();
        final Forwarder leaf2 = new Forwarder();
        final TapEnd centerTap = new TapEnd("tap-c");
        final TapEnd leaf1Tap = new TapEnd("tap-1");
        final TapEnd leaf2Tap = new TapEnd("tap-2");

        Star(boolean fastPath) {
            center.addInterface(VNI, centerTap.port);
            leaf1.addInterface(VNI, leaf1Tap.port);
            leaf2.addInterface(VNI, leaf2Tap.port);
            Wire.connect(center, "leaf1", leaf1, "center", true);
            Wire.connect(center, "leaf2", leaf2, "center", true);
            if (fastPath) {
                Wire.connect(leaf1, "leaf2", leaf2, "leaf1", false);
            }
        }

        void releaseAll() {
            centerTap.port.releaseAll();
            leaf1Tap.port.releaseAll();
            leaf2Tap.port.releaseAll();
        }
    }

    static final class TapEnd {
        final RecordingPort port;

        TapEnd(String name) {
            port = RecordingPort.tap(name);
        }

        void forwardInto(Forwarder fw, io.netty.buffer.ByteBuf frame) {
            fw.forward(port, VNI, frame);
        }

        int count() {
            return port.count();
        }
    }

    /** One end of a link between two forwarders: what it is sent enters the other forwarder. */
    static final class Wire implements Port {
        private final String id;
        private final boolean floods;
        private final PortCounters counters = new PortCounters();
        private Forwarder remote;
        private Wire remoteEnd;
        private int hops;

        private Wire(String id, boolean floods) {
            this.id = id;
            this.floods = floods;
        }

        static void connect(Forwarder x, String xName, Forwarder y, String yName, boolean floods) {
            Wire xy = new Wire("link:" + xName, floods);
            Wire yx = new Wire("link:" + yName, floods);
            xy.remote = y;
            xy.remoteEnd = yx;
            yx.remote = x;
            yx.remoteEnd = xy;
            x.addLink(xy);
            y.addLink(yx);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isLink() {
            return true;
        }

        @Override
        public boolean floods() {
            return floods;
        }

        @Override
        public void send(int vni, io.netty.buffer.ByteBuf frame) {
            if (++hops > 100) {
                frame.release();
                throw new AssertionError("forwarding loop over " + id);
            }
            counters.out(frame.readableBytes());
            remote.forward(remoteEnd, vni, frame);
        }

        @Override
        public PortCounters counters() {
            return counters;
        }
    }
}
