package io.vnet.dataplane.count;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vnet.api.MacAddress;
import io.vnet.dataplane.sys.Command;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts traffic between VMs on the same host, which never reaches the agent: an nftables
 * table in the bridge family keeps a dynamic set with a counter per (bridge port, source MAC,
 * destination MAC) for every frame the host's bridges forward between two ports that are not
 * the agent's TAPs. The kernel does the counting; the agent reads the set when it reports.
 */
public final class BridgePairCounter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BridgePairCounter.class.getName());
    static final String TABLE = "vnet_pairs";
    /** The bridge hook sees the frame without its Ethernet header; the agent counts whole frames. */
    static final int ETH_HEADER = 14;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One pair as the kernel counted it; {@code port} is the sender's bridge port. {@code overlay}:
     * frames a VM here sent into the overlay through a kernel link's device (the kernel path), not
     * to another VM on this host.
     */
    public record Entry(String port, long src, long dst, long frames, long bytes, boolean overlay) {
    }

    private BridgePairCounter() {
    }

    /** Installs the table (replacing one a previous agent left behind). */
    public static BridgePairCounter start() throws IOException {
        String script = "table bridge " + TABLE + " {\n"
                + "  set taps { type ifname; }\n"
                + "  set links { type ifname; }\n"
                + "  set pairs { type ifname . ether_addr . ether_addr; flags dynamic; counter; size 65536; }\n"
                + "  set overlay { type ifname . ether_addr . ether_addr; flags dynamic; counter; size 65536; }\n"
                + "  chain count {\n"
                + "    type filter hook forward priority -100; policy accept;\n"
                + "    iifname @taps return\n"
                + "    iifname @links return\n"
                + "    oifname @links update @overlay { iifname . ether saddr . ether daddr } return\n"
                + "    oifname != @taps update @pairs { iifname . ether saddr . ether daddr }\n"
                + "  }\n"
                + "}\n";
        io.vnet.dataplane.sys.NftTable.replace(TABLE, script);
        LOG.log(Level.INFO, "counting same-host VM pairs with nftables (table bridge " + TABLE + ")");
        return new BridgePairCounter();
    }

    /** The agent's own TAPs, whose frames the forwarding path counts instead. */
    public void setTaps(Collection<String> taps) throws IOException {
        Command.must(null, "nft", "flush", "set", "bridge", TABLE, "taps");
        if (!taps.isEmpty()) {
            Command.must(null, "nft", "add", "element", "bridge", TABLE, "taps", "{ " + String.join(", ", taps) + " }");
        }
    }

    /**
     * The kernel path's devices: frames from them are counted where they entered the overlay, and
     * frames to them are counted here as entering it.
     */
    public void setLinks(Collection<String> links) throws IOException {
        Command.must(null, "nft", "flush", "set", "bridge", TABLE, "links");
        if (!links.isEmpty()) {
            Command.must(null, "nft", "add", "element", "bridge", TABLE, "links", "{ " + String.join(", ", links) + " }");
        }
    }

    /**
     * Every pair counted so far (cumulative), with whole-frame byte counts: both sets in one
     * {@code nft -j list table} (a report costs one process, not one per set).
     */
    public List<Entry> read() throws IOException {
        Command r = Command.must(null, "nft", "-j", "list", "table", "bridge", TABLE);
        return entries(JSON.readTree(r.out()));
    }

    /** The entries of the sets "pairs" and "overlay" in nft's JSON listing {@code listing}. */
    static List<Entry> entries(JsonNode listing) {
        List<Entry> out = new ArrayList<>();
        for (JsonNode item : listing.path("nftables")) {
            JsonNode set = item.path("set");
            String name = set.path("name").asText();
            if (!name.equals("pairs") && !name.equals("overlay")) {
                continue;
            }
            boolean overlay = name.equals("overlay");
            for (JsonNode e : set.path("elem")) {
                JsonNode elem = e.path("elem");
                JsonNode concat = elem.path("val").path("concat");
                if (concat.size() != 3) {
                    continue;
                }
                long packets = elem.path("counter").path("packets").asLong();
                long bytes = elem.path("counter").path("bytes").asLong() + ETH_HEADER * packets;
                try {
                    out.add(new Entry(concat.get(0).asText(), MacAddress.parse(concat.get(1).asText()).bits(),
                            MacAddress.parse(concat.get(2).asText()).bits(), packets, bytes, overlay));
                } catch (IllegalArgumentException bad) {
                    // not a pair this table makes: skipped
                }
            }
        }
        return out;
    }

    /**
     * Which bridge each port belongs to: each interface's {@code master} link under
     * {@code /sys/class/net} (no process), or {@code ip -j link show} where sysfs does not say.
     */
    public static Map<String, String> portBridges() throws IOException {
        java.nio.file.Path net = java.nio.file.Path.of("/sys/class/net");
        if (java.nio.file.Files.isDirectory(net)) {
            Map<String, String> out = new HashMap<>();
            try (java.util.stream.Stream<java.nio.file.Path> devs = java.nio.file.Files.list(net)) {
                for (java.nio.file.Path dev : (Iterable<java.nio.file.Path>) devs::iterator) {
                    java.nio.file.Path master = dev.resolve("master");
                    try {
                        out.put(dev.getFileName().toString(), java.nio.file.Files.readSymbolicLink(master)
                                .getFileName().toString());
                    } catch (java.nio.file.NoSuchFileException | java.nio.file.NotLinkException noMaster) {
                        // not enslaved to a bridge
                    }
                }
            }
            return out;
        }
        Command r = Command.must(null, "ip", "-j", "link", "show");
        Map<String, String> out = new HashMap<>();
        for (JsonNode l : JSON.readTree(r.out())) {
            if (l.hasNonNull("master")) {
                out.put(l.path("ifname").asText(), l.path("master").asText());
            }
        }
        return out;
    }

    @Override
    public void close() {
        io.vnet.dataplane.sys.NftTable.delete(TABLE, LOG);
    }
}
