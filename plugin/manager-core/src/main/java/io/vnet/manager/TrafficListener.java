package io.vnet.manager;

import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import java.util.List;

/**
 * Receives every agent's traffic reports: the per-pair counts of one interval. Register an
 * implementation as an OSGi service to receive them (the manager calls all of them).
 */
public interface TrafficListener {
    /**
     * @param hostId     the reporting agent
     * @param timeMillis when the manager received the report (epoch ms)
     * @param intervalMs the interval the counts cover
     * @param pairs      frames and bytes per pair during the interval
     */
    void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs);

    /**
     * A report with its {@code rest}: per network, the traffic of the interval that {@code pairs}
     * does not name (reports are bounded: they name the largest pairs). The manager calls this
     * method; by default it passes the named pairs on to {@link #onReport(String, long, long,
     * List)} and drops the rest, which has no pair. A listener that needs all the bytes, such as
     * a rate, overrides it.
     */
    default void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs,
                          List<UnpairedTraffic> rest) {
        onReport(hostId, timeMillis, intervalMs, pairs);
    }
}
