package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.manager.TrafficListener;
import io.vnet.api.UnpairedTraffic;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each network's traffic rate from the agents' raw reports (not VTTIF's smoothed matrix, which
 * lags a pattern that just started by its window), kept for two minutes, so that a decision's
 * realised gain can compare the rate just before it with the rate once the new overlay has
 * settled. Every frame is counted once, by the agent where it enters the overlay, so the sum
 * over agents is the network's traffic; reports name their largest pairs and aggregate the rest
 * per network, and the meter counts both. For a BSP application the rate is inversely
 * proportional to the iteration time, so the ratio of rates is the ratio of iteration times.
 */
final class RateMeter implements TrafficListener {
    private static final long KEEP_MS = 120_000;

    private record Sample(long timeMillis, String host, long intervalMs, long bytes) {
    }

    /** A pause in a network's traffic this long ends its activity: what follows is new traffic. */
    static final long PAUSE_MS = 2000;

    private final Map<NetworkId, Deque<Sample>> samples = new HashMap<>();
    /** Per network: since when its traffic has flowed without a pause, and when it last flowed. */
    private final Map<NetworkId, long[]> activity = new HashMap<>();
    /** Per host: the networks it reported traffic of, and when last (those within the kept time). */
    private final Map<String, Map<NetworkId, Long>> hostNetworks = new HashMap<>();
    /** Which networks are metered (the closed loop's: those whose mode is not off); all by default. */
    private volatile java.util.function.Predicate<NetworkId> metered = n -> true;

    /**
     * Keeps the reports' samples of the networks {@code which} accepts only (the closed loop's); every network's
     * activity (since when its traffic flows) is followed all the same, which costs a few numbers per network.
     */
    void only(java.util.function.Predicate<NetworkId> which) {
        this.metered = which;
    }

    @Override
    public void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs) {
        onReport(hostId, timeMillis, intervalMs, pairs, List.of());
    }

    /** Counts every byte of the report: its named pairs and, per network, the rest it aggregated. */
    @Override
    public synchronized void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs,
                                      List<UnpairedTraffic> rest) {
        java.util.function.Predicate<NetworkId> wanted = metered;
        Map<NetworkId, Long> bytes = new HashMap<>();
        for (PairCount p : pairs) {
            bytes.merge(p.network(), p.bytes(), Long::sum);
        }
        for (UnpairedTraffic u : rest) {
            bytes.merge(u.network(), u.bytes(), Long::sum);
        }
        // a report without a network's pairs is a quiet interval of that network at this host, for every network
        // the host reported traffic of within the kept time (a host that never carried it adds nothing to its rate)
        Map<NetworkId, Long> recent = hostNetworks.computeIfAbsent(hostId, h -> new HashMap<>());
        recent.values().removeIf(t -> t < timeMillis - KEEP_MS);
        for (NetworkId n : recent.keySet()) {
            bytes.putIfAbsent(n, 0L);
        }
        bytes.forEach((n, b) -> {
            if (b > 0) {
                recent.put(n, timeMillis);
            }
        });
        if (recent.isEmpty()) {
            hostNetworks.remove(hostId);
        }
        bytes.forEach((n, b) -> {
            if (b > 0) {
                long[] a = activity.computeIfAbsent(n, k -> new long[] {timeMillis - intervalMs, timeMillis});
                if (timeMillis - a[1] > PAUSE_MS) {
                    a[0] = timeMillis - intervalMs;
                }
                a[1] = Math.max(a[1], timeMillis);
            }
            if (!wanted.test(n)) {
                return; // its activity is followed (cheap), its samples only once the loop manages it
            }
            Deque<Sample> d = samples.computeIfAbsent(n, k -> new ArrayDeque<>());
            d.addLast(new Sample(timeMillis, hostId, intervalMs, b));
            while (!d.isEmpty() && d.peekFirst().timeMillis() < timeMillis - KEEP_MS) {
                d.removeFirst();
            }
        });
    }

    /** Forgets the network's rates (a released VNI). */
    synchronized void forget(NetworkId network) {
        samples.remove(network);
        activity.remove(network);
        hostNetworks.values().forEach(m -> m.remove(network));
    }

    /**
     * Whether the network's traffic flowed without a pause (of more than {@link #PAUSE_MS}) from
     * before {@code from} to {@code to}: its last report with traffic came at most half a pause
     * before {@code to}.
     */
    synchronized boolean flowedThrough(NetworkId network, long from, long to) {
        long[] a = activity.get(network);
        return a != null && a[0] <= from && a[1] >= to - PAUSE_MS / 2;
    }

    /** Since when the network's traffic has flowed without a pause, -1 if it has none now (at {@code now}). */
    synchronized long activeSince(NetworkId network, long now) {
        long[] a = activity.get(network);
        return a == null || now - a[1] > PAUSE_MS ? -1 : a[0];
    }

    /**
     * The network's rate (bytes/s) over the reports received in (from, to]: each agent's bytes
     * over the time its reports cover, summed over agents. NaN if no report was received then.
     */
    synchronized double rate(NetworkId network, long from, long to) {
        Deque<Sample> d = samples.get(network);
        if (d == null) {
            return Double.NaN;
        }
        Map<String, long[]> perHost = new HashMap<>(); // bytes, ms
        for (Sample s : d) {
            if (s.timeMillis() > from && s.timeMillis() <= to && s.intervalMs() > 0) {
                long[] a = perHost.computeIfAbsent(s.host(), h -> new long[2]);
                a[0] += s.bytes();
                a[1] += s.intervalMs();
            }
        }
        if (perHost.isEmpty()) {
            return Double.NaN;
        }
        double rate = 0;
        for (long[] a : perHost.values()) {
            rate += a[0] * 1000.0 / a[1];
        }
        return rate;
    }
}
