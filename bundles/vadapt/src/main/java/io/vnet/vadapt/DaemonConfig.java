package io.vnet.vadapt;

import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.LinkSpec;
import java.util.List;

/** The desired links and forwarding rules of one daemon, for one network. */
public record DaemonConfig(String host, List<LinkSpec> links, List<ForwardingRule> rules) {
    public DaemonConfig {
        Ids.check("host id", host);
        if (links == null || rules == null) {
            throw new IllegalArgumentException("invalid daemon config of host " + host + ": links and rules are required");
        }
        links = List.copyOf(links);
        rules = List.copyOf(rules);
    }
}
