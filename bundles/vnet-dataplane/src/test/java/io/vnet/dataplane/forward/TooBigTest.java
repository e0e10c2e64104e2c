package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.SegmentsTest.checksum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vnet.api.DropReason;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A frame too big for its output port is answered or fragmented as a router would, and counted. */
class TooBigTest {
    static final int VNI = 5;
    final Forwarder fwd = new Forwarder();
    final RecordingPort tap = RecordingPort.tap("t");
    final RecordingPort link = RecordingPort.link("l", true);

    @BeforeEach
    void setUp() {
        fwd.addInterface(VNI, tap);
        fwd.addLink(link);
        link.maxFrame = 1518;
    }

    /** An IPv4 packet of {@code total} bytes from 02::1 (10.200.0.1) to 02::2 (10.200.0.2). */
    static ByteBuf ipv4(int total, boolean df) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).writeShort(0x0800);
        b.writeByte(0x45).writeByte(0).writeShort(total).writeShort(77).writeShort(df ? 0x4000 : 0).writeByte(64)
                .writeByte(17).writeShort(0).writeInt(0x0AC80001).writeInt(0x0AC80002);
        for (int i = 20; i < total; i++) {
            b.writeByte(i * 13);
        }
        return b;
    }

    @Test
    void aDontFragmentPacketIsAnsweredWithFragmentationNeeded() {
        ByteBuf f = ipv4(2000, true);
        byte[] sent = ByteBufUtil.getBytes(f);
        fwd.forward(tap, VNI, f);
        assertEquals(0, link.count(), "nothing too big leaves by the link");
        assertEquals(1, link.counters().drops(DropReason.TOO_BIG));
        assertEquals(1, tap.count(), "the answer goes back to the sender");
        byte[] r = ByteBufUtil.getBytes(tap.sent().get(0).frame());
        ByteBuf rb = Unpooled.wrappedBuffer(r);
        assertEquals(0x020000000001L, Frames.dst(rb), "to the sender's MAC");
        assertEquals(0x0800, rb.getUnsignedShort(12));
        assertEquals(0xFFFF, checksum(r, 14, 20, 0), "IPv4 header checksum");
        assertEquals(0x0AC80002, rb.getInt(14 + 12), "from the address it could not reach");
        assertEquals(0x0AC80001, rb.getInt(14 + 16), "to the sender");
        assertEquals(3, rb.getUnsignedByte(34), "destination unreachable");
        assertEquals(4, rb.getUnsignedByte(35), "fragmentation needed");
        assertEquals(1500, rb.getUnsignedShort(40), "next-hop MTU");
        assertEquals(0xFFFF, checksum(r, 34, r.length - 34, 0), "ICMP checksum");
        byte[] quoted = new byte[28];
        System.arraycopy(r, 42, quoted, 0, 28);
        byte[] original = new byte[28];
        System.arraycopy(sent, 14, original, 0, 28);
        assertArrayEquals(original, quoted, "quotes the offending header");
        tap.releaseAll();
    }

    @Test
    void aPacketThatMayBeFragmentedIsFragmented() {
        ByteBuf f = ipv4(4000, false);
        byte[] sent = ByteBufUtil.getBytes(f);
        fwd.forward(tap, VNI, f);
        assertEquals(3, link.count());
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            byte[] frag = ByteBufUtil.getBytes(link.sent().get(i).frame());
            ByteBuf fb = Unpooled.wrappedBuffer(frag);
            assertTrue(frag.length <= 1518, "fits: " + frag.length);
            assertEquals(0xFFFF, checksum(frag, 14, 20, 0));
            assertEquals(frag.length - 14, fb.getUnsignedShort(16), "total length");
            assertEquals(i < 2, (fb.getUnsignedShort(20) & 0x2000) != 0, "more fragments but on the last");
            assertEquals(payload.size() / 8, fb.getUnsignedShort(20) & 0x1FFF, "offset");
            payload.write(frag, 34, frag.length - 34);
        }
        byte[] expected = new byte[4000 - 20];
        System.arraycopy(sent, 34, expected, 0, expected.length);
        assertArrayEquals(expected, payload.toByteArray());
        assertEquals(0, tap.count());
        link.releaseAll();
    }

    @Test
    void anIpv6PacketIsAnsweredWithPacketTooBig() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).writeShort(0x86DD);
        b.writeInt(0x60000000).writeShort(1960).writeByte(17).writeByte(64);
        for (int i = 0; i < 16; i++) {
            b.writeByte(i == 0 ? 0xfd : i == 15 ? 1 : 0);
        }
        for (int i = 0; i < 16; i++) {
            b.writeByte(i == 0 ? 0xfd : i == 15 ? 2 : 0);
        }
        b.writeZero(1960);
        fwd.forward(tap, VNI, b);
        assertEquals(0, link.count());
        byte[] r = ByteBufUtil.getBytes(tap.sent().get(0).frame());
        ByteBuf rb = Unpooled.wrappedBuffer(r);
        assertEquals(2, rb.getUnsignedByte(54), "packet too big");
        assertEquals(1500, rb.getInt(58), "the MTU");
        assertEquals(r.length - 54, rb.getUnsignedShort(18), "payload length");
        assertTrue(r.length - 14 <= 1280, "the error fits the minimum MTU");
        long pseudo = checksum(r, 22, 32, 0) + (r.length - 54) + 58;
        assertEquals(0xFFFF, checksum(r, 54, r.length - 54, pseudo), "ICMPv6 checksum");
        tap.releaseAll();
    }

    @Test
    void aFrameThatFitsGoesOutUntouched() {
        fwd.forward(tap, VNI, ipv4(1500, true));
        assertEquals(1, link.count());
        assertEquals(0, link.counters().drops(DropReason.TOO_BIG));
        link.releaseAll();
    }
}
