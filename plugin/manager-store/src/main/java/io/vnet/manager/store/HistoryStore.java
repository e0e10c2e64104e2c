package io.vnet.manager.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The history of each network's traffic matrices and topologies. Part of {@link ManagerStore}, whose contract (upserts, history queries, errors) it shares;
 * a consumer that needs only this part takes this type.
 */
public interface HistoryStore {
    /** Upsert by (VNI, time). */
    void putTrafficMatrix(TrafficMatrixRecord matrix);

    Optional<TrafficMatrixRecord> latestTrafficMatrix(int vni);

    List<TrafficMatrixRecord> trafficMatrices(int vni, Instant from, Instant to, int limit);

    /** Upsert by (VNI, time). */
    void putTopology(TopologyRecord topology);

    Optional<TopologyRecord> latestTopology(int vni);

    List<TopologyRecord> topologies(int vni, Instant from, Instant to, int limit);

    /**
     * Deletes traffic matrices, topologies, desired states and the closed loop's decisions older than the given
     * time, but each host's newest desired state, and each network's newest 100 decisions and its newest applied
     * one, however old; returns how many rows went.
     */
    int pruneHistory(Instant before);
}
