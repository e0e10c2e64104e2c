package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Software segmentation and checksum completion: every segment is checked against an
 * independent, byte-by-byte checksum and the payload reassembles to the original.
 */
class SegmentsTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    /** A TCP segment as a VM's stack hands it to an offloading NIC: one header, a large payload. */
    static ByteBuf tcpFrame(boolean v4, int payload, int flags, boolean vlan) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        if (vlan) {
            b.writeShort(0x8100).writeShort(7);
        }
        b.writeShort(v4 ? 0x0800 : 0x86DD);
        int tcp = 32; // 20 + 12 bytes of options (timestamps)
        if (v4) {
            b.writeByte(0x45).writeByte(0).writeShort(20 + tcp + payload).writeShort(1000).writeShort(0x4000)
                    .writeByte(64).writeByte(6).writeShort(0).writeInt(0x0AC80001).writeInt(0x0AC80002);
        } else {
            b.writeInt(0x60000000).writeShort(tcp + payload).writeByte(6).writeByte(64);
            for (int i = 0; i < 8; i++) {
                b.writeShort(0xfd00 + i);
            }
            for (int i = 0; i < 8; i++) {
                b.writeShort(0xfd10 + i);
            }
        }
        b.writeShort(40000).writeShort(5201).writeInt(0xFFFFF000).writeInt(77).writeByte(8 << 4).writeByte(flags)
                .writeShort(512).writeShort(0x1234).writeShort(0);
        b.writeBytes(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2});
        for (int i = 0; i < payload; i++) {
            b.writeByte(i * 7 + 3);
        }
        return b;
    }

    /** The ones' complement sum of 16-bit words, done the slow way. */
    static int checksum(byte[] d, int from, int len, long extra) {
        long s = extra;
        for (int i = 0; i < len; i += 2) {
            int hi = d[from + i] & 0xFF;
            int lo = i + 1 < len ? d[from + i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        while (s >> 16 != 0) {
            s = (s & 0xFFFF) + (s >> 16);
        }
        return (int) s;
    }

    @ParameterizedTest(name = "ipv4={0} payload={1} mss={2} vlan={3}")
    @CsvSource({"true, 5000, 1448, false", "true, 64000, 1448, false", "false, 30000, 1428, false",
        "true, 1448, 1448, false", "true, 3000, 1000, true", "false, 2897, 1448, true"})
    void segmentsAreValidPacketsThatReassemble(boolean v4, int payload, int mss, boolean vlan) {
        int eth = vlan ? 18 : 14;
        int l4 = eth + (v4 ? 20 : 40);
        ByteBuf big = tcpFrame(v4, payload, 0x18 | 0x01 | 0x80, vlan); // PSH, FIN, CWR
        byte[] original = ByteBufUtil.getBytes(big);
        long offload = Offload.of(Offload.F_NEEDS_CSUM, v4 ? Offload.GSO_TCPV4 : Offload.GSO_TCPV6, mss, l4, 16,
                l4 + 32);
        RecordingPort out = RecordingPort.link("old", true);
        Segments.sendPlain(out, 5, big, offload, ALLOC);
        assertEquals(0, big.refCnt(), "the input is released");
        assertArrayEquals(original, ByteBufUtil.getBytes(Unpooled.wrappedBuffer(original)));
        int n = (payload + mss - 1) / mss;
        List<RecordingPort.Sent> segs = out.sent();
        assertEquals(n, segs.size());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            byte[] s = ByteBufUtil.getBytes(segs.get(i).frame());
            int segPayload = Math.min(mss, payload - i * mss);
            assertEquals(l4 + 32 + segPayload, s.length);
            ByteBuf sb = Unpooled.wrappedBuffer(s);
            long pseudo;
            if (v4) {
                assertEquals(20 + 32 + segPayload, sb.getUnsignedShort(eth + 2), "IPv4 total length");
                assertEquals(1000 + i, sb.getUnsignedShort(eth + 4), "IPv4 id");
                assertEquals(0xFFFF, checksum(s, eth, 20, 0), "IPv4 header checksum of segment " + i);
                pseudo = checksum(s, eth + 12, 8, 0);
            } else {
                assertEquals(32 + segPayload, sb.getUnsignedShort(eth + 4), "IPv6 payload length");
                pseudo = checksum(s, eth + 8, 32, 0);
            }
            assertEquals(0xFFFF, checksum(s, l4, 32 + segPayload, pseudo + 6 + 32 + segPayload),
                    "TCP checksum of segment " + i);
            assertEquals((0xFFFFF000L + (long) i * mss) & 0xFFFFFFFFL, sb.getUnsignedInt(l4 + 4), "sequence number");
            int flags = sb.getUnsignedByte(l4 + 13);
            boolean last = i == n - 1;
            assertEquals(last, (flags & 0x01) != 0, "FIN only on the last");
            assertEquals(last, (flags & 0x08) != 0, "PSH only on the last");
            assertEquals(i == 0, (flags & 0x80) != 0, "CWR only on the first");
            assertTrue((flags & 0x10) != 0, "ACK on every segment");
            data.write(s, l4 + 32, segPayload);
        }
        byte[] expected = new byte[payload];
        System.arraycopy(original, l4 + 32, expected, 0, payload);
        assertArrayEquals(expected, data.toByteArray(), "the payload reassembles");
        out.releaseAll();
    }

    @Test
    void aChecksumLeftToCompleteIsCompletedOnACopy() {
        ByteBuf f = tcpFrame(true, 100, 0x10, false);
        int l4 = 34;
        int tcpLen = 32 + 100;
        byte[] bytes = ByteBufUtil.getBytes(f);
        // as the kernel leaves it: the folded pseudo-header sum in the checksum field
        int pseudo = checksum(bytes, 14 + 12, 8, 6 + tcpLen);
        f.setShort(l4 + 16, pseudo);
        byte[] before = ByteBufUtil.getBytes(f);
        RecordingPort out = RecordingPort.link("vx", true);
        f.retain();
        Segments.sendPlain(out, 5, f, Offload.of(Offload.F_NEEDS_CSUM, 0, 0, l4, 16, 0), ALLOC);
        assertArrayEquals(before, ByteBufUtil.getBytes(f), "the shared input is not modified");
        f.release();
        byte[] s = ByteBufUtil.getBytes(out.sent().get(0).frame());
        assertEquals(0xFFFF, checksum(s, l4, tcpLen, checksum(s, 14 + 12, 8, 6 + tcpLen)));
        out.releaseAll();
    }

    @Test
    void aFrameThatContradictsItsDescriptorIsDroppedAndCounted() {
        ByteBuf f = tcpFrame(false, 3000, 0x10, false); // IPv6, but the descriptor says TCPv4
        RecordingPort out = RecordingPort.link("vx", true);
        Segments.sendPlain(out, 5, f, Offload.of(1, Offload.GSO_TCPV4, 1448, 54, 16, 86), ALLOC);
        assertEquals(0, out.count());
        assertEquals(0, f.refCnt());
        assertEquals(1, out.counters().drops(io.vnet.api.DropReason.MALFORMED));
    }
}
