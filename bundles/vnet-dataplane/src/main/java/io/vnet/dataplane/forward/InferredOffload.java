package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/**
 * What a Linux sender left to offload in a frame that arrives without a header saying so: the
 * {@link Offload} descriptor a TAP would have given it, inferred from the frame itself.
 *
 * <p>A kernel VXLAN peer whose underlay is a veth or a bridge (namespaces, containers, many
 * virtual machines) sends what its stack left for a NIC that never comes:
 * <ul>
 * <li><b>checksums left to offload.</b> The stack leaves a TCP or UDP checksum as the sum of
 * the pseudo-header, which the device's sum over the L4 bytes starts from. A packet whose
 * checksum field equals the sum of its own pseudo-header gets {@link Offload#F_NEEDS_CSUM}.
 * Completing a checksum that was in fact complete is harmless: the completion sums the L4
 * bytes starting from what the field holds, and when that is the pseudo-header's sum the
 * result is the packet's true checksum either way.</li>
 * <li><b>segmentation left to offload.</b> A large TCP send crosses the veth as one packet,
 * and the receiving UDP stack hands it to the agent whole, as one datagram holding a TCP
 * segment far larger than the link's MTU. Such a frame (TCP, its checksum left to offload, and
 * larger than {@code mtu}) gets a GSO descriptor whose segment size is what the sender's
 * VXLAN device would have cut it to: the largest that fits the link's MTU.</li>
 * </ul>
 * Only plain packets are considered: IPv4 without fragmentation, IPv6 without extension
 * headers, the IP length exactly filling the frame (no VLAN tag, no padding); anything else is
 * left as it came ({@link Offload#NONE}), and a large one is then handled as too big.
 */
public final class InferredOffload {
    private static final int TCP = Frames.IPPROTO_TCP;
    private static final int UDP = Frames.IPPROTO_UDP;

    private InferredOffload() {
    }

    /**
     * The descriptor of what {@code frame} left to offload, or {@link Offload#NONE}. Reads only
     * the frame's readable bytes.
     *
     * @param mtu the largest IP packet the port it came by carries (the link's inner MTU)
     */
    public static long of(ByteBuf frame, int mtu) {
        int b = frame.readerIndex();
        int len = frame.readableBytes();
        if (len < Frames.ETH_HEADER + 20 + 8) {
            return Offload.NONE;
        }
        int type = frame.getUnsignedShort(b + 12);
        boolean v4;
        int l4;
        int proto;
        int l4Length;
        long pseudo;
        if (type == Frames.ETH_P_IPV4) {
            int vihl = frame.getUnsignedByte(b + 14);
            int ihl = (vihl & 0xF) * 4;
            if (vihl >> 4 != 4 || ihl < 20 || (frame.getUnsignedShort(b + 20) & 0x3FFF) != 0) {
                return Offload.NONE; // not IPv4, or a fragment
            }
            int total = frame.getUnsignedShort(b + 16);
            if (Frames.ETH_HEADER + total != len || total < ihl) {
                return Offload.NONE;
            }
            v4 = true;
            proto = frame.getUnsignedByte(b + 23);
            l4 = Frames.ETH_HEADER + ihl;
            l4Length = total - ihl;
            pseudo = Segments.sum(frame, b + 26, 8);
        } else if (type == Frames.ETH_P_IPV6) {
            if (len < Frames.ETH_HEADER + 40 + 8 || frame.getUnsignedByte(b + 14) >> 4 != 6) {
                return Offload.NONE;
            }
            int payload = frame.getUnsignedShort(b + 18);
            if (Frames.ETH_HEADER + 40 + payload != len) {
                return Offload.NONE;
            }
            v4 = false;
            proto = frame.getUnsignedByte(b + 20);
            l4 = Frames.ETH_HEADER + 40;
            l4Length = payload;
            pseudo = Segments.sum(frame, b + 22, 32);
        } else {
            return Offload.NONE;
        }
        int field;
        int header;
        if (proto == TCP && l4Length >= 20) {
            field = 16;
            header = (frame.getUnsignedByte(b + l4 + 12) >> 4) * 4;
            if (header < 20 || header > l4Length) {
                return Offload.NONE;
            }
        } else if (proto == UDP && l4Length >= 8) {
            field = 6;
            header = 8;
        } else {
            return Offload.NONE;
        }
        int check = frame.getUnsignedShort(b + l4 + field);
        if (check == 0 || check != Segments.fold(pseudo + proto + l4Length)) {
            return Offload.NONE; // complete (or, for UDP over IPv4, none at all)
        }
        int ipLength = len - Frames.ETH_HEADER;
        if (ipLength <= mtu) {
            return Offload.of(Offload.F_NEEDS_CSUM, Offload.GSO_NONE, 0, l4, field, l4 + header);
        }
        int mss = mtu - (l4 - Frames.ETH_HEADER) - header;
        if (proto != TCP || mss < Offload.MIN_GSO_SIZE) {
            return Offload.NONE; // a large UDP packet, or a link too narrow: too big, as it came
        }
        return Offload.of(Offload.F_NEEDS_CSUM, v4 ? Offload.GSO_TCPV4 : Offload.GSO_TCPV6, mss, l4, field,
                l4 + header);
    }
}
