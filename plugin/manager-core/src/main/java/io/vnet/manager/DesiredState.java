package io.vnet.manager;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.QuietLink;
import java.util.List;

/**
 * The links and rules the manager wants one agent to have, at a generation, and the links of the
 * agent's configuration file that are not to flood some networks for now ({@link QuietLink}).
 */
public record DesiredState(String hostId, long generation, List<LinkSpec> links, List<ForwardingRule> rules,
                           List<QuietLink> quiet) {
    public DesiredState {
        links = List.copyOf(links);
        rules = List.copyOf(rules);
        quiet = List.copyOf(quiet);
    }

    public DesiredState(String hostId, long generation, List<LinkSpec> links, List<ForwardingRule> rules) {
        this(hostId, generation, links, rules, List.of());
    }
}
