package io.vnet.manager;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import java.util.List;
import java.util.Optional;

/**
 * The desired state of every agent. Setting a host's state gives it the next generation and
 * pushes it at once if the agent is connected, else when it next connects.
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
}
