package io.vnet.vttif.impl;

import io.vnet.api.NetworkId;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyGraph;
import java.util.Optional;

/**
 * Decides when an inferred topology becomes the reported one. Topologies are compared with
 * {@link TopologyGraph#sameTopology}: same class, parameters, VMs and edges; a mere change of
 * intensities updates the reported graph without an event. An empty inference (no significant
 * traffic) neither changes the reported topology nor interrupts a pending one: an idle network
 * keeps its last topology.
 * <ul>
 * <li>Reactive: every inferred topology that differs from the reported one is reported.</li>
 * <li>Damped: a differing topology becomes the candidate when first inferred, and is reported
 *     at the first evaluation at least {@code stableMillis} after that, provided every
 *     evaluation in between inferred the same topology. Any other topology restarts the
 *     clock; the reported topology coming back cancels the candidate.</li>
 * </ul>
 */
public final class TopologyTracker {
    private final NetworkId network;
    private final boolean damped;
    private final long stableMillis;
    private TopologyGraph reported;
    private TopologyGraph candidate;
    private long candidateSince;

    public TopologyTracker(NetworkId network, boolean damped, long stableMillis) {
        this.network = network;
        this.damped = damped;
        this.stableMillis = stableMillis;
    }

    /** Takes the topology inferred at {@code now}; returns the change to report, if any. */
    public Optional<TopologyChange> observe(TopologyGraph inferred, long now) {
        if (inferred.isEmpty()) {
            return Optional.empty();
        }
        if (reported != null && inferred.sameTopology(reported)) {
            reported = inferred;
            candidate = null;
            return Optional.empty();
        }
        if (!damped) {
            return Optional.of(report(inferred, now));
        }
        if (candidate == null || !inferred.sameTopology(candidate)) {
            candidateSince = now;
        }
        candidate = inferred;
        if (now - candidateSince >= stableMillis) {
            candidate = null;
            return Optional.of(report(inferred, now));
        }
        return Optional.empty();
    }

    private TopologyChange report(TopologyGraph inferred, long now) {
        TopologyChange change = new TopologyChange(network, Optional.ofNullable(reported), inferred, now);
        reported = inferred;
        return change;
    }

    /** The reported topology, if any yet. */
    public Optional<TopologyGraph> reported() {
        return Optional.ofNullable(reported);
    }
}
