package io.vnet.manager;

import java.util.List;
import java.util.Optional;

/** The agents that have registered with this manager. */
public interface AgentRegistry {
    List<HostInfo> hosts();

    Optional<HostInfo> host(String hostId);
}
