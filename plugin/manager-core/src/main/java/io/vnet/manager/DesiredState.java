package io.vnet.manager;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import java.util.List;

/** The links and rules the manager wants one agent to have, at a generation. */
public record DesiredState(String hostId, long generation, List<LinkSpec> links, List<ForwardingRule> rules) {
    public DesiredState {
        links = List.copyOf(links);
        rules = List.copyOf(rules);
    }
}
