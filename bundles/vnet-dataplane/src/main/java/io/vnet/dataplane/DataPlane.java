package io.vnet.dataplane;

import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.PortStats;
import java.io.IOException;
import java.util.List;

/**
 * A running VNET daemon's data plane. All methods may be called while frames flow; changes
 * take effect for the next frame. Invalid requests throw {@link IllegalArgumentException}
 * with a message naming the bad value.
 */
public interface DataPlane extends AutoCloseable {
    String hostId();

    /** The bound link port, or -1 when this daemon accepts no links. */
    int listenPort();

    /** Carries a network on this daemon (implicit when an interface of it is added). */
    void addNetwork(NetworkId network);

    List<NetworkId> networks();

    /** Opens (creating it if needed) the TAP device, plugs it into its bridge, and starts reading. */
    void addInterface(InterfaceSpec spec) throws IOException;

    boolean removeInterface(String id);

    List<InterfaceSpec> interfaces();

    /**
     * Bridges a network onto an existing LAN device with pcap, as a proxy does: frames arriving
     * on the device are captured promiscuously into the network, and the network's frames for
     * the LAN are injected onto it. Needs libpcap and root or CAP_NET_RAW; no TAP is created.
     */
    void addLan(LanSpec spec) throws IOException;

    boolean removeLan(String device);

    List<LanSpec> lans();

    /** Adds a link; a dialling link starts connecting at once and keeps reconnecting. */
    void addLink(LinkSpec spec);

    /**
     * Changes the networks link {@code spec.id()} carries and those it floods, keeping its connection; the link must
     * exist and be the same otherwise ({@link LinkSpec#sameConnection}). Rules that send a network
     * it no longer carries to it are deleted, with the addresses learned on it in that network.
     */
    void updateLink(LinkSpec spec);

    /** Removes a link, closing its connection and deleting every rule that sends to it. */
    boolean removeLink(String id);

    /**
     * The manager's list of revoked certificates (SHA-256 fingerprints), revoked besides the
     * configured file's: a link session holding one is closed at once and refused at the hello.
     * Without TLS it changes nothing.
     */
    void revokeCertificates(java.util.Collection<String> fingerprints);

    List<LinkSpec> links();

    /** Adds a rule, replacing one with the same (network, src, dst). Its target must exist. */
    void addRule(ForwardingRule rule);

    boolean removeRule(ForwardingRule.Key key);

    List<ForwardingRule> rules();

    /**
     * Forgets where {@code mac} of {@code network} was learned: a VM that stopped or left this
     * host is no longer among {@link #localMacs()}. False if it was not known.
     */
    default boolean forgetMac(NetworkId network, io.vnet.api.MacAddress mac) {
        return false;
    }

    /**
     * Announces VM {@code mac} of {@code network} as behind this host, as a migrated VM does: a
     * RARP from it enters the forwarder from the network's local interface, so it is learned
     * here and flooded over the overlay, and every daemon follows it at once. False if this
     * daemon has no local interface on {@code network}.
     */
    default boolean announce(NetworkId network, io.vnet.api.MacAddress mac) {
        return false;
    }

    /** Per network, the VM addresses seen on local interfaces (the VMs on this host). */
    java.util.Map<NetworkId, List<io.vnet.api.MacAddress>> localMacs();

    /** MAC addresses learned per network: "vni mac -> port". */
    List<String> learned();

    /**
     * Cumulative traffic per VM pair: frames that entered the overlay at this daemon, and
     * frames between VMs on this host's bridges. Empty when pair counting is off. The counters
     * are bounded: a pair beyond them is not listed (its frames are counted per network, see
     * {@link #trafficGrowth()}), and when a reporter calls {@link #trafficGrowth()} the pairs that
     * stay idle for a reporting interval are dropped; counted again later, they start from zero.
     */
    List<PairCount> pairCounts();

    /**
     * For the one periodic reporter (the agent's manager client): what was counted since its
     * previous call (everything counted so far at the first call), per pair and, for frames whose
     * pair found no room for a counter, per network. Each call ends a reporting interval: pairs
     * that counted nothing during a whole interval are dropped afterwards, so that the set of live
     * pairs can turn over. The growth stays exact across that: a pair is dropped only after a call
     * read its final counts. Empty when pair counting is off.
     */
    TrafficGrowth trafficGrowth();

