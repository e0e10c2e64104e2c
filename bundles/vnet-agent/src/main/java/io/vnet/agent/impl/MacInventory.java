package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.messages.Inventory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The VM addresses an agent lists for the manager ({@code macs[]} of hello, report and vms
 * messages): per network, those of the VMs libvirt runs here first, then those learned from
 * traffic on local interfaces, each in address order. Bounded by design, so that a hello always
 * fits in a message and the agent can always register, however many source addresses a VM
 * forges: at most {@link ManagerProtocol#MAX_MACS_PER_NETWORK} per network and {@link
 * ManagerProtocol#MAX_MACS} in all. When the total is short, networks share it fairly: the
 * networks with fewer addresses keep them all, the others get equal shares of what is left.
 * {@code macsOmitted} states how many addresses were left out (0 when none).
 *
 * <p>Size: the longest entry is {@code {"vni":16777215,"mac":"02:00:00:00:00:01"},}, 43 bytes,
 * so {@code macs[]} takes at most 16,384 x 43 = 704,512 bytes (688 KiB). The rest of a hello is
 * its ids, {@code networks[]} (up to 9 bytes per network carried) and {@code vms[]} (a few hundred
 * bytes per VM libvirt runs here): the hello stays far below the {@link
 * ManagerProtocol#MAX_MESSAGE} (16 MiB) frame limit.
 */
final class MacInventory {
    private MacInventory() {
    }

    /**
     * Writes {@code macs[]} and {@code macsOmitted} into {@code message}; returns how many were
     * left out.
     *
     * @param registered the addresses of the VMs libvirt runs here, per network
     * @param learned    the addresses learned on local interfaces, per network
     */
    static int write(ObjectNode message, Map<NetworkId, ? extends Collection<MacAddress>> registered,
                     Map<NetworkId, ? extends Collection<MacAddress>> learned) {
        return write(message, registered, learned, ManagerProtocol.MAX_MACS_PER_NETWORK, ManagerProtocol.MAX_MACS);
    }

    static int write(ObjectNode message, Map<NetworkId, ? extends Collection<MacAddress>> registered,
                     Map<NetworkId, ? extends Collection<MacAddress>> learned, int perNetwork, int total) {
        Listed l = list(registered, learned, perNetwork, total);
        ArrayNode macs = message.putArray("macs");
        l.macs().forEach(v -> macs.addObject().put("vni", v.network().vni()).put("mac", v.mac().toString()));
        message.put("macsOmitted", l.omitted());
        return l.omitted();
    }

    /** The addresses listed, in order, and how many were left out. */
    record Listed(List<Inventory.VmAddress> macs, int omitted) {
    }

    static Listed list(Map<NetworkId, ? extends Collection<MacAddress>> registered,
                       Map<NetworkId, ? extends Collection<MacAddress>> learned) {
        return list(registered, learned, ManagerProtocol.MAX_MACS_PER_NETWORK, ManagerProtocol.MAX_MACS);
    }

    static Listed list(Map<NetworkId, ? extends Collection<MacAddress>> registered,
                       Map<NetworkId, ? extends Collection<MacAddress>> learned, int perNetwork, int total) {
        Map<NetworkId, List<MacAddress>> all = candidates(registered, learned);
        Map<NetworkId, Integer> quota = quotas(all, perNetwork, total);
        List<Inventory.VmAddress> macs = new ArrayList<>();
        int omitted = 0;
        for (Map.Entry<NetworkId, List<MacAddress>> e : all.entrySet()) {
            int keep = quota.get(e.getKey());
            List<MacAddress> list = e.getValue();
            for (int i = 0; i < keep; i++) {
                macs.add(new Inventory.VmAddress(e.getKey(), list.get(i)));
            }
            omitted += list.size() - keep;
        }
        return new Listed(List.copyOf(macs), omitted);
    }

    /** Per network: the registered addresses in order, then the learned ones not registered. */
    private static Map<NetworkId, List<MacAddress>> candidates(Map<NetworkId, ? extends Collection<MacAddress>> registered,
                                                               Map<NetworkId, ? extends Collection<MacAddress>> learned) {
        Map<NetworkId, LinkedHashSet<MacAddress>> sets = new TreeMap<>();
        registered.forEach((n, macs) -> sets.computeIfAbsent(n, k -> new LinkedHashSet<>()).addAll(new TreeSet<>(macs)));
        learned.forEach((n, macs) -> sets.computeIfAbsent(n, k -> new LinkedHashSet<>()).addAll(new TreeSet<>(macs)));
        Map<NetworkId, List<MacAddress>> out = new TreeMap<>();
        sets.forEach((n, set) -> out.put(n, new ArrayList<>(set)));
        return out;
    }

    /**
     * How many addresses each network may list: at most {@code perNetwork}, and {@code total} in
     * all shared by water-filling (smallest networks first, each up to an equal share of what
     * the smaller ones left).
     */
    private static Map<NetworkId, Integer> quotas(Map<NetworkId, List<MacAddress>> all, int perNetwork, int total) {
        List<Map.Entry<NetworkId, List<MacAddress>>> bySize = new ArrayList<>(all.entrySet());
        bySize.sort(Comparator.comparingInt((Map.Entry<NetworkId, List<MacAddress>> e) -> e.getValue().size())
                .thenComparing(Map.Entry::getKey));
        Map<NetworkId, Integer> quota = new TreeMap<>();
        int left = total;
        int networks = bySize.size();
        for (Map.Entry<NetworkId, List<MacAddress>> e : bySize) {
            int share = Math.min(Math.min(e.getValue().size(), perNetwork), left / networks);
            quota.put(e.getKey(), share);
            left -= share;
            networks--;
        }
        return quota;
    }
}
