package io.vnet.dataplane.kernel;

import io.vnet.api.MacAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The nftables scripts of the kernel path, as text (the tests read them; {@link KernelLinks} runs
 * them). Two tables, each rewritten whole in one transaction when the devices or the owned
 * addresses change:
 * <ul>
 * <li>{@value #BRIDGE_TABLE} (bridge family): at prerouting, before the bridge learns, a frame from
 * a kernel device whose source is a VM registered on this host is dropped ({@code spoofed}); at
 * forward, a frame a local port sends into a link from an address no VM registered here has is
 * dropped where the network has VMs registered ({@code forged}, the bridge guard's check for the
 * kernel's links), a frame from a fast path goes to local ports only, never to another link ({@code
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

    private KernelTables() {
    }

    /** The bridge table for {@code devices}, with {@code here} the addresses owned here per network. */
    public static String bridge(Collection<KernelDevice> devices, Collection<String> taps, Map<Integer, long[]> here) {
        StringBuilder s = new StringBuilder();
        String t = "bridge " + BRIDGE_TABLE;
        s.append("add table ").append(t).append('\n');
        for (String c : List.of("spoofed", "forged", "split", "to-agent")) {
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
        for (KernelDevice d : devices) {
            long[] macs = here.get(d.vni());
            String set = "own_" + d.vni();
            s.append("add set ").append(t).append(' ').append(set).append(" { type ether_addr; size 65536; }\n");
            s.append("flush set ").append(t).append(' ').append(set).append('\n');
            if (macs != null && macs.length > 0) {
                s.append("add element ").append(t).append(' ').append(set).append(" { ");
                for (int i = 0; i < macs.length; i++) {
                    s.append(i == 0 ? "" : ", ").append(MacAddress.format(macs[i]));
                }
                s.append(" }\n");
            }
            s.append("add rule ").append(t).append(" arrive iifname \"").append(d.name()).append("\" ether saddr @")
                    .append(set).append(" counter name \"spoofed\" drop\n");
            if (macs != null && macs.length > 0) {
                // port security towards the kernel's links, as the bridge guard is towards the TAP:
                // where VMs are registered here, a frame a local port sends into a link comes from one
                s.append("add rule ").append(t).append(" between iifname != @links oifname \"").append(d.name())
                        .append("\" ether saddr != @").append(set).append(" counter name \"forged\" drop\n");
            }
        }
        s.append("add rule ").append(t).append(" between iifname @fast oifname @links counter name \"split\" drop\n");
        s.append("add rule ").append(t).append(" between iifname @links oifname @taps counter name \"to-agent\" drop\n");
        return s.toString();
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
