package io.vnet.manager;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import java.util.List;
import java.util.Optional;

/**
 * The desired state of every agent. Setting a host's state gives it the next generation and
 * pushes it at once if the agent is connected, else when it next connects.
 *
 * <p>A host's state is made of parts ({@link DesiredParts}): one per network, set by the network's
 * owner ({@link #setPart}), and the admin's ({@link #set}: what was set by hand, as a whole). The
 * agent runs them composed, at a whole generation of its own; each part has its own generation, and
 * {@link #partApplied} says which of them the agent runs.
 */
public interface DesiredStateService {
    DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules);

    /** The same with configuration-file links that are not to flood some networks ({@link io.vnet.api.QuietLink}). */
    default DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules,
                             List<io.vnet.api.QuietLink> quiet) {
        if (!quiet.isEmpty()) {
            throw new UnsupportedOperationException("this desired state service cannot quiet configured links");
        }
        return set(hostId, links, rules);
    }

    Optional<DesiredState> get(String hostId);

    /**
     * Sets network {@code network}'s part of {@code hostId}'s state (an empty part takes the
     * network's links and rules away) and pushes the composed state if it changed. Returns the
     * part's generation (unchanged when the part is the same as before; -1 for an empty part the
     * host never had).
     */
    default long setPart(String hostId, io.vnet.api.NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                         List<io.vnet.api.QuietLink> quiet) {
        throw new UnsupportedOperationException("this desired state service keeps whole states only");
    }

    /** Network {@code network}'s part of {@code hostId}'s state, if it has one. */
    default Optional<DesiredParts.Part> part(String hostId, io.vnet.api.NetworkId network) {
        return Optional.empty();
    }

    /** The newest generation of network {@code network}'s part that {@code hostId}'s agent runs (-1: none). */
    default long partApplied(String hostId, io.vnet.api.NetworkId network) {
        return -1;
    }

    /**
     * Takes network {@code network}'s part of {@code hostId}'s state as it was before a restart, as
     * carried by the state the host was last given; nothing is pushed.
     */
    default void restorePart(String hostId, io.vnet.api.NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                             List<io.vnet.api.QuietLink> quiet) {
    }
}
