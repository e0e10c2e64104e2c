package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The traffic part of a report: one interval's counts, bounded by design. {@code pairs[]} names at
 * most {@link ManagerProtocol#MAX_REPORT_PAIRS} pairs, the largest by bytes in the interval first
 * (equal ones by network, source, destination, same-host last). Everything else is in {@code
 * rest[]}, one entry per network: {@code {vni, pairs, frames, bytes}}, where {@code pairs} counts
 * the named pairs left out of {@code pairs[]} and {@code frames} and {@code bytes} also hold the
 * frames the data plane counted for no pair (its counters were full). So a network's bytes in
 * {@code pairs[]} and {@code rest[]} together are all its traffic of the interval. {@code
 * refusedPairs} is the data plane's estimate of the pairs it refused a counter in the interval.
 *
 * <p>Size: a pair entry takes at most about 140 bytes (two MACs, a 24-bit VNI, two 19-digit
 * counts), so {@code pairs[]} takes at most about 560 KiB, and a rest entry about 100 bytes per
 * network with traffic.
 */
final class ReportTraffic {
    private static final Comparator<PairCount> LARGEST_FIRST = Comparator.comparingLong((PairCount p) -> -p.bytes())
            .thenComparing(PairCount::network).thenComparing(PairCount::src).thenComparing(PairCount::dst)
            .thenComparing(PairCount::sameHost);

    private ReportTraffic() {
    }

    /** Writes {@code pairs[]}, {@code rest[]} and {@code refusedPairs} of {@code growth} into {@code report}. */
    static void write(ObjectNode report, TrafficGrowth growth) {
        write(report, growth, ManagerProtocol.MAX_REPORT_PAIRS);
    }

    static void write(ObjectNode report, TrafficGrowth growth, int maxPairs) {
        List<PairCount> byBytes = new ArrayList<>(growth.pairs());
        byBytes.sort(LARGEST_FIRST);
        ArrayNode pairs = report.putArray("pairs");
        Map<NetworkId, long[]> rest = new TreeMap<>(); // pairs, frames, bytes
        for (int i = 0; i < byBytes.size(); i++) {
            PairCount p = byBytes.get(i);
            if (i < maxPairs) {
                pairs.addObject().put("vni", p.network().vni()).put("src", p.src().toString())
                        .put("dst", p.dst().toString()).put("frames", p.frames()).put("bytes", p.bytes())
                        .put("sameHost", p.sameHost());
            } else {
                long[] r = rest.computeIfAbsent(p.network(), n -> new long[3]);
                r[0]++;
                r[1] += p.frames();
                r[2] += p.bytes();
            }
        }
        for (TrafficGrowth.Overflow o : growth.overflow()) {
            if (o.frames() > 0 || o.bytes() > 0) {
                long[] r = rest.computeIfAbsent(o.network(), n -> new long[3]);
                r[1] += o.frames();
                r[2] += o.bytes();
            }
        }
        ArrayNode a = report.putArray("rest");
        rest.forEach((n, r) -> a.addObject().put("vni", n.vni()).put("pairs", r[0]).put("frames", r[1]).put("bytes", r[2]));
        report.put("refusedPairs", growth.refusedPairs());
    }
}
