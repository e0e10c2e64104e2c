package io.vnet.dataplane.kernel;

import io.vnet.api.MacAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The nftables scripts of the kernel path, as text (the tests read them; {@link KernelLinks} runs
 * them). Two tables, each rewritten whole in one transaction when the devices or the owned
 * addresses change (but for the learned-address sets, which keep their contents):
 * <ul>
 * <li>{@value #BRIDGE_TABLE} (bridge family): at prerouting, before the bridge learns, a frame from
 * a kernel device whose source is a VM registered on this host is dropped ({@code spoofed}); at
 * forward, a frame a local port sends into a link from an address no VM registered here has is
 * dropped where the network has VMs registered ({@code forged}, the bridge guard's check for the
 * kernel's links); before the bridge learns, a source address from a kernel device enters the
 * network's learned set ({@code learn_VNI}, at most {@code maxLearned} addresses, each for 300 s
 * after it was last seen, as the bridge ages its entries), and a frame from a new address when the
 * set is full is dropped ({@code learn-cap}), so a MAC flood from a link cannot grow the bridge's
 * table without bound (addresses the manager registered elsewhere are exempt; where the user-space
 * forwarder evicts the least recently seen, the kernel refuses the newcomer: nftables sets do not
 * evict); and at forward a frame from a fast path goes to local ports only, never to another link ({@code
 * split}), and nothing from a kernel device reaches the agent's TAPs ({@code to-agent}): the user
 * space half of a network must not see the kernel half's frames as its local VMs' (it would learn
 * them here, count them twice, and flood them back).</li>
 * <li>{@value #INET_TABLE} (inet family): at input, a datagram to a kernel link's UDP port from
 * any address but the link's peer is dropped ({@code unidentified}) before the kernel's VXLAN
 * socket decapsulates it, and one of a network the link does not carry is dropped and counted per
 * link ({@code nc_PORT}, the link's {@code not-carried}).</li>
 * </ul>
 */
public final class KernelTables {
    public static final String BRIDGE_TABLE = "vnet_kernel";
    public static final String INET_TABLE = "vnet_kernel_in";
    /** The NFLOG group the announcements are copied to (see {@link KernelLinks}). */
    public static final int LOG_GROUP = 5605;

    private KernelTables() {
    }

    /**
     * Who has which address, per network, as the bridge table needs it: {@code here} the VMs
     * registered on this host, {@code elsewhere} those registered on other hosts (the manager's
     * owners), {@code held} the addresses the bridges have on this host's VM ports now (what the
     * agent holds against claims from links without a manager, {@code macHoldMs}).
     */
    public record Owners(Map<Integer, long[]> here, Map<Integer, long[]> elsewhere, Map<Integer, long[]> held) {
        public static final Owners NONE = new Owners(Map.of(), Map.of(), Map.of());

        public Owners {
            here = Map.copyOf(here);
            elsewhere = Map.copyOf(elsewhere);
            held = Map.copyOf(held);
        }
    }

    /** The counter of the frames device {@code device} brought from an address of this host. */
    public static String spoofed(String device) {
        return "sp_" + device;
    }

    /** Seconds an address stays in a learned set after it was last seen (the bridge's default ageing time). */
    public static final int LEARNED_SECONDS = 300;

    /** The bridge table with the default cap of learned addresses per network (4,096). */
    public static String bridge(Collection<KernelDevice> devices, Collection<String> taps, Owners owners) {
        return bridge(devices, taps, owners, 4096);
    }

    /**
     * The bridge table for {@code devices} and the agent's {@code taps}, with who has which address,
     * learning at most {@code maxLearned} addresses per network from the kernel devices.
     */
    public static String bridge(Collection<KernelDevice> devices, Collection<String> taps, Owners owners,
                                int maxLearned) {
        if (maxLearned < 1) {
            throw new IllegalArgumentException("maxLearned " + maxLearned);
        }
        StringBuilder s = new StringBuilder();
        String t = "bridge " + BRIDGE_TABLE;
        s.append("add table ").append(t).append('\n');
        for (String c : List.of("spoofed", "forged", "split", "to-agent", "learn-cap")) {
            s.append("add counter ").append(t).append(' ').append(c).append('\n');
        }
        s.append("add chain ").append(t).append(" arrive { type filter hook prerouting priority -200; policy accept; }\n");
        s.append("add chain ").append(t).append(" between { type filter hook forward priority -200; policy accept; }\n");
        s.append("flush chain ").append(t).append(" arrive\n");
        s.append("flush chain ").append(t).append(" between\n");
        for (String set : List.of("links", "fast", "taps")) {
            s.append("add set ").append(t).append(' ').append(set).append(" { type ifname; }\n");
            s.append("flush set ").append(t).append(' ').append(set).append('\n');
        }
        elements(s, t, "links", devices.stream().map(KernelDevice::name).toList());
        elements(s, t, "fast", devices.stream().filter(d -> !d.flood()).map(KernelDevice::name).toList());
        elements(s, t, "taps", List.copyOf(taps));
        java.util.Set<Integer> vnis = new java.util.TreeSet<>();
        devices.forEach(d -> vnis.add(d.vni()));
        for (int vni : vnis) {
            long[] registered = owners.here().getOrDefault(vni, new long[0]);
            // where VMs are registered here, they are this host's addresses; what the bridge learned on
            // a VM's port beside them was forged (the bridge learns before "forged" drops it), and
            // holding it would lock the real owner out
            long[] mine = registered.length > 0 ? registered : owners.held().getOrDefault(vni, new long[0]);
            macSet(s, t, "own_" + vni, registered);
            macSet(s, t, "here_" + vni, mine);
            macSet(s, t, "else_" + vni, owners.elsewhere().getOrDefault(vni, new long[0]));
            // a VM registered elsewhere never sends from this host into a link (the forwarder drops it
            // at the TAP as spoofed; this is the same check for the kernel's links)
            if (owners.elsewhere().containsKey(vni)) {
                for (KernelDevice d : devices) {
                    if (d.vni() == vni) {
                        s.append("add rule ").append(t).append(" between iifname != @links iifname != @taps oifname \"")
                                .append(d.name()).append("\" ether saddr @else_").append(vni).append(" counter name \"spoofed\" drop\n");
                    }
                }
            }
        }
        for (KernelDevice d : devices) {
            String counter = spoofed(d.name());
            s.append("add counter ").append(t).append(' ').append(counter).append('\n');
            // a link never brings an address of this host: a VM registered here, or one the bridge has
            // on a VM's port (dropped before the bridge learns it)
            s.append("add rule ").append(t).append(" arrive iifname \"").append(d.name()).append("\" ether saddr @here_")
                    .append(d.vni()).append(" counter name \"").append(counter).append("\" drop\n");
            if (owners.here().getOrDefault(d.vni(), new long[0]).length > 0) {
                // port security towards the kernel's links, as the bridge guard is towards the TAP:
                // where VMs are registered here, a frame a local port sends into a link comes from one
                s.append("add rule ").append(t).append(" between iifname != @links iifname != @taps oifname \"")
                        .append(d.name()).append("\" ether saddr != @own_").append(d.vni()).append(" counter name \"forged\" drop\n");
            }
        }
        for (int vni : vnis) {
            // the learning cap: a source from this network's kernel devices enters its set (or is seen
            // again: its 300 s start over); when the set is full a new one does not, and its frame is
            // dropped before the bridge learns it
            String learn = "learn_" + vni;
            s.append("add set ").append(t).append(' ').append(learn).append(" { type ether_addr; size ").append(maxLearned)
                    .append("; flags dynamic,timeout; timeout ").append(LEARNED_SECONDS).append("s; }\n");
            String from = "iifname { " + String.join(", ", devices.stream().filter(d -> d.vni() == vni)
                    .map(d -> '"' + d.name() + '"').toList()) + " } ether saddr != @else_" + vni;
            s.append("add rule ").append(t).append(" arrive ").append(from).append(" update @").append(learn)
                    .append(" { ether saddr }\n");
            s.append("add rule ").append(t).append(" arrive ").append(from).append(" ether saddr != @").append(learn)
                    .append(" counter name \"learn-cap\" drop\n");
        }
        // announcements (gratuitous ARP, RARP) that passed the checks above go to the agent too, which
        // lets them override a rule's entry as the forwarder does (at most 1,000 a second)
        s.append("add rule ").append(t).append(" arrive iifname != @taps ether daddr ff:ff:ff:ff:ff:ff ether type { arp,"
                + " 0x8035 } limit rate 1000/second log group ").append(LOG_GROUP).append('\n');
        s.append("add rule ").append(t).append(" between iifname @fast oifname @links counter name \"split\" drop\n");
        s.append("add rule ").append(t).append(" between iifname @links oifname @taps counter name \"to-agent\" drop\n");
        return s.toString();
    }

    private static void macSet(StringBuilder s, String table, String set, long[] macs) {
        s.append("add set ").append(table).append(' ').append(set).append(" { type ether_addr; size 65536; }\n");
        s.append("flush set ").append(table).append(' ').append(set).append('\n');
        if (macs.length > 0) {
            s.append("add element ").append(table).append(' ').append(set).append(" { ");
            for (int i = 0; i < macs.length && i < 65_536; i++) {
                s.append(i == 0 ? "" : ", ").append(MacAddress.format(macs[i]));
            }
            s.append(" }\n");
        }
    }

    /** The inet table: each kernel link's UDP port takes datagrams from its peer only. */
    public static String inet(Collection<KernelDevice> devices) {
        StringBuilder s = new StringBuilder();
        String t = "inet " + INET_TABLE;
        s.append("add table ").append(t).append('\n');
        s.append("add counter ").append(t).append(" unidentified\n");
        s.append("add chain ").append(t).append(" check { type filter hook input priority -150; policy accept; }\n");
        s.append("flush chain ").append(t).append(" check\n");
        Map<Integer, java.util.Set<Integer>> vnis = new java.util.TreeMap<>();
        Map<Integer, String> peers = new java.util.TreeMap<>();
        for (KernelDevice d : devices) {
            vnis.computeIfAbsent(d.port(), k -> new java.util.TreeSet<>()).add(d.vni());
            peers.put(d.port(), d.peer());
        }
        for (Map.Entry<Integer, java.util.Set<Integer>> e : vnis.entrySet()) {
            int port = e.getKey();
            s.append("add rule ").append(t).append(" check udp dport ").append(port).append(" ip saddr != ")
                    .append(peers.get(port)).append(" counter name \"unidentified\" drop\n");
            // a network the link does not carry: the VXLAN header's VNI (bits 32-55 after the UDP header)
            s.append("add counter ").append(t).append(' ').append(notCarried(port)).append('\n');
            s.append("add rule ").append(t).append(" check udp dport ").append(port).append(" @th,96,24 != { ")
                    .append(String.join(", ", e.getValue().stream().map(String::valueOf).toList()))
                    .append(" } counter name \"").append(notCarried(port)).append("\" drop\n");
        }
        return s.toString();
    }

    /** The name of the counter of link port {@code port}'s datagrams of networks it does not carry. */
    public static String notCarried(int port) {
        return "nc_" + port;
    }

    private static void elements(StringBuilder s, String table, String set, List<String> names) {
        if (!names.isEmpty()) {
            s.append("add element ").append(table).append(' ').append(set).append(" { ");
            for (int i = 0; i < names.size(); i++) {
                s.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append('"');
            }
            s.append(" }\n");
        }
    }
}
