package io.vnet.dataplane.link;

import io.vnet.api.LinkPath;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Port;

/**
 * One overlay link to another daemon, whatever carries it (a TCP or TLS connection, or VXLAN
 * datagrams): what the forwarder sends frames to and what the data plane lists, changes and
 * reports. Neither asks which transport it is.
 */
public interface OverlayLink extends Port {
    /** The link as configured, with the networks it carries now. */
    LinkSpec spec();

    /**
     * The link now carries the networks of {@code next}, the same link otherwise (its connection,
     * if any, stays); the forwarder must be told ({@code Forwarder.networksChanged}).
     */
    void carry(LinkSpec next);

    /** What the link measured: its round trips where it has keepalives, and the bytes it carried. */
    LinkPath path();

    /** Its counters and state as {@code vnetctl stats} shows them. */
    PortStats stats();
}
