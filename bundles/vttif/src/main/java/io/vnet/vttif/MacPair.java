package io.vnet.vttif;

import io.vnet.api.MacAddress;

/** A directed pair of MAC addresses: the traffic sent by {@code src} to {@code dst}. */
public record MacPair(MacAddress src, MacAddress dst) {
    public MacPair {
        if (src == null || dst == null) {
            throw new IllegalArgumentException("invalid MAC pair " + src + " -> " + dst
                    + ": both addresses are required");
        }
    }

    public static MacPair of(MacAddress src, MacAddress dst) {
        return new MacPair(src, dst);
    }

    /** The same two addresses the other way round. */
    public MacPair reversed() {
        return new MacPair(dst, src);
    }

    /**
     * True if this pair is a conversation between two VMs: both addresses are unicast and they
     * differ. Broadcast and multicast destinations (ARP requests, discovery chatter) are not.
     */
    public boolean isUnicastConversation() {
        return !src.isGroup() && !dst.isGroup() && !src.equals(dst);
    }

    /**
     * Both addresses' 48 bits mixed (SplitMix64's finaliser): VMs' addresses are often numbered one after
     * another, and a record's {@code 31 * src + dst} then makes runs of equal and neighbouring hashes, which an
     * immutable map's linear probing turns into long searches (a report's samples were built slowly).
     */
    @Override
    public int hashCode() {
        long z = src.bits() * 0x9E3779B97F4A7C15L ^ dst.bits();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacPair p && p.src.equals(src) && p.dst.equals(dst);
    }

    @Override
    public String toString() {
        return src + "->" + dst;
    }
}
