package io.vnet.dataplane.forward;

import io.netty.util.collection.LongObjectHashMap;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * An immutable, compiled set of one network's rules. Rules with an exact destination are
 * indexed by it; the others are scanned in order of specificity. Built on every change,
 * read lock-free by the forwarding threads.
 */
final class RuleTable {
    static final RuleTable EMPTY = new RuleTable(List.of(), Map.of());

    record Compiled(ForwardingRule rule, Port port) {
    }

    private final LongObjectHashMap<Compiled[]> byDst = new LongObjectHashMap<>();
    private final Compiled[] wildDst;

    /** @param rules the rules of one network; {@code ports} resolves each rule's target */
    RuleTable(List<ForwardingRule> rules, Map<String, Port> ports) {
        Comparator<Compiled> bySpecificity = Comparator.comparingInt((Compiled c) -> c.rule().specificity()).reversed();
        List<Compiled> wild = new ArrayList<>();
        LongObjectHashMap<List<Compiled>> exact = new LongObjectHashMap<>();
        for (ForwardingRule r : rules) {
            Port p = ports.get(r.target().toString());
            if (p == null) {
                continue;
            }
            Compiled c = new Compiled(r, p);
            if (r.dst().kind() == MacMatch.Kind.EXACT) {
                long key = r.dst().address().bits();
                List<Compiled> l = exact.get(key);
                if (l == null) {
                    l = new ArrayList<>();
                    exact.put(key, l);
                }
                l.add(c);
            } else {
                wild.add(c);
            }
        }
        for (LongObjectHashMap.PrimitiveEntry<List<Compiled>> e : exact.entries()) {
            List<Compiled> l = e.value();
            l.sort(bySpecificity);
            byDst.put(e.key(), l.toArray(new Compiled[0]));
        }
        wild.sort(bySpecificity);
        wildDst = wild.toArray(new Compiled[0]);
    }

    /**
     * The port of the most specific rule matching (src, dst) whose port is up; if none of the
     * matching rules' ports is up, the most specific one's (the forwarder then forwards the frame
     * as if no rule matched); null if no rule matches. So a fast path that is not connected yet,
     * or lost its connection, leaves its pairs on the route of the next rule, or of the flooding
     * tree, instead of dropping their frames.
     */
    Port lookup(long src, long dst) {
        Port first = null;
        Compiled[] exact = byDst.get(dst);
        if (exact != null) {
            for (Compiled c : exact) {
                if (c.rule().src().matches(src)) {
                    if (c.port().isUp()) {
                        return c.port();
                    }
                    if (first == null) {
                        first = c.port();
                    }
                }
            }
        }
        for (Compiled c : wildDst) {
            if (c.rule().matches(src, dst)) {
                if (c.port().isUp()) {
                    return c.port();
                }
                if (first == null) {
                    first = c.port();
                }
            }
        }
        return first;
    }

    /** Whether the rule that decides (src, dst) is one whose destination is exactly {@code dst}. */
    boolean decidedByExactDst(long src, long dst) {
        Compiled[] exact = byDst.get(dst);
        if (exact != null) {
            for (Compiled c : exact) {
                if (c.rule().src().matches(src)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many rules whose destination is exactly {@code dst} send to a port other than {@code port}. */
    int sendingElsewhere(long dst, Port port) {
        Compiled[] exact = byDst.get(dst);
        int n = 0;
        if (exact != null) {
            for (Compiled c : exact) {
                if (c.port() != port) {
                    n++;
                }
            }
        }
        return n;
    }
}
