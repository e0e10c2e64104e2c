package io.vnet.api;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * An overlay link to another daemon. Over TCP, exactly one side dials ({@code connect} set);
 * the other side declares the same peer with {@code connect == null} and accepts it when it
 * says hello. Over VXLAN (UDP, RFC 7348), there is no connection: {@code connect} is the
 * peer's VXLAN endpoint, and datagrams from that peer's address are this link's. The peer may
 * be another daemon or any VXLAN endpoint, such as a Linux kernel vxlan device.
 * A link floods the networks of {@code flooded} (a subset of {@code networks}): it carries their
 * broadcast, multicast and unknown-unicast frames. The flooding links of a network must form a
 * tree (the star through the proxy is one). Links added as fast paths are not flooding, so adding
 * one never makes a loop. A link shared by several networks may be on one network's tree and a
 * fast path of another's ({@link #floods(int)}); {@code flood: true} in a configuration floods
 * every network the link carries.
 * <p>
 * A link carries only the networks it names ({@code networks}, at least one, kept sorted and
 * without repeats): a frame of any other network is neither sent on it nor accepted from it.
 * Tenants whose VMs share two hosts share that link's connection and nothing else.
 */
public record LinkSpec(String id, String peerHost, Transport transport, Endpoint connect, List<NetworkId> flooded,
                       List<NetworkId> networks) {
    public enum Transport { TCP, VXLAN }

    /** At most this many networks on one link. */
    public static final int MAX_NETWORKS = 4096;

    public LinkSpec {
        Ids.check("link id", id);
        Ids.check("peer host id", peerHost);
        if (transport == null) {
            transport = Transport.TCP;
        }
        if (transport == Transport.VXLAN && connect == null) {
            throw new IllegalArgumentException("link " + id + ": a VXLAN link needs the peer's endpoint (connect HOST:PORT)");
        }
        networks = normalise(id, networks);
        flooded = flooded == null || flooded.isEmpty() ? List.of() : normalise(id, flooded);
        for (NetworkId n : flooded) {
            if (!networks.contains(n)) {
                throw new IllegalArgumentException("link " + id + " floods network " + n.vni() + ", which it does not"
                        + " carry (it carries " + networks + ")");
            }
        }
    }

    /** A link that floods every network it carries ({@code flood}) or none. */
    public LinkSpec(String id, String peerHost, Transport transport, Endpoint connect, boolean flood,
                    List<NetworkId> networks) {
        this(id, peerHost, transport, connect, flood ? networks : List.of(), networks);
    }

    private static List<NetworkId> normalise(String id, Collection<NetworkId> networks) {
        if (networks == null || networks.isEmpty()) {
            throw new IllegalArgumentException("link " + id + " names no network: list the VNIs it carries (\"vnis\": [100],"
                    + " or vnetctl link add ... --vni 100)");
        }
        if (networks.size() > MAX_NETWORKS) {
            throw new IllegalArgumentException("link " + id + " names " + networks.size() + " networks: at most "
                    + MAX_NETWORKS);
        }
        TreeSet<NetworkId> sorted = new TreeSet<>();
        for (NetworkId n : networks) {
            if (n == null) {
                throw new IllegalArgumentException("link " + id + ": a network of it is missing");
            }
            sorted.add(n);
        }
        return List.copyOf(sorted);
    }

    public static LinkSpec dial(String id, String peerHost, Endpoint connect, boolean flood, Collection<NetworkId> networks) {
        return new LinkSpec(id, peerHost, Transport.TCP, connect, flood, List.copyOf(networks));
    }

    public static LinkSpec accept(String id, String peerHost, boolean flood, Collection<NetworkId> networks) {
        return new LinkSpec(id, peerHost, Transport.TCP, null, flood, List.copyOf(networks));
    }

    public static LinkSpec vxlan(String id, String peerHost, Endpoint peer, boolean flood, Collection<NetworkId> networks) {
        return new LinkSpec(id, peerHost, Transport.VXLAN, peer, flood, List.copyOf(networks));
    }

    /** A TCP link that connects out (VXLAN links have no connection to dial). */
    public boolean dials() {
        return transport == Transport.TCP && connect != null;
    }

    public boolean isVxlan() {
        return transport == Transport.VXLAN;
    }

    /** Whether the link carries network {@code vni}. */
    public boolean carries(int vni) {
        for (NetworkId n : networks) {
            if (n.vni() == vni) {
                return true;
            }
        }
        return false;
    }

    /** Whether the link floods any network. */
    public boolean flood() {
        return !flooded.isEmpty();
    }

    /** Whether the link floods network {@code vni}: it is on that network's flooding tree. */
    public boolean floods(int vni) {
        for (NetworkId n : flooded) {
            if (n.vni() == vni) {
                return true;
            }
        }
        return false;
    }

    /** Whether it floods every network it carries. */
    public boolean floodsAll() {
        return flooded.size() == networks.size();
    }

    /**
     * The same link carrying {@code next} instead: flooding all of them if it flooded all it
     * carried, else those of {@code next} it flooded.
     */
    public LinkSpec withNetworks(Collection<NetworkId> next) {
        if (flood() && floodsAll()) {
            return new LinkSpec(id, peerHost, transport, connect, List.copyOf(next), List.copyOf(next));
        }
        List<NetworkId> keep = new java.util.ArrayList<>();
        for (NetworkId n : next) {
            if (flooded.contains(n)) {
                keep.add(n);
            }
        }
        return new LinkSpec(id, peerHost, transport, connect, keep, List.copyOf(next));
    }

    /** The same link carrying {@code next} and flooding {@code flooding} (a subset of {@code next}). */
    public LinkSpec withNetworks(Collection<NetworkId> next, Collection<NetworkId> flooding) {
        return new LinkSpec(id, peerHost, transport, connect, List.copyOf(flooding), List.copyOf(next));
    }

    /** The same link flooding none of {@code quiet} (the networks whose tree no longer has it). */
    public LinkSpec withoutFlooding(Collection<NetworkId> quiet) {
        List<NetworkId> keep = new java.util.ArrayList<>(flooded);
        keep.removeAll(quiet);
        return keep.size() == flooded.size() ? this : new LinkSpec(id, peerHost, transport, connect, keep, networks);
    }

    /**
     * Whether {@code other} is this link with perhaps other networks or flooding: the same id,
     * peer, transport and endpoint, so both can change without a new connection.
     */
    public boolean sameConnection(LinkSpec other) {
        return other != null && id.equals(other.id()) && peerHost.equals(other.peerHost())
                && transport == other.transport() && java.util.Objects.equals(connect, other.connect());
    }

    /** The networks as VNIs, for JSON and the command line. */
    public int[] vnis() {
        int[] out = new int[networks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = networks.get(i).vni();
        }
        return out;
    }
}
