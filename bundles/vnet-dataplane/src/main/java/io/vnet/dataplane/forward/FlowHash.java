package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/**
 * Which flow a frame belongs to, as a 32-bit hash: its network, and the 5-tuple where the frame is
 * an unfragmented TCP or UDP packet over IPv4 or IPv6 (behind at most one VLAN tag), else its
 * addresses (IP, or Ethernet) and type. Frames of one TCP connection always hash alike, so a
 * scheduler that keys on it keeps their order. Reads only inside the frame's readable bytes: any
 * bytes give a hash (a frame too short for a header hashes by what it has), never an exception.
 */
public final class FlowHash {
    private static final int ETH = Frames.ETH_HEADER;
    private static final int TCP = Frames.IPPROTO_TCP;
    private static final int UDP = Frames.IPPROTO_UDP;

    private FlowHash() {
    }

    /** The flow of {@code frame} (not modified) in network {@code vni}. */
    public static int of(int vni, ByteBuf frame) {
        int base = frame.readerIndex();
        int len = frame.readableBytes();
        long h = mix(vni);
        if (len < ETH) {
            return (int) mix(h ^ len);
        }
        int type = frame.getUnsignedShort(base + 12);
        int l3 = base + ETH;
        if (type == Frames.ETH_P_VLAN && len >= ETH + 4) {
            type = frame.getUnsignedShort(base + 16);
            l3 += 4;
        }
        int avail = base + len - l3;
        if (type == Frames.ETH_P_IPV4 && avail >= 20) {
            int ihl = (frame.getUnsignedByte(l3) & 0x0F) * 4;
            if (ihl >= 20 && ihl <= avail) {
                int proto = frame.getUnsignedByte(l3 + 9);
                h = mix(h ^ frame.getUnsignedInt(l3 + 12));
                h = mix(h ^ frame.getUnsignedInt(l3 + 16) ^ (long) proto << 32);
                boolean fragment = (frame.getUnsignedShort(l3 + 6) & 0x3FFF) != 0; // MF or an offset
                if ((proto == TCP || proto == UDP) && !fragment && avail - ihl >= 4) {
                    h = mix(h ^ frame.getUnsignedInt(l3 + ihl));
                }
                return (int) (h ^ h >>> 32);
            }
        } else if (type == Frames.ETH_P_IPV6 && avail >= 40) {
            int next = frame.getUnsignedByte(l3 + 6);
            for (int off = 8; off < 40; off += 8) {
                h = mix(h ^ frame.getLong(l3 + off));
            }
            h = mix(h ^ next);
            if ((next == TCP || next == UDP) && avail >= 44) {
                h = mix(h ^ frame.getUnsignedInt(l3 + 40));
            }
            return (int) (h ^ h >>> 32);
        }
        // neither: by the Ethernet addresses and type
        h = mix(h ^ frame.getLong(base) >>> 16); // destination and the first two bytes of the source
        h = mix(h ^ frame.getUnsignedInt(base + 8) ^ (long) type << 32);
        return (int) (h ^ h >>> 32);
    }

    /** A 64-bit finaliser (the one of SplitMix64): every input bit reaches every output bit. */
    static long mix(long z) {
        z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
        z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
        return z ^ z >>> 31;
    }
}
