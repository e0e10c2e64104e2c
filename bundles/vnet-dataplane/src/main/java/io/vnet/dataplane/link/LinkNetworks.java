package io.vnet.dataplane.link;

import io.vnet.api.LinkSpec;
import io.vnet.dataplane.forward.Carried;

/**
 * A link's spec and the networks it carries, read by forwarding without locks. Only the networks
 * may change, in place: the link keeps its connection.
 */
final class LinkNetworks {
    private volatile LinkSpec spec;
    /** The VNIs the link carries, sorted ({@link Carried}). */
    private volatile int[] carried;

    LinkNetworks(LinkSpec spec) {
        this.spec = spec;
        this.carried = Carried.of(spec);
    }

    LinkSpec spec() {
        return spec;
    }

    boolean carries(int vni) {
        return Carried.contains(carried, vni);
    }

    /** The link now carries the networks of {@code next}, which must be the same link otherwise. */
    synchronized void carry(LinkSpec next) {
        if (!spec.sameConnection(next)) {
            throw new IllegalArgumentException("link " + spec.id() + ": only its networks can change in place");
        }
        spec = next;
        carried = Carried.of(next);
    }
}
