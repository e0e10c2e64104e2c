package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/** Somewhere a frame can leave the forwarder: a local interface or an overlay link. */
public interface Port {
    /** "link:ID" or "interface:ID", as rule targets name it. */
    String id();

    boolean isLink();

    /** Whether broadcast, multicast and unknown unicast go out of this port. */
    boolean floods();

    /**
     * Whether broadcast, multicast and unknown unicast of network {@code vni} go out of this port
     * (and come in by it to be flooded on): a link shared by networks may be on one's flooding
     * tree and a fast path of another's.
     */
    default boolean floods(int vni) {
        return floods();
    }

    /**
     * Whether frames of network {@code vni} may enter and leave by this port. A link carries only
     * the networks it names; an interface belongs to one network, which the forwarder checks.
     */
    default boolean carries(int vni) {
        return true;
    }

    /** Sends one ordinary frame of network {@code vni}; takes ownership of {@code frame} and releases it. */
    void send(int vni, ByteBuf frame);

    /**
     * Sends a frame that may carry offload work ({@link Offload}); takes ownership of it. A
     * port that carries offloaded frames whole overrides this; the others get ordinary frames,
     * segmented and checksummed here.
     */
    default void send(int vni, ByteBuf frame, long offload) {
        if (Offload.hasWork(offload)) {
            Segments.sendPlain(this, vni, frame, offload, PooledByteBufAllocator.DEFAULT);
        } else {
            send(vni, frame);
        }
    }

    PortCounters counters();

    /**
     * The largest ordinary frame (or segment of an offloaded one) this port can carry; the
     * forwarder handles a bigger one as a router would (see {@link TooBig}).
     */
    default int maxFrame() {
        return Integer.MAX_VALUE;
    }

    /**
     * For a local interface: whether {@code mac} may still be behind it, i.e. its bridge still
     * has the address on a port other than this interface's own. A MAC learned here is held
     * against claims from links while this says yes; true when the port cannot tell.
     */
    default boolean stillBehind(long mac) {
        return true;
    }

    /**
     * Whether VMs sit behind this port (a TAP on their bridge), as opposed to a LAN or a link: with
     * {@link Forwarder#ownedSourcesOnly} on, such a port may send only from the addresses of the
     * VMs registered here.
     */
    default boolean vmFacing() {
        return false;
    }

    /** Whether the port can carry frames now; a learned address on a port that is down is ignored. */
    default boolean isUp() {
        return true;
    }
}
