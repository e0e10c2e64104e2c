package io.vnet.manager;

import io.vnet.api.PairCount;
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
}
