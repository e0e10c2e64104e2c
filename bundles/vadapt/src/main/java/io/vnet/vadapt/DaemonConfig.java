package io.vnet.vadapt;

import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.LinkSpec;
import io.vnet.api.QuietLink;
import java.util.List;

/**
 * The desired links and forwarding rules of one daemon, for one network, and the links of its
 * configuration file that are not to flood the network ({@link QuietLink}: the network's flooding
 * tree does not use them).
 */
public record DaemonConfig(String host, List<LinkSpec> links, List<ForwardingRule> rules, List<QuietLink> quiet) {
    public DaemonConfig {
        Ids.check("host id", host);
        if (links == null || rules == null || quiet == null) {
            throw new IllegalArgumentException("invalid daemon config of host " + host + ": links and rules are required");
        }
        links = List.copyOf(links);
        rules = List.copyOf(rules);
        quiet = List.copyOf(quiet);
    }

    public DaemonConfig(String host, List<LinkSpec> links, List<ForwardingRule> rules) {
        this(host, links, rules, List.of());
    }
}
