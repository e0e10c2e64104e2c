package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.vttif.TrafficMatrix;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a network's traffic has changed enough, and held long enough, to plan again, whatever
 * VTTIF calls it (issue 18, item 2). The traffic is the smoothed matrix made undirected and
 * normalised: each VM pair's share of the network's bytes. Two such matrices are as far apart as
 * their total variation distance, half the sum over pairs of the difference of their shares: 0
 * for the same pattern, 1 for patterns on disjoint pairs (a ring and the chords of the same VMs).
 * <p>
 * A plan is due when the traffic is at least {@link #CHANGED} away from the traffic of the last
 * plan (or none was made) and it has been <em>steady</em>: every matrix seen over the last
 * {@code steadyMillis} is within {@link #STEADY} of the current one. The gap between the two
 * thresholds is the hysteresis: traffic that drifts by less than {@link #CHANGED} never makes a
 * new plan, and a mixture that keeps flapping between patterns is never steady, so it makes none.
 * <p>
 * Bounded: at most {@link #MAX_PAIRS} pairs are kept of a matrix (the largest), and at most
 * {@link #MAX_SEEN} matrices of the last {@code steadyMillis} (one every 1/32 of it).
 */
final class TrafficShift {
    /** How far the traffic must move from the last plan's to plan again. */
    static final double CHANGED = 0.3;
    /** How close every matrix of the steady time must stay to the current one. */
    static final double STEADY = 0.1;
    /** The pairs kept of one matrix, the largest. */
    static final int MAX_PAIRS = 4096;
    /** The matrices kept of the steady time. */
    static final int MAX_SEEN = 64;

    /** A matrix as each VM pair's share of the bytes, the pair's two addresses in order. */
    record Shares(Map<List<MacAddress>, Double> byPair) {
        static final Shares NONE = new Shares(Map.of());

        static Shares of(TrafficMatrix m) {
            double total = m.totalWeight();
            if (!(total > 0)) {
                return NONE;
            }
            List<MacAddress> nodes = m.nodes();
            Map<List<MacAddress>, Double> out = new HashMap<>();
            m.forEachWeight((src, dst, w) -> {
                MacAddress a = nodes.get(src);
                MacAddress b = nodes.get(dst);
                List<MacAddress> key = a.compareTo(b) <= 0 ? List.of(a, b) : List.of(b, a);
                out.merge(key, w / total, Double::sum);
            });
            if (out.size() > MAX_PAIRS) {
                List<Map.Entry<List<MacAddress>, Double>> largest = out.entrySet().stream()
                        .sorted(Map.Entry.<List<MacAddress>, Double>comparingByValue().reversed())
                        .limit(MAX_PAIRS).toList();
                Map<List<MacAddress>, Double> kept = new HashMap<>();
                largest.forEach(e -> kept.put(e.getKey(), e.getValue()));
                return new Shares(Map.copyOf(kept));
            }
            return new Shares(Map.copyOf(out));
        }

        boolean isEmpty() {
            return byPair.isEmpty();
        }

        /** The total variation distance to {@code o}, in [0, 1]. */
        double distance(Shares o) {
            Set<List<MacAddress>> pairs = new HashSet<>(byPair.keySet());
            pairs.addAll(o.byPair.keySet());
            double sum = 0;
            for (List<MacAddress> p : pairs) {
                sum += Math.abs(byPair.getOrDefault(p, 0.0) - o.byPair.getOrDefault(p, 0.0));
            }
            return Math.min(1.0, sum / 2);
        }
    }

    private record Seen(long at, Shares shares) {
    }

    private final long steadyMillis;
    /** Matrices of the steady time, one at least every {@code steadyMillis / 32}, and one at or before its start. */
    private final Deque<Seen> seen = new ArrayDeque<>();
    private Shares latest = Shares.NONE;
    private Shares planned;

    TrafficShift(long steadyMillis) {
        this.steadyMillis = steadyMillis;
    }

    /**
     * Takes the matrix of {@code now} and says whether a plan is due: the traffic changed by at
     * least {@link #CHANGED} since the last plan and held within {@link #STEADY} of what it is now
     * for the steady time. A network without traffic is never due (and its last plan is
     * forgotten, so that the traffic that comes back is a new pattern, even the same one).
     */
    boolean due(TrafficMatrix m, long now) {
        latest = Shares.of(m);
        if (latest.isEmpty()) {
            idle();
            return false;
        }
        if (seen.isEmpty() || now - seen.peekLast().at() >= Math.max(1, steadyMillis / 32)) {
            seen.addLast(new Seen(now, latest));
        }
        while (seen.size() > MAX_SEEN) {
            seen.removeFirst();
        }
        Seen[] all = seen.toArray(new Seen[0]);
        int keepFrom = 0;
        while (keepFrom + 1 < all.length && all[keepFrom + 1].at() <= now - steadyMillis) {
            keepFrom++;
        }
        for (int k = 0; k < keepFrom; k++) {
            seen.removeFirst();
        }
        // how long the traffic has stayed close to what it is now: back from the newest matrix
        long runStart = now;
        for (int k = all.length - 1; k >= keepFrom; k--) {
            if (all[k].shares().distance(latest) > STEADY) {
                break;
            }
            runStart = all[k].at();
        }
        boolean held = now - runStart >= steadyMillis;
        return held && (planned == null || planned.distance(latest) >= CHANGED);
    }

    /** The distance of the current traffic from the last plan's (1 when none was made). */
    double sincePlan() {
        return planned == null || latest.isEmpty() ? 1.0 : planned.distance(latest);
    }

    /** Whether a plan was made since the traffic last stopped (or the plan was forgotten). */
    boolean hasPlan() {
        return planned != null;
    }

    /** The traffic at the last {@link #due} call, as shares ({@link Shares#NONE} when none). */
    Shares current() {
        return latest;
    }

    /** A plan was made for the current traffic. */
    void planned() {
        planned = latest.isEmpty() ? null : latest;
    }

    /** Forgets the last plan: the current traffic, once steady, is due (the mode was set, say). */
    void forgetPlan() {
        planned = null;
    }

    /**
     * The network has no traffic that counts (VTTIF's noise cut leaves nothing): what was seen and
     * the last plan are forgotten, so that the traffic that comes back is a new pattern, even the
     * same one.
     */
    void idle() {
        seen.clear();
        planned = null;
        latest = Shares.NONE;
    }
}
