package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A packet whose checksum was left to offload (the field holds its pseudo-header's sum, as a
 * Linux sender leaves it for the device) is recognised and, completed, checks; a complete one
 * is left alone; completing a checksum that only looked unfinished changes nothing.
 */
class InferredOffloadTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    /** The link's inner MTU, as over a 1500-byte underlay. */
    private static final int MTU = 1450;

    /** A TCP frame of {@code payload} bytes whose checksum is what a Linux sender leaves to offload. */
    static ByteBuf partialTcp(boolean v4, int payload) {
        ByteBuf f = SegmentsTest.tcpFrame(v4, payload, 0x18, false);
        int l4 = v4 ? 34 : 54;
        f.setShort(l4 + 16, pseudo(f, v4, 6, f.readableBytes() - l4));
        return f;
    }

    static int pseudo(ByteBuf f, boolean v4, int proto, int l4Length) {
        byte[] b = ByteBufUtil.getBytes(f);
        return v4 ? SegmentsTest.checksum(b, 26, 8, proto + l4Length) : SegmentsTest.checksum(b, 22, 32, proto + l4Length);
    }

    /** Whether the frame's L4 checksum verifies (the sum over pseudo-header and L4 bytes is 0xFFFF). */
    static boolean verifies(ByteBuf f, boolean v4) {
        int l4 = v4 ? 34 : 54;
        byte[] b = ByteBufUtil.getBytes(f);
        int proto = b[v4 ? 23 : 20];
        long pseudoSum = pseudo(f, v4, proto, b.length - l4);
        return SegmentsTest.checksum(b, l4, b.length - l4, pseudoSum) == 0xFFFF;
    }

    @ParameterizedTest(name = "ipv4={0}")
    @ValueSource(booleans = {true, false})
    void anUnfinishedTcpChecksumIsRecognisedAndCompletedItChecks(boolean v4) {
        ByteBuf f = partialTcp(v4, 1000);
        int l4 = v4 ? 34 : 54;
        long o = InferredOffload.of(f, MTU);
        assertEquals(Offload.F_NEEDS_CSUM, Offload.flags(o));
        assertEquals(Offload.GSO_NONE, Offload.gsoType(o));
        assertEquals(l4, Offload.csumStart(o));
        assertEquals(16, Offload.csumOffset(o));
        assertEquals(null, Offload.invalid(o, f.readableBytes()));
        // an ordinary port gets it completed (Port's default send), and then it checks
        RecordingPort plain = RecordingPort.link("plain", false);
        plain.send(1, f, o);
        ByteBuf sent = plain.sent().get(0).frame();
        assertEquals(true, verifies(sent, v4), "completed, the checksum verifies");
        plain.releaseAll();
    }

    @ParameterizedTest(name = "ipv4={0}")
    @ValueSource(booleans = {true, false})
    void aCompleteChecksumIsLeftAlone(boolean v4) {
        ByteBuf f = partialTcp(v4, 700);
        Segments.completeChecksum(f, v4 ? 34 : 54, 16);
        assertEquals(true, verifies(f, v4));
        assertEquals(Offload.NONE, InferredOffload.of(f, MTU));
    }

    @Test
    void anUnfinishedUdpChecksumIsRecognisedAndUdpWithoutChecksumIsNot() {
        ByteBuf f = udp(200);
        f.setShort(34 + 6, pseudo(f, true, 17, 208));
        long o = InferredOffload.of(f, MTU);
        assertEquals(34, Offload.csumStart(o));
        assertEquals(6, Offload.csumOffset(o));
        Segments.completeChecksum(f, 34, 6);
        assertEquals(true, verifies(f, true));
        ByteBuf none = udp(200); // checksum 0: IPv4 UDP without one
        assertEquals(Offload.NONE, InferredOffload.of(none, MTU));
    }

    @Test
    void completingAChecksumThatOnlyLookedUnfinishedKeepsItRight() {
        // find a payload whose true checksum happens to equal its pseudo-header's sum
        ByteBuf f = partialTcp(true, 100);
        int at = f.readableBytes() - 2;
        for (int x = 0; x <= 0xFFFF; x++) {
            f.setShort(at, x);
            f.setShort(34 + 16, pseudo(f, true, 6, f.readableBytes() - 34)); // the true checksum: the
            Segments.completeChecksum(f, 34, 16); // sum over the L4 bytes seeded with the pseudo-header's
            if (f.getUnsignedShort(34 + 16) == pseudo(f, true, 6, f.readableBytes() - 34)) {
                break;
            }
        }
        assertEquals(true, verifies(f, true));
        byte[] before = ByteBufUtil.getBytes(f);
        long o = InferredOffload.of(f, MTU);
        assertEquals(Offload.F_NEEDS_CSUM, Offload.flags(o), "it looks unfinished");
        Segments.completeChecksum(f, Offload.csumStart(o), Offload.csumOffset(o));
        assertEquals(Unpooled.wrappedBuffer(before), f, "completing it changed nothing");
    }

    @ParameterizedTest(name = "ipv4={0}")
    @ValueSource(booleans = {true, false})
    void aLargeSegmentLeftToOffloadIsCutToTheMtuAndEverySegmentChecks(boolean v4) {
        int payload = 40_000;
        ByteBuf big = partialTcp(v4, payload);
        int l4 = v4 ? 34 : 54;
        long o = InferredOffload.of(big, MTU);
        assertEquals(v4 ? Offload.GSO_TCPV4 : Offload.GSO_TCPV6, Offload.gsoType(o));
        assertEquals(MTU - (l4 - 14) - 32, Offload.gsoSize(o), "as the sender's VXLAN device would have cut it");
        RecordingPort plain = RecordingPort.link("plain", false);
        plain.send(1, big, o);
        int n = (payload + Offload.gsoSize(o) - 1) / Offload.gsoSize(o);
        assertEquals(n, plain.count());
        for (RecordingPort.Sent s : plain.sent()) {
            assertEquals(true, s.frame().readableBytes() - 14 <= MTU, "fits the MTU");
            assertEquals(true, verifies(s.frame(), v4), "each segment's checksum verifies");
        }
        plain.releaseAll();
        ByteBuf complete = partialTcp(v4, payload);
        Segments.completeChecksum(complete, l4, 16);
        assertEquals(Offload.NONE, InferredOffload.of(complete, MTU), "a large packet with its checksum done is too big, as it came");
        ByteBuf udp = udp(3000);
        udp.setShort(34 + 6, pseudo(udp, true, 17, 3008));
        assertEquals(Offload.NONE, InferredOffload.of(udp, MTU), "a large UDP packet is too big, as it came");
    }

    @Test
    void fragmentsPaddedFramesAndOtherProtocolsAreLeftAlone() {
        ByteBuf fragment = partialTcp(true, 300);
        fragment.setShort(20, 0x2000); // more fragments
        assertEquals(Offload.NONE, InferredOffload.of(fragment, MTU));
        ByteBuf padded = partialTcp(true, 300);
        padded.writeZero(4);
        assertEquals(Offload.NONE, InferredOffload.of(padded, MTU));
        ByteBuf icmp = partialTcp(true, 300);
        icmp.setByte(23, 1);
        assertEquals(Offload.NONE, InferredOffload.of(icmp, MTU));
        ByteBuf arp = EthFrames.frame(ALLOC, EthFrames.BCAST, EthFrames.mac("02:00:00:00:00:01"), 28);
        assertEquals(Offload.NONE, InferredOffload.of(arp, MTU));
        ByteBuf shortV6 = partialTcp(false, 10);
        shortV6.writerIndex(60);
        assertEquals(Offload.NONE, InferredOffload.of(shortV6, MTU));
    }

    @Test
    void aFrameAloneInTheCoalescerKeepsItsDescriptor() {
        List<Long> offloads = new java.util.ArrayList<>();
        Coalescer c = new Coalescer(ALLOC, (in, vni, frame, o) -> {
            offloads.add(o);
            frame.release();
        });
        ByteBuf f = partialTcp(true, 500);
        long o = InferredOffload.of(f, MTU);
        c.offer(RecordingPort.link("vx", true), 1, f, o);
        c.flush();
        assertEquals(List.of(o), offloads);
    }

    private static ByteBuf udp(int payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).writeShort(0x0800);
        b.writeByte(0x45).writeByte(0).writeShort(20 + 8 + payload).writeShort(1).writeShort(0x4000).writeByte(64)
                .writeByte(17).writeShort(0).writeInt(0x0AC80001).writeInt(0x0AC80002);
        b.writeShort(5000).writeShort(9000).writeShort(8 + payload).writeShort(0);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i * 13 + 1);
        }
        return b;
    }
}
