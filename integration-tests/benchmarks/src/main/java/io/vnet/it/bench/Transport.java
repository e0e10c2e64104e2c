package io.vnet.it.bench;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What joins the two VMs in one row of the data plane benchmark. */
public enum Transport {
    DIRECT("direct", "direct (veth, no tunnel): the ceiling", false),
    KERNEL_VXLAN("vxlan", "kernel VXLAN", false),
    VXLAN_WIREGUARD("vxlan-wg", "kernel VXLAN over wireguard-go (user space)", false),
    TINC("tinc", "tinc 1.0 switch mode, default crypto (aes-256-cbc, sha256)", false),
    TINC_PLAIN("tinc-none", "tinc 1.0 switch mode, Cipher/Digest none", false),
    AGENT_TCP("tcp", "agent over TCP", true),
    AGENT_TLS("tls", "agent over mutual TLS", true),
    AGENT_VXLAN("udp", "agent over UDP/VXLAN", true),
    AGENT_KERNEL("kernel", "agent, VXLAN link on the kernel path (prototype)", true);

    private final String id;
    private final String label;
    private final boolean agent;

    Transport(String id, String label, boolean agent) {
        this.id = id;
        this.label = label;
        this.agent = agent;
    }

    /** The short name used on the command line ({@code --only tcp,vxlan}). */
    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** Whether a user-space daemon carries the frames (agents, tincd, wireguard-go): its CPU and memory are measured. */
    public boolean isDaemon() {
        return agent || this == TINC || this == TINC_PLAIN || this == VXLAN_WIREGUARD;
    }

    /** Whether the VNET agent carries the frames (so its CPU and memory are the figures of interest). */
    public boolean isAgent() {
        return agent;
    }

    /** The tinc row this row's throughput is compared with: TLS against tinc's default crypto, the rest against no crypto. */
    public Transport tincReference() {
        return this == AGENT_TLS ? TINC : TINC_PLAIN;
    }

    public static Transport byId(String id) {
        for (Transport t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown row '" + id + "'; the rows are " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Transport::id).collect(Collectors.joining(","));
    }

    public static List<Transport> parseList(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Transport::byId)
                .distinct().sorted().toList();
    }
}
