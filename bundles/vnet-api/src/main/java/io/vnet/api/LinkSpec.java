package io.vnet.api;

/**
 * An overlay link to another daemon. Over TCP, exactly one side dials ({@code connect} set);
 * the other side declares the same peer with {@code connect == null} and accepts it when it
 * says hello. Over VXLAN (UDP, RFC 7348), there is no connection: {@code connect} is the
 * peer's VXLAN endpoint, and datagrams from that peer's address are this link's. The peer may
 * be another daemon or any VXLAN endpoint, such as a Linux kernel vxlan device.
 * A link marked {@code flood} carries broadcast, multicast and unknown-unicast frames; the
 * flooding links of a network must form a tree (the star through the proxy is one). Links
 * added as fast paths are not flooding, so adding one never makes a loop.
 */
public record LinkSpec(String id, String peerHost, Transport transport, Endpoint connect, boolean flood) {
    public enum Transport { TCP, VXLAN }

    public LinkSpec {
        Ids.check("link id", id);
        Ids.check("peer host id", peerHost);
        if (transport == null) {
            transport = Transport.TCP;
        }
        if (transport == Transport.VXLAN && connect == null) {
            throw new IllegalArgumentException("link " + id + ": a VXLAN link needs the peer's endpoint (connect HOST:PORT)");
        }
    }

    public static LinkSpec dial(String id, String peerHost, Endpoint connect, boolean flood) {
        return new LinkSpec(id, peerHost, Transport.TCP, connect, flood);
    }

    public static LinkSpec accept(String id, String peerHost, boolean flood) {
        return new LinkSpec(id, peerHost, Transport.TCP, null, flood);
    }

    public static LinkSpec vxlan(String id, String peerHost, Endpoint peer, boolean flood) {
        return new LinkSpec(id, peerHost, Transport.VXLAN, peer, flood);
    }

    /** A TCP link that connects out (VXLAN links have no connection to dial). */
    public boolean dials() {
        return transport == Transport.TCP && connect != null;
    }

    public boolean isVxlan() {
        return transport == Transport.VXLAN;
    }
}
