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

    @Override
    public String toString() {
        return src + "->" + dst;
    }
}
