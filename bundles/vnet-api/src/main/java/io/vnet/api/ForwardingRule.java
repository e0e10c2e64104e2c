package io.vnet.api;

/**
 * A VNET forwarding rule: in network {@code network}, frames whose source matches {@code src}
 * and destination matches {@code dst} go to {@code target}. Of the rules that match a frame,
 * the most specific wins: the destination counts first (exact, then broadcast, then any),
 * then the source (exact before any).
 */
public record ForwardingRule(NetworkId network, MacMatch src, MacMatch dst, RuleTarget target) {
    public ForwardingRule {
        if (network == null) {
            throw new IllegalArgumentException("rule needs a network (vni)");
        }
        if (src == null || dst == null) {
            throw new IllegalArgumentException("rule needs src and dst (a MAC address or any)");
        }
        if (src.kind() == MacMatch.Kind.BROADCAST) {
            throw new IllegalArgumentException("invalid rule src 'broadcast': a source is a MAC address or any");
        }
        if (src.kind() == MacMatch.Kind.EXACT && src.address().isGroup()) {
            throw new IllegalArgumentException("invalid rule src '" + src
                    + "': a source address is never a group (multicast) address");
        }
        if (target == null) {
            throw new IllegalArgumentException("rule needs a target (link:ID or interface:ID)");
        }
    }

    /** Higher is more specific; used to pick among matching rules. */
    public int specificity() {
        return dst.specificity() * 4 + src.specificity();
    }

    /** Two rules with the same key cannot coexist: adding one replaces the other. */
    public Key key() {
        return new Key(network, src, dst);
    }

    public boolean matches(long srcBits, long dstBits) {
        return src.matches(srcBits) && dst.matches(dstBits);
    }

    public record Key(NetworkId network, MacMatch src, MacMatch dst) {
        @Override
        public String toString() {
            return "vni " + network + " src " + src + " dst " + dst;
        }
    }

    @Override
    public String toString() {
        return "vni " + network + " src " + src + " dst " + dst + " -> " + target;
    }
}
