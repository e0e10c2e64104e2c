package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Frames of one TCP or UDP flow hash alike whatever their length and payload; other flows differ. */
class FlowHashTest {
    private static final int VNI = 100;

    /** An Ethernet frame with an IPv4 header (20 bytes) and a TCP or UDP header's ports, then {@code payload} bytes. */
    static ByteBuf ipv4(int proto, int srcIp, int dstIp, int sport, int dport, int payload, int fragment, boolean vlan) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(0x0200).writeInt(2).writeShort(0x0200).writeInt(1);
        if (vlan) {
            b.writeShort(Frames.ETH_P_VLAN).writeShort(7);
        }
        b.writeShort(Frames.ETH_P_IPV4);
        b.writeByte(0x45).writeByte(0).writeShort(20 + 8 + payload).writeShort(payload) // id varies
                .writeShort(fragment).writeByte(64).writeByte(proto).writeShort(0).writeInt(srcIp).writeInt(dstIp);
        b.writeShort(sport).writeShort(dport).writeInt(payload);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i * 7);
        }
        return b;
    }

    static ByteBuf ipv6(int next, long srcLo, int sport, int dport, int payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(0x0200).writeInt(2).writeShort(0x0200).writeInt(1).writeShort(Frames.ETH_P_IPV6);
        b.writeInt(0x6000_0000 | payload).writeShort(8 + payload).writeByte(next).writeByte(64);
        b.writeLong(0xFD00_0000_0000_0000L).writeLong(srcLo).writeLong(0xFD00_0000_0000_0000L).writeLong(99);
        b.writeShort(sport).writeShort(dport).writeInt(payload);
        b.writeZero(payload);
        return b;
    }

    @Test
    void aTcpConnectionsFramesHashAlikeWhateverTheirLength() {
        int first = FlowHash.of(VNI, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000, 5201, 0, 0x4000, false));
        assertEquals(first, FlowHash.of(VNI, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000, 5201, 1400, 0x4000, false)));
        assertEquals(first, FlowHash.of(VNI, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000, 5201, 64000, 0x4000, false)));
        assertNotEquals(first, FlowHash.of(VNI, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40001, 5201, 0, 0x4000, false)),
                "another source port is another flow");
        assertNotEquals(first, FlowHash.of(VNI + 1, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000, 5201, 0, 0x4000, false)),
                "the same 5-tuple in another network is another flow");
        assertNotEquals(first, FlowHash.of(VNI, ipv4(Frames.IPPROTO_UDP, 0x0A000001, 0x0A000002, 40000, 5201, 0, 0x4000, false)));
        assertEquals(first == FlowHash.of(VNI, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000, 5201, 10, 0x4000, true)),
                true, "behind a VLAN tag, the same flow");
    }

    @Test
    void fragmentsOfOneDatagramHashAlikeByTheirAddresses() {
        int firstFragment = FlowHash.of(VNI, ipv4(Frames.IPPROTO_UDP, 0x0A000001, 0x0A000002, 53, 53, 1000, 0x2000, false));
        int laterFragment = FlowHash.of(VNI, ipv4(Frames.IPPROTO_UDP, 0x0A000001, 0x0A000002, 99, 99, 500, 0x00B9, false));
        assertEquals(firstFragment, laterFragment, "a later fragment has no ports: neither is read");
    }

    @Test
    void ipv6FlowsAndOtherFramesHashTooAndManyFlowsSpread() {
        int a = FlowHash.of(VNI, ipv6(Frames.IPPROTO_TCP, 1, 40000, 5201, 0));
        assertEquals(a, FlowHash.of(VNI, ipv6(Frames.IPPROTO_TCP, 1, 40000, 5201, 9000)));
        assertNotEquals(a, FlowHash.of(VNI, ipv6(Frames.IPPROTO_TCP, 2, 40000, 5201, 0)));
        Set<Integer> buckets = new HashSet<>();
        for (int port = 0; port < 1000; port++) {
            buckets.add(FlowHash.of(VNI, ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000 + port, 5201, 0, 0, false)) & 63);
        }
        assertEquals(64, buckets.size(), "1,000 flows fill all of 64 buckets");
    }

    @Test
    void shortAndTruncatedFramesHashWithoutReadingPastTheirEnd() {
        ByteBuf full = ipv4(Frames.IPPROTO_TCP, 0x0A000001, 0x0A000002, 40000, 5201, 0, 0, true);
        for (int len = 0; len <= full.readableBytes(); len++) {
            ByteBuf cut = Unpooled.buffer(len, len).writeBytes(full, 0, len); // capacity = length: a read past it throws
            FlowHash.of(VNI, cut);
        }
        ByteBuf v6 = ipv6(Frames.IPPROTO_UDP, 1, 1, 2, 0);
        for (int len = 0; len <= v6.readableBytes(); len++) {
            FlowHash.of(VNI, Unpooled.buffer(len, len).writeBytes(v6, 0, len));
        }
    }
}
