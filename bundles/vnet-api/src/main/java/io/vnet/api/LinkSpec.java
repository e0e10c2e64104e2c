package io.vnet.api;

/**
 * An overlay link to another daemon. Exactly one side dials ({@code connect} set); the other
 * side declares the same peer with {@code connect == null} and accepts it when it says hello.
 * A link marked {@code flood} carries broadcast, multicast and unknown-unicast frames; the
 * flooding links of a network must form a tree (the star through the proxy is one). Links
 * added as fast paths are not flooding, so adding one never makes a loop.
 */
public record LinkSpec(String id, String peerHost, Transport transport, Endpoint connect, boolean flood) {
    public enum Transport { TCP }

    public LinkSpec {
        Ids.check("link id", id);
        Ids.check("peer host id", peerHost);
        if (transport == null) {
            transport = Transport.TCP;
        }
    }

    public static LinkSpec dial(String id, String peerHost, Endpoint connect, boolean flood) {
        return new LinkSpec(id, peerHost, Transport.TCP, connect, flood);
    }

    public static LinkSpec accept(String id, String peerHost, boolean flood) {
        return new LinkSpec(id, peerHost, Transport.TCP, null, flood);
    }

    public boolean dials() {
        return connect != null;
    }
}
