package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.SegmentsTest.tcpFrame;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vnet.api.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile headers from a VM or a link peer: IPv4 header lengths that lie (IHL 0, 15 on a short
 * packet), odd total lengths, offload descriptors whose segment size would make a storm of
 * segments. None may throw out of the forwarder (an exception on a Netty event loop stalls it for
 * a second per frame, on a reader thread it ends the reader); each such frame is dropped, counted
 * {@code malformed}, and its buffer released.
 */
class CraftedHeadersTest {
    static final int VNI = 5;
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    /** An IPv4 packet whose header says IHL {@code ihl} (in words) and total length {@code total}, {@code bytes} long. */
    static ByteBuf ipv4(int ihl, int total, int bytes, boolean df) {
        ByteBuf b = Unpooled.directBuffer();
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).writeShort(0x0800);
        b.writeByte(0x40 | ihl).writeByte(0).writeShort(total).writeShort(77).writeShort(df ? 0x4000 : 0).writeByte(64)
                .writeByte(17).writeShort(0).writeInt(0x0AC80001).writeInt(0x0AC80002);
        while (b.readableBytes() < 14 + bytes) {
            b.writeByte(b.writerIndex() * 13);
        }
        b.writerIndex(14 + bytes);
        return b;
    }

    private static Forwarder forwarder(RecordingPort tap, RecordingPort link, int linkMaxFrame) {
        Forwarder fwd = new Forwarder();
        fwd.addInterface(VNI, tap);
        fwd.addLink(link);
        link.maxFrame = linkMaxFrame;
        return fwd;
    }

    /**
     * A packet too big for the link, that may be fragmented, whose header is shorter than IPv4's
     * minimum (IHL 0..4) or claims more than the packet has: fragmenting it would write past the
     * fragments' ends (IHL 0, total 49 or 51: a last fragment of 1 or 3 bytes, whose total length and
     * offset fields lie past its end) or send fragments of garbage.
     */
    @ParameterizedTest(name = "IHL {0}, total {1}, {2} bytes")
    @CsvSource({"0, 49, 49", "0, 51, 51", "0, 44, 44", "0, 43, 43", "4, 45, 45", "1, 47, 47", "15, 200, 59", "6, 3, 40"})
    void aFragmentablePacketWithALyingHeaderIsDroppedAsMalformed(int ihl, int total, int bytes) {
        RecordingPort tap = RecordingPort.tap("t");
        RecordingPort link = RecordingPort.link("l", true);
        Forwarder fwd = forwarder(tap, link, 14 + 4 + 30); // MTU 30 at the IP layer: fragments of 8..24 bytes
        ByteBuf f = ipv4(ihl, total, bytes, false);
        assertDoesNotThrow(() -> fwd.forward(tap, VNI, f));
        assertEquals(0, f.refCnt(), "released");
        assertEquals(1, tap.counters().drops(DropReason.MALFORMED), "counted where it came in: " + tap.counters());
        assertEquals(0, link.count(), "no fragment of it left");
        assertEquals(0, tap.count(), "and no ICMP answer");
    }

    /** The same lies with DF set: no ICMP answer that quotes past the packet, no throw. */
    @ParameterizedTest(name = "IHL {0}")
    @ValueSource(ints = {0, 3, 15})
    void aDontFragmentPacketWithALyingHeaderIsDroppedAsMalformed(int ihl) {
        RecordingPort tap = RecordingPort.tap("t");
        RecordingPort link = RecordingPort.link("l", true);
        Forwarder fwd = forwarder(tap, link, 14 + 4 + 30);
        ByteBuf f = ipv4(ihl, 40, 40, true);
        assertDoesNotThrow(() -> fwd.forward(tap, VNI, f));
        assertEquals(0, f.refCnt());
        assertEquals(1, tap.counters().drops(DropReason.MALFORMED));
        assertEquals(0, tap.count() + link.count());
    }

    /** A well-formed packet with options (IHL 6) and an odd total length is still fragmented. */
    @Test
    void aPacketWithOptionsAndAnOddLengthIsStillFragmented() {
        RecordingPort tap = RecordingPort.tap("t");
        RecordingPort link = RecordingPort.link("l", true);
        Forwarder fwd = forwarder(tap, link, 14 + 4 + 64);
        ByteBuf f = ipv4(6, 24 + 101, 24 + 101, false);
        fwd.forward(tap, VNI, f);
        assertEquals(3, link.count(), "101 bytes in fragments of 40, 40 and 21");
        int payload = 0;
        for (RecordingPort.Sent s : link.sent()) {
            ByteBuf fr = s.frame();
            assertEquals(0x46, fr.getUnsignedByte(14), "the options go with every fragment");
            assertEquals(fr.readableBytes() - 14, fr.getUnsignedShort(16));
            payload += fr.readableBytes() - 14 - 24;
        }
        assertEquals(101, payload);
        assertEquals(0, tap.counters().drops(DropReason.MALFORMED));
        link.releaseAll();
    }

    /**
     * A TCPv4 segment to cut whose IP header says IHL 15 while its TCP header starts 20 bytes in
     * (the descriptor's checksum start): recomputing the IP checksum would read past a short segment.
     */
    @Test
    void aSegmentWhoseIpHeaderOverlapsItsTcpHeaderIsRefused() {
        ByteBuf f = tcpFrame(true, 100, 0x10, false);
        f.setByte(14, 0x4F);
        long offload = Offload.of(Offload.F_NEEDS_CSUM, Offload.GSO_TCPV4, 60, 34, 16, 66);
        assertNull(Segments.plan(f, offload), "IHL 15 with TCP at 20 bytes contradicts itself");
        f.setByte(14, 0x44);
        assertNull(Segments.plan(f, offload), "so does IHL 4");
        f.setByte(14, 0x45);
        assertNotNull(Segments.plan(f, offload), "IHL 5 is fine");
        RecordingPort out = RecordingPort.link("vx", true);
        f.setByte(14, 0x4F);
        assertDoesNotThrow(() -> Segments.sendPlain(out, VNI, f, offload, ALLOC));
        assertEquals(0, f.refCnt());
        assertEquals(1, out.counters().drops(DropReason.MALFORMED));
        assertEquals(0, out.count());
    }

    /**
     * A segment size below the smallest MSS Linux sends (48 bytes) is refused: a peer or a TAP
     * saying 1 would have a 64 KB frame cut into some 65,000 segments on the event loop.
     */
    @ParameterizedTest(name = "gso_size {0}")
    @CsvSource({"1, true", "47, true", "48, false", "1448, false"})
    void aTinySegmentSizeIsInvalid(int gsoSize, boolean invalid) {
        long o = Offload.of(Offload.F_NEEDS_CSUM, Offload.GSO_TCPV4, gsoSize, 34, 16, 66);
        String why = Offload.invalid(o, 65_000);
        assertEquals(invalid, why != null, String.valueOf(why));
        ByteBuf f = tcpFrame(true, 60_000, 0x10, false);
        Segments.Plan plan = Segments.plan(f, o);
        if (invalid) {
            assertNull(plan, "and not planned");
        } else {
            assertTrue(plan.segments() <= 60_000 / 48 + 1, "at most 1,251 segments: " + plan.segments());
        }
        f.release();
    }

    /** A port that throws while sending: the frame is dropped and counted, the forwarder does not throw. */
    @Test
    void anExceptionWhileForwardingDropsOnlyThatFrame() {
        RecordingPort tap = RecordingPort.tap("t");
        RecordingPort link = RecordingPort.link("l", true);
        link.failNext = true;
        Forwarder fwd = forwarder(tap, link, Integer.MAX_VALUE);
        ByteBuf f = ipv4(5, 100, 100, false);
        assertDoesNotThrow(() -> fwd.forward(tap, VNI, f));
        assertEquals(0, f.refCnt(), "released");
        assertEquals(1, tap.counters().drops(DropReason.MALFORMED));
        ByteBuf g = ipv4(5, 100, 100, false);
        fwd.forward(tap, VNI, g);
        assertEquals(1, link.count(), "the next frame goes");
        link.releaseAll();
    }
}
