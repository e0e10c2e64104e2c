package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.messages.Inventory;
import io.vnet.protocol.messages.Report;
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
        Counted c = of(growth, maxPairs);
        ObjectNode j = new Report("", 0, null, c.pairs(), c.rest(), c.refusedPairs(), 0, Inventory.NONE, null).toJson();
        report.set("pairs", j.get("pairs"));
        report.set("rest", j.get("rest"));
        report.put("refusedPairs", c.refusedPairs());
    }

    /** What a report says of an interval's traffic: its largest pairs, the rest per network, and the refused estimate. */
    record Counted(List<PairCount> pairs, List<UnpairedTraffic> rest, long refusedPairs) {
    }

    static Counted of(TrafficGrowth growth) {
        return of(growth, ManagerProtocol.MAX_REPORT_PAIRS);
    }

    static Counted of(TrafficGrowth growth, int maxPairs) {
        List<PairCount> byBytes = new ArrayList<>(growth.pairs());
        byBytes.sort(LARGEST_FIRST);
        List<PairCount> pairs = new ArrayList<>();
        Map<NetworkId, UnpairedTraffic> rest = new TreeMap<>();
        for (int i = 0; i < byBytes.size(); i++) {
            PairCount p = byBytes.get(i);
            if (i < maxPairs) {
                pairs.add(p);
            } else {
                rest.merge(p.network(), UnpairedTraffic.none(p.network()).plus(1, p.frames(), p.bytes()),
                        (a, b) -> a.plus(b.pairs(), b.frames(), b.bytes()));
            }
        }
        for (TrafficGrowth.Overflow o : growth.overflow()) {
            if (o.frames() > 0 || o.bytes() > 0) {
                rest.merge(o.network(), UnpairedTraffic.none(o.network()).plus(0, o.frames(), o.bytes()),
                        (a, b) -> a.plus(b.pairs(), b.frames(), b.bytes()));
            }
        }
        List<UnpairedTraffic> out = new ArrayList<>(rest.values());
        return new Counted(List.copyOf(pairs), List.copyOf(out), growth.refusedPairs());
    }
}
