package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The forwarder takes ownership of every frame: after the ports release theirs, nothing is left. */
class ForwarderBufferOwnershipTest {
    private static final int VNI = 100;
    private static final long VM1 = mac("02:00:00:00:00:01");
    private static final long VM2 = mac("02:00:00:00:00:02");
    private static final long VM3 = mac("02:00:00:00:00:03");

    static Stream<Arguments> allocators() {
        return Stream.of(
                Arguments.of("unpooled heap", new UnpooledByteBufAllocator(false)),
                Arguments.of("unpooled direct", new UnpooledByteBufAllocator(true)),
                Arguments.of("pooled heap", new PooledByteBufAllocator(false)),
                Arguments.of("pooled direct", new PooledByteBufAllocator(true)));
    }

    private final Forwarder fw = new Forwarder();
    private final List<RecordingPort> ports = new ArrayList<>();
    private RecordingPort tap;
    private RecordingPort fast;

    private void build(int floodingLinks) {
        tap = RecordingPort.tap("tap0");
        fw.addInterface(VNI, tap);
        ports.add(tap);
        for (int i = 0; i < floodingLinks; i++) {
            RecordingPort l = RecordingPort.link("l" + i, true);
            fw.addLink(l);
            ports.add(l);
        }
        fast = RecordingPort.link("fast", false);
        fw.addLink(fast);
        ports.add(fast);
    }

    private void assertAllReleased(List<ByteBuf> originals) {
        List<ByteBuf> received = new ArrayList<>();
        for (RecordingPort p : ports) {
            for (RecordingPort.Sent s : p.sent()) {
                assertTrue(s.frame().refCnt() > 0, "a delivered frame is alive until its port releases it");
            }
            p.releaseAll();
            received.addAll(p.everSent());
        }
        for (ByteBuf b : originals) {
            assertEquals(0, b.refCnt(), "original frame still referenced");
        }
        for (ByteBuf b : received) {
            assertEquals(0, b.refCnt(), "delivered frame still referenced");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void floodingToManyPortsLeavesNoReference(String name, ByteBufAllocator alloc) {
        build(5);
        List<ByteBuf> originals = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ByteBuf f = EthFrames.frame(alloc, BCAST, VM1, 100);
            originals.add(f);
            fw.forward(tap, VNI, f);
        }
        for (int i = 1; i <= 5; i++) {
            assertEquals(10, ports.get(i).count(), ports.get(i).id());
        }
        assertEquals(0, tap.count());
        assertEquals(0, fast.count());
        // every copy is readable and intact before release
        for (RecordingPort p : ports) {
            for (RecordingPort.Sent s : p.sent()) {
                assertEquals(114, s.frame().readableBytes());
                assertEquals(BCAST, Frames.dst(s.frame()));
            }
        }
        assertAllReleased(originals);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void unicastRulesAndLearnedEntriesLeaveNoReference(String name, ByteBufAllocator alloc) {
        build(2);
        List<ByteBuf> originals = new ArrayList<>();
        fw.addRule(new ForwardingRule(NetworkId.of(VNI), MacMatch.ANY, MacMatch.exact(MacAddress.of(VM3)),
                RuleTarget.link("fast")));
        ByteBuf fromL0 = EthFrames.frame(alloc, BCAST, VM2, 50);
        originals.add(fromL0);
        fw.forward(ports.get(1), VNI, fromL0);       // learns VM2 on l0
        ByteBuf learned = EthFrames.frame(alloc, VM2, VM1, 50);
        originals.add(learned);
        fw.forward(tap, VNI, learned);               // learned unicast
        ByteBuf ruled = EthFrames.frame(alloc, VM3, VM1, 50);
        originals.add(ruled);
        fw.forward(tap, VNI, ruled);                 // rule
        assertEquals(1, fast.count());
        assertEquals(1, ports.get(1).count());
        assertAllReleased(originals);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void droppedFramesAreReleased(String name, ByteBufAllocator alloc) {
        build(0);
        List<ByteBuf> originals = new ArrayList<>();
        ByteBuf unknownVni = EthFrames.frame(alloc, BCAST, VM1, 10);
        ByteBuf runt = alloc.buffer(8).writeLong(1);
        ByteBuf noRoute = EthFrames.frame(alloc, BCAST, VM1, 10);
        ByteBuf reflected = EthFrames.frame(alloc, VM1, VM2, 10);
        originals.addAll(List.of(unknownVni, runt, noRoute, reflected));
        fw.forward(tap, 999, unknownVni);
        fw.forward(tap, VNI, runt);
        fw.forward(tap, VNI, noRoute);        // only the tap floods in this network
        fw.forward(tap, VNI, reflected);      // VM1 was learned on the tap
        for (RecordingPort p : ports) {
            assertEquals(0, p.count(), p.id());
        }
        assertAllReleased(originals);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void framesThatAreSlicesOfALargerBufferAreReadAtTheirReaderIndex(String name, ByteBufAllocator alloc) {
        build(1);
        ByteBuf record = alloc.buffer();
        record.writeZero(9);  // a record header in front of the frame, as the decoder sees it
        ByteBuf frame = EthFrames.frame(alloc, VM2, VM1, 30);
        record.writeBytes(frame);
        frame.release();
        ByteBuf slice = record.retainedSlice(9, 44);
        record.release();
        fw.forward(tap, VNI, slice);
        RecordingPort l0 = ports.get(1);
        assertEquals(1, l0.count());
        assertEquals(List.of(VM2), l0.destinations());
        assertEquals(List.of("vni 100 02:00:00:00:00:01 -> interface:tap0"),
                fw.learned().stream().map(s -> s.substring(0, s.indexOf(" (seen"))).toList());
        assertAllReleased(List.of(slice, record));
    }
}
