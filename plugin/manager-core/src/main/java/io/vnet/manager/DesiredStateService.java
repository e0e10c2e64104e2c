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

    Optional<DesiredState> get(String hostId);
}
