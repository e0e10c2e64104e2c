package io.vnet.dataplane.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vnet.api.MacAddress;
import io.vnet.dataplane.sys.Command;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Port security in the kernel, in front of the agent's TAPs. With {@code ownedSourcesOnly}, a
 * frame that a network's bridge forwards to the agent's TAP must come from an address of a VM
 * registered on this host in that network; the forwarder checks exactly that when the frame
 * arrives, but by then the frame has crossed the TAP's queue. A VM forging source addresses at
 * full speed fills that queue, and the other VMs' frames are dropped with it. So the same check
 * runs first in the kernel: an nftables table in the bridge family ({@value #TABLE}) whose chain,
 * at the bridge's forward hook (after the bridge chose the TAP, before its queue), drops a frame
 * for the TAP whose source is not in the network's set of owned addresses, and counts it per
 * network. A network with no VM registered here is not checked (as in the forwarder).
 *
 * <p>The forwarder's check stays the reference: this one only drops earlier. If nftables fails,
 * the guard says so in its state and the forwarder still drops every forged frame.
 */
public final class BridgeGuard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BridgeGuard.class.getName());
    static final String TABLE = "vnet_guard";
    static final String CHAIN = "check";
    /** The most addresses a network's set holds (the forwarder's cap on owned addresses). */
    public static final int MAX_OWNED = 65_536;
    /** What nftables accepts as an interface name (and nothing that could end a quoted string). */
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The agent's TAP per network, and the addresses owned here per network. */
    private final Map<String, Integer> taps = new TreeMap<>();
    private final Map<Integer, long[]> owned = new TreeMap<>();
    /** The networks whose set and counter exist in the kernel now. */
    private final java.util.Set<Integer> defined = new java.util.TreeSet<>();
    private String failure;
    private long failures;

    BridgeGuard() { // package-private for tests: start() is how a guard is made
    }

    /** Installs the table (replacing one a previous agent left behind), with an empty chain. */
    public static BridgeGuard start() throws IOException {
        io.vnet.dataplane.sys.NftTable.replace(TABLE, "table bridge " + TABLE + " {\n  chain " + CHAIN
                + " { type filter hook forward priority -200; policy accept; }\n}\n");
        LOG.log(Level.INFO, "dropping forged source addresses on the bridges in front of the TAPs with nftables (table"
                + " bridge " + TABLE + ")");
        return new BridgeGuard();
    }

    /** The agent's TAP {@code tap} carries network {@code vni} (its bridge's frames are checked). */
    public synchronized void tap(String tap, int vni) {
        if (!IFNAME.matcher(tap).matches()) {
            throw new IllegalArgumentException("not an interface name nftables takes: " + tap);
        }
        taps.put(tap, vni);
        apply(vni);
    }

    /** TAP {@code tap} is gone. */
    public synchronized void untap(String tap) {
        Integer vni = taps.remove(tap);
        if (vni != null) {
            apply(vni);
        }
    }

    /** The addresses of the VMs registered here in network {@code vni} now (replacing what was said). */
    public synchronized void owned(int vni, long[] here) {
        long[] copy = here.clone();
        java.util.Arrays.sort(copy);
        long[] before = owned.get(vni);
        if (before != null && java.util.Arrays.equals(before, copy)) {
            return;
        }
        if (copy.length == 0) {
            owned.remove(vni);
        } else {
            owned.put(vni, copy);
        }
        apply(vni);
    }

    /** Rewrites the chain and network {@code vni}'s set in one nftables transaction. */
    private void apply(int vni) {
        String script = script(taps, owned, defined, vni);
        try {
            Command.must(script, "nft", "-f", "-");
            failure = null;
            boolean carried = taps.containsValue(vni);
            if (carried) {
                defined.add(vni);
            } else {
                defined.remove(vni);
            }
        } catch (IOException e) {
            failures++;
            failure = e.getMessage();
            LOG.log(Level.WARNING, "updating the bridge guard of network " + vni + " (the forwarder still drops forged"
                    + " sources): " + e.getMessage());
        }
    }

    /**
     * The nftables script that makes the kernel's table what {@code taps} and {@code owned} say
     * for network {@code changed}: its set (created, emptied and filled, or deleted when no TAP
     * carries it any more) and the whole chain, one rule per TAP whose network has owned addresses.
     * {@code defined} are the networks whose set exists now. Runs as one transaction.
     */
    static String script(Map<String, Integer> taps, Map<Integer, long[]> owned, java.util.Set<Integer> defined,
            int changed) {
        StringBuilder s = new StringBuilder();
        String t = "bridge " + TABLE;
        s.append("flush chain ").append(t).append(' ').append(CHAIN).append('\n');
        boolean carried = taps.containsValue(changed);
        if (carried) {
            s.append("add set ").append(t).append(" own_").append(changed).append(" { type ether_addr; size ")
                    .append(MAX_OWNED).append("; }\n");
            s.append("flush set ").append(t).append(" own_").append(changed).append('\n');
            s.append("add counter ").append(t).append(" spoofed_").append(changed).append('\n');
            long[] macs = owned.get(changed);
            if (macs != null && macs.length > 0) {
                s.append("add element ").append(t).append(" own_").append(changed).append(" { ");
                int n = Math.min(macs.length, MAX_OWNED);
                for (int i = 0; i < n; i++) {
                    s.append(i == 0 ? "" : ", ").append(MacAddress.format(macs[i]));
                }
                s.append(" }\n");
            }
        }
        for (Map.Entry<String, Integer> e : taps.entrySet()) {
            int vni = e.getValue();
            long[] macs = owned.get(vni);
            boolean exists = vni == changed ? carried : defined.contains(vni);
            if (exists && macs != null && macs.length > 0 && macs.length <= MAX_OWNED) {
                s.append("add rule ").append(t).append(' ').append(CHAIN).append(" oifname \"").append(e.getKey())
                        .append("\" ether saddr != @own_").append(vni).append(" counter name \"spoofed_").append(vni)
                        .append("\" drop\n");
            }
        }
        if (!carried && defined.contains(changed)) {
            s.append("delete set ").append(t).append(" own_").append(changed).append('\n');
            s.append("delete counter ").append(t).append(" spoofed_").append(changed).append('\n');
        }
        return s.toString();
    }

    /** Frames dropped per network since its counter was made. */
    public Map<Integer, Long> dropped() throws IOException {
        Command r = Command.must(null, "nft", "-j", "list", "counters", "table", "bridge", TABLE);
        return counters(JSON.readTree(r.out()));
    }

    /** The {@code spoofed_<vni>} counters in {@code nft -j list counters} output. */
    static Map<Integer, Long> counters(JsonNode listing) {
        Map<Integer, Long> out = new HashMap<>();
        for (JsonNode item : listing.path("nftables")) {
            JsonNode c = item.path("counter");
            String name = c.path("name").asText("");
            if (name.startsWith("spoofed_") && name.length() <= "spoofed_".length() + 8) {
                try {
                    out.put(Integer.parseInt(name.substring("spoofed_".length())), c.path("packets").asLong());
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        return out;
    }

    /** Whether network {@code vni}'s frames to the TAP are checked now. */
    public synchronized boolean guards(int vni) {
        long[] macs = owned.get(vni);
        return failure == null && defined.contains(vni) && macs != null && macs.length <= MAX_OWNED;
    }

    /** How many addresses network {@code vni} lets through. */
    public synchronized int ownedCount(int vni) {
        long[] macs = owned.get(vni);
        return macs == null ? 0 : macs.length;
    }

    /** The last failure to update the kernel's table (null if the last update worked), and how many there were. */
    public synchronized String failure() {
        return failure == null ? null : failure + " (" + failures + " failed update(s))";
    }

    @Override
    public void close() {
        io.vnet.dataplane.sys.NftTable.delete(TABLE, LOG);
    }
}
