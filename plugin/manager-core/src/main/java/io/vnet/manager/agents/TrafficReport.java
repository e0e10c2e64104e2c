package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.messages.Report;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The traffic of one agent report, as the manager reads it: the named {@code pairs[]} and the
 * {@code rest[]} per network (see {@link ManagerProtocol}). Bounded whatever the agent sent: a
 * report naming more than {@link ManagerProtocol#MAX_REPORT_PAIRS} pairs (an agent from before
 * the bound, or a faulty one) keeps its largest and adds the others to its rest, as a current
 * agent would have. Entries that are not valid (a bad address, a negative count) are skipped and
 * counted in {@code skipped}; the rest of the report still counts.
 *
 * @param pairs   the named pairs, at most {@link ManagerProtocol#MAX_REPORT_PAIRS}
 * @param rest    per network, the traffic not named in {@code pairs}
 * @param skipped the entries that were not valid
 * @param refusedPairs the agent's estimate of the pairs its counters refused in the interval
 */
record TrafficReport(List<PairCount> pairs, List<UnpairedTraffic> rest, int skipped, long refusedPairs) {
    private static final Comparator<PairCount> LARGEST_FIRST = Comparator.comparingLong((PairCount p) -> -p.bytes())
            .thenComparing(PairCount::network).thenComparing(PairCount::src).thenComparing(PairCount::dst);

    /** The traffic of a report's JSON (read by {@link Report#read}). */
    static TrafficReport read(JsonNode report) {
        return of(Report.read(report));
    }

    static TrafficReport read(JsonNode report, int maxPairs) {
        return of(Report.read(report), maxPairs);
    }

    static TrafficReport of(Report report) {
        return of(report, ManagerProtocol.MAX_REPORT_PAIRS);
    }

    /** The traffic of {@code report}, its pairs bounded to {@code maxPairs} (the smaller ones join its rest). */
    static TrafficReport of(Report report, int maxPairs) {
        List<PairCount> pairs = new ArrayList<>(report.pairs());
        Map<NetworkId, UnpairedTraffic> rest = new TreeMap<>();
        for (UnpairedTraffic u : report.rest()) {
            add(rest, u.network(), u.pairs(), u.frames(), u.bytes());
        }
        if (pairs.size() > maxPairs) {
            pairs.sort(LARGEST_FIRST);
            for (PairCount p : pairs.subList(maxPairs, pairs.size())) {
                add(rest, p.network(), 1, p.frames(), p.bytes());
            }
            pairs = new ArrayList<>(pairs.subList(0, maxPairs));
        }
        List<UnpairedTraffic> out = new ArrayList<>(rest.values());
        return new TrafficReport(List.copyOf(pairs), List.copyOf(out), report.skipped(), report.refusedPairs());
    }

    /** Adds to a network's rest; a sum past {@link Long#MAX_VALUE} stays there. */
    private static void add(Map<NetworkId, UnpairedTraffic> rest, NetworkId network, long pairs, long frames, long bytes) {
        rest.put(network, rest.getOrDefault(network, UnpairedTraffic.none(network)).plus(pairs, frames, bytes));
    }

    /** This report with only the pairs and rest of the networks {@code keep} accepts. */
    TrafficReport onlyOf(java.util.function.Predicate<NetworkId> keep) {
        List<PairCount> p = new ArrayList<>();
        pairs.forEach(x -> {
            if (keep.test(x.network())) {
                p.add(x);
            }
        });
        List<UnpairedTraffic> r = new ArrayList<>();
        rest.forEach(x -> {
            if (keep.test(x.network())) {
                r.add(x);
            }
        });
        return p.size() == pairs.size() && r.size() == rest.size() ? this
                : new TrafficReport(List.copyOf(p), List.copyOf(r), skipped, refusedPairs);
    }
}
