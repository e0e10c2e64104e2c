package io.vnet.api;

import java.util.List;
import java.util.TreeSet;

/**
 * A link of the agent's configuration file that, for now, does not flood {@code networks}: the
 * manager moved those networks' flooding trees off it (the star's center died, and the tree was
 * rebuilt over the fast paths). It keeps its connection and carries those networks' frames as a
 * fast path does; when the manager's desired state no longer names it, it floods as configured.
 * Links of the desired state say what they flood themselves.
 */
public record QuietLink(String link, List<NetworkId> networks) {
    public QuietLink {
        Ids.check("link id", link);
        if (networks == null || networks.isEmpty()) {
            throw new IllegalArgumentException("quiet link " + link + " names no network");
        }
        if (networks.size() > LinkSpec.MAX_NETWORKS) {
            throw new IllegalArgumentException("quiet link " + link + " names " + networks.size() + " networks: at most "
                    + LinkSpec.MAX_NETWORKS);
        }
        TreeSet<NetworkId> sorted = new TreeSet<>();
        for (NetworkId n : networks) {
            if (n == null) {
                throw new IllegalArgumentException("quiet link " + link + ": a network is missing");
            }
            sorted.add(n);
        }
        networks = List.copyOf(sorted);
    }

    /** The networks as VNIs, for JSON. */
    public int[] vnis() {
        return networks.stream().mapToInt(NetworkId::vni).toArray();
    }
}
