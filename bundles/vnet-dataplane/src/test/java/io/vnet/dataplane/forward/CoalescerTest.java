package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The coalescer undoes what segmentation did: the segments of one large send merge back into
 * one offloaded segment that cuts into exactly the same packets; anything that may not be
 * merged goes on unchanged and in order.
 */
class CoalescerTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);
    private final RecordingPort link = RecordingPort.link("vx", true);

    record Out(ByteBuf frame, long offload) {
    }

    private final List<Out> out = new ArrayList<>();
    private final Coalescer coalescer = new Coalescer(ALLOC, (in, vni, f, o) -> out.add(new Out(f, o)));

    /** The ordinary packets a large send of {@code payload} bytes becomes. */
    private static List<ByteBuf> segments(boolean v4, int payload, int flags) {
        ByteBuf big = SegmentsTest.tcpFrame(v4, payload, flags, false);
        int l4 = v4 ? 34 : 54;
        RecordingPort sink = RecordingPort.tap("s");
        Segments.sendPlain(sink, 1, big, Offload.of(1, v4 ? Offload.GSO_TCPV4 : Offload.GSO_TCPV6, 1448, l4, 16,
                l4 + 32), ALLOC);
        List<ByteBuf> frames = new ArrayList<>();
        sink.sent().forEach(s -> frames.add(s.frame()));
        return frames;
    }

    @ParameterizedTest(name = "ipv4={0}")
    @ValueSource(booleans = {true, false})
    void theSegmentsOfOneSendMergeIntoOneThatCutsIntoTheSamePackets(boolean v4) {
        List<ByteBuf> segs = segments(v4, 20 * 1448 + 100, 0x18);
        List<byte[]> expected = new ArrayList<>();
        segs.forEach(s -> expected.add(ByteBufUtil.getBytes(s)));
        for (ByteBuf s : segs) {
            coalescer.offer(link, 1, s);
        }
        coalescer.flush();
        assertEquals(1, out.size(), "one merged segment");
        Out m = out.get(0);
        assertEquals(v4 ? Offload.GSO_TCPV4 : Offload.GSO_TCPV6, Offload.gsoType(m.offload()));
        assertEquals(1448, Offload.gsoSize(m.offload()));
        RecordingPort again = RecordingPort.tap("again");
        Segments.sendPlain(again, 1, m.frame(), m.offload(), ALLOC);
        assertEquals(expected.size(), again.count());
        for (int i = 0; i < expected.size(); i++) {
            // byte for byte, checksums and IPv4 ids (the first's + i) included
            assertArrayEquals(expected.get(i), ByteBufUtil.getBytes(again.sent().get(i).frame()), "packet " + i);
        }
        again.releaseAll();
    }

    @Test
    void aGapInTheSequenceOrAnotherFlowEndsTheMergeAndNothingIsReordered() {
        List<ByteBuf> a = segments(true, 4 * 1448, 0x10);
        List<ByteBuf> b = segments(false, 2 * 1448, 0x10);
        coalescer.offer(link, 1, a.get(0));
        coalescer.offer(link, 1, a.get(1));
        coalescer.offer(link, 1, a.get(3)); // a.get(2) lost: a gap
        coalescer.offer(link, 1, b.get(0)); // another flow
        coalescer.offer(link, 1, b.get(1));
        coalescer.flush();
        a.get(2).release();
        assertEquals(3, out.size());
        assertEquals(2, Offload.isGso(out.get(0).offload()) ? (out.get(0).frame().readableBytes() - 66) / 1448 : 1);
        assertEquals(Offload.NONE, out.get(1).offload(), "the segment after the gap goes on alone");
        assertEquals(Offload.GSO_TCPV6, Offload.gsoType(out.get(2).offload()));
        out.forEach(o -> o.frame().release());
    }

    @Test
    void framesThatAreNotPlainDataSegmentsGoOnUnchanged() {
        ByteBuf arp = ALLOC.directBuffer(60).writeZero(12).writeShort(0x0806).writeZero(46);
        List<ByteBuf> syn = segments(true, 0, 0x02);
        coalescer.offer(link, 1, arp);
        coalescer.offer(link, 1, syn.get(0));
        assertEquals(2, out.size());
        assertEquals(Offload.NONE, out.get(0).offload());
        assertEquals(Offload.NONE, out.get(1).offload());
        out.forEach(o -> o.frame().release());
    }
}
