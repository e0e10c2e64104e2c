package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/** Somewhere a frame can leave the forwarder: a local interface or an overlay link. */
public interface Port {
    /** "link:ID" or "interface:ID", as rule targets name it. */
    String id();

    boolean isLink();

    /** Whether broadcast, multicast and unknown unicast go out of this port. */
    boolean floods();

    /** Sends one frame of network {@code vni}; takes ownership of {@code frame} and releases it. */
    void send(int vni, ByteBuf frame);

    PortCounters counters();

    /** Whether the port can carry frames now; a learned address on a port that is down is ignored. */
    default boolean isUp() {
        return true;
    }
}