    /**
     * Counters of every link, interface and LAN device, then one entry of kind
     * {@value #FORWARDER_STATS_KIND} and id {@value #MAC_MOVES_STATS_ID}: its {@code framesIn} counts
     * the moves seen ({@link #macMoves()}), its state is {@code overriding:N} (overrides in
     * force) or {@code idle}.
     */
    List<PortStats> stats();

    /**
     * The addresses of network {@code network} that belong to registered VMs, on this host
     * ({@code here}) and on others ({@code elsewhere}); replaces the earlier ones. A frame from a
     * link with a source address of a VM here, or from a local interface with one of a VM
     * elsewhere, is dropped and counted {@code spoofed}. Returns how many addresses did not fit
     * (at most 65,536 per network are kept).
     */
    default int setOwners(NetworkId network, java.util.Collection<io.vnet.api.MacAddress> here,
                          java.util.Collection<io.vnet.api.MacAddress> elsewhere) {
        return 0;
    }

    /** The owned addresses, "vni V MAC here|elsewhere". */
    default List<String> owners() {
        return List.of();
    }

    /**
     * How long an address learned on a local interface is held there against claims from links
     * (frames from a link with that source are dropped, {@code spoofed}) after it was last seen,
     * while the interface's bridge still has it on a VM's port; zero turns holds off.
     */
    /** Whether this daemon's VXLAN links take the kernel path ({@code kernelPath}): the manager may render its fast paths so. */
    default boolean kernelPath() {
        return false;
    }

    default void holdLocalMacs(java.time.Duration hold) {
    }

    /**
     * With {@code on}, a VM's TAP may send only from the addresses of the VMs registered on this
     * host, in the networks that have any (others: dropped, {@code spoofed}). Where it can, the
     * data plane also has the kernel drop such frames on the bridge, before the TAP's queue
     * (the {@link #GUARD_STATS_KIND} entries of {@link #stats()}).
     */
    default void ownedSourcesOnly(boolean on) {
    }

    /**
     * The kind of the entries in {@link #stats()}, one per TAP, for the kernel's check of the
     * sources its bridge forwards to the TAP while {@link #ownedSourcesOnly} is on (drops: spoofed).
     */
    String GUARD_STATS_KIND = "guard";

    /** The id of the forwarder's entry in {@link #stats()} for owned addresses and holds. */
    String OWNED_STATS_ID = "owned";

    /** The kind of the forwarder's own entry in {@link #stats()}. */
    String FORWARDER_STATS_KIND = "forwarder";

    /** The id of the forwarder's entry in {@link #stats()} that counts moved VMs. */
    String MAC_MOVES_STATS_ID = "mac-moves";

    /**
     * The id of the forwarder's entry in {@link #stats()} whose {@code framesIn} counts the frames
     * whose matching rules named only ports that were down: they were sent as if no rule matched
     * (where the destination was learned on a port that is up, else on the flooding tree).
     */
    String FALLBACKS_STATS_ID = "fallbacks";

    /**
     * The id of the forwarder's entry in {@link #stats()} that sums what the links removed so far
     * counted (frames, bytes, drops by reason), so a link's drops outlive it.
     */
    String REMOVED_LINKS_STATS_ID = "removed-links";

    /**
     * The id of the forwarder's entry in {@link #stats()} for MAC learning: {@code framesIn} is
     * how many addresses are learned now, drop {@code evicted} how many were evicted at the cap.
     */
    String LEARNED_STATS_ID = "learned";

    /**
     * How many times a gratuitous ARP or RARP from a MAC arrived on a port other than where
     * the rules for that MAC send it, and so made an override: the MAC's frames go to that port
     * until its rules change (a VM migrated and the manager has not rewritten its rules yet).
     */
    default long macMoves() {
        return 0;
    }

    /** The overrides in force, "vni V MAC => PORT (moved: overrides N rule(s))". */
    default List<String> macOverrides() {
        return List.of();
    }

    /**
     * For metrics: how many VM pairs the pair counters hold now (at most {@code
     * PairCounters.MAX_PAIRS}), and the estimate of the pairs they refused a counter so far; both -1
     * when pair counting is off.
     */
    default long[] pairTable() {
        return new long[] {-1, -1};
    }

    /** What each overlay link measured: round trip (TCP links) and bytes carried. */
    List<io.vnet.api.LinkPath> linkPaths();

    /** Counters of connections that never became a link (no hello, unknown peer, garbage). */
    PortStats listenerStats();

    @Override
    void close();
}
