package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.DataPlane;
import io.vnet.protocol.OwnersMessage;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which VM addresses the data plane treats as owned ({@link DataPlane#setOwners}), from two
 * sources: this host's own knowledge of its VMs (libvirt's, the configuration file's, and those
 * arriving by live migration: {@link LocalVms}), and the manager's {@code owners} message, which
 * says where every registered VM of the networks carried here is. This host's knowledge wins for
 * its own VMs: an address the manager places here but no VM here has (it has just left) is owned
 * by no one until the manager catches up, and one the manager places elsewhere but a VM here has
 * (it has just arrived) is owned here.
 */
final class MacOwnership {
    private static final System.Logger LOG = System.getLogger(MacOwnership.class.getName());

    private final DataPlane dp;
    private final String hostId;
    private Map<NetworkId, Set<MacAddress>> here = Map.of();
    private Map<NetworkId, Map<MacAddress, String>> manager = Map.of();
    private final Set<NetworkId> pushed = new HashSet<>();
    private long skipped;
    private long refused;
    private long updates;
    private java.time.Instant updatedAt;

    MacOwnership(DataPlane dp, String hostId) {
        this.dp = dp;
        this.hostId = hostId;
    }

    /** The addresses of the VMs on this host now, per network. */
    synchronized void local(Map<NetworkId, Set<MacAddress>> now) {
        Map<NetworkId, Set<MacAddress>> copy = new TreeMap<>();
        now.forEach((n, macs) -> copy.put(n, Set.copyOf(macs)));
        here = copy;
        push();
    }

    /** The manager's {@code owners} message: replaces what it said before. */
    synchronized void fromManager(JsonNode msg) {
        OwnersMessage.Read read = OwnersMessage.read(msg);
        if (read.skipped() > 0) {
            skipped += read.skipped();
            LOG.log(Level.WARNING, "the manager's owners message: " + read.skipped() + " entr(ies) skipped: " + read.errors());
        }
        manager = read.owners();
        updates++;
        push();
        updatedAt = java.time.Instant.now();
    }

    /**
     * Gives the data plane the owners of every network either source names, and empties those
     * neither names any more. Without a manager, what it last said stays in force.
     */
    private void push() {
        Set<NetworkId> networks = new TreeSet<>(pushed);
        networks.addAll(here.keySet());
        networks.addAll(manager.keySet());
        for (NetworkId n : networks) {
            Set<MacAddress> mine = here.getOrDefault(n, Set.of());
            List<MacAddress> elsewhere = new ArrayList<>();
            manager.getOrDefault(n, Map.of()).forEach((mac, host) -> {
                if (!host.equals(hostId) && !mine.contains(mac)) {
                    elsewhere.add(mac);
                }
            });
            refused += dp.setOwners(n, mine, elsewhere);
            if (mine.isEmpty() && elsewhere.isEmpty()) {
                pushed.remove(n);
            } else {
                pushed.add(n);
            }
        }
    }

    /** When the manager's last owners message was applied (wall clock), or null. */
    synchronized java.time.Instant updatedAt() {
        return updatedAt;
    }

    /** For status: how many addresses are owned here and elsewhere, and what was skipped or refused. */
    synchronized String describe() {
        int mine = here.values().stream().mapToInt(Set::size).sum();
        long elsewhere = manager.values().stream().flatMap(m -> m.values().stream()).filter(h -> !h.equals(hostId)).count();
        return mine + " here, " + elsewhere + " elsewhere (" + updates + " update(s) from the manager)"
                + (skipped + refused == 0 ? "" : ", " + skipped + " skipped, " + refused + " refused at the cap");
    }
}
