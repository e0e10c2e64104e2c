package io.vnet.manager;

import io.vnet.api.NetworkId;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** VTTIF's view of every tenant network, from the agents' traffic reports. */
public interface TopologyService {
    /**
     * Forgets everything VTTIF holds of {@code network} in memory (its window, topology and
     * history): a released VNI's next owner must see none of it. False if there was nothing.
     */
    default boolean forget(NetworkId network) {
        return false;
    }

    /**
     * How long VTTIF's low-pass filter remembers traffic, in ms: a new pattern fills the matrix
     * within this long (the closed loop waits this long, and a second, before it measures a gain).
     */
    default long windowMillis() {
        return io.vnet.vttif.VttifConfig.defaults().windowMillis();
    }

    /** The networks that have reported traffic. */
    Set<NetworkId> networks();

    /** The topology last reported for the network (after damping, in damped mode). */
    Optional<TopologyGraph> topology(NetworkId network);

    /** The topology inferred at the last evaluation, reported or not. */
    TopologyGraph inferred(NetworkId network);

    /** The smoothed traffic matrix (bytes per second). */
    TrafficMatrix matrix(NetworkId network);

    /**
     * The latest reported changes of a network's topology, oldest first: a bounded number of them
     * (the store's history has them all).
     */
    List<TopologyChange> history(NetworkId network);
}
