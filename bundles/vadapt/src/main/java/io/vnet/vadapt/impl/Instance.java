package io.vnet.vadapt.impl;

import io.vnet.api.MacAddress;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.PathProperties;
import io.vnet.vadapt.Problem;
import io.vnet.vadapt.Underlay;
import io.vnet.vadapt.VmPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A problem with everything indexed. Hosts are 0..n-1 in underlay order and the center is n; VMs
 * are in address order. Memory is O(hosts^2 + VMs + pairs): the host-pair tables, never a
 * VM-pair table.
 */
public final class Instance {
    final Problem problem;
    /** Number of nodes: the VM hosts plus the center. */
    final int nodes;
    final int center;
    final String[] hostIds;
    final int[] capacity;
    final double[] bandwidth;
    final double[] latency;
    /** Each node's uplink capacity, shared by the links leaving it (infinite: unbounded). */
    final double[] uplink;
    final MacAddress[] vms;
    final int[] current;
    final int[] pairA;
    final int[] pairB;
    final double[] pairRate;
    final VmPair[] pairs;
    final LinkSet currentLinks;

    public Instance(Problem problem) {
        this.problem = problem;
        Underlay u = problem.underlay();
        List<String> hosts = u.hosts();
        nodes = hosts.size() + 1;
        center = hosts.size();
        hostIds = new String[nodes];
        capacity = new int[nodes];
        Map<String, Integer> hostIndex = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            hostIds[i] = hosts.get(i);
            capacity[i] = u.capacities().get(hosts.get(i));
            hostIndex.put(hosts.get(i), i);
        }
        hostIds[center] = u.center();
        hostIndex.put(u.center(), center);
        uplink = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            uplink[i] = u.uplink(hostIds[i]);
        }
        bandwidth = new double[nodes * nodes];
        latency = new double[nodes * nodes];
        Arrays.fill(bandwidth, u.defaultPath().bandwidthBitsPerSecond());
        Arrays.fill(latency, u.defaultPath().latencySeconds());
        for (Map.Entry<HostLink, PathProperties> e : u.paths().entrySet()) {
            int a = hostIndex.get(e.getKey().a());
            int b = hostIndex.get(e.getKey().b());
            bandwidth[a * nodes + b] = bandwidth[b * nodes + a] = e.getValue().bandwidthBitsPerSecond();
            latency[a * nodes + b] = latency[b * nodes + a] = e.getValue().latencySeconds();
        }
        vms = problem.placement().hosts().keySet().toArray(new MacAddress[0]);
        current = new int[vms.length];
        Map<MacAddress, Integer> vmIndex = new HashMap<>();
        for (int i = 0; i < vms.length; i++) {
            vmIndex.put(vms[i], i);
            current[i] = hostIndex.get(problem.placement().hostOf(vms[i]));
        }
        List<VmPair> ps = new ArrayList<>(problem.demand().heaviestFirst());
        pairs = ps.toArray(new VmPair[0]);
        pairA = new int[pairs.length];
        pairB = new int[pairs.length];
        pairRate = new double[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            pairA[i] = vmIndex.get(pairs[i].a());
            pairB[i] = vmIndex.get(pairs[i].b());
            pairRate[i] = problem.demand().rates().get(pairs[i]);
        }
        currentLinks = new LinkSet(nodes);
        for (HostLink l : problem.overlay().links()) {
            int a = hostIndex.get(l.a());
            int b = hostIndex.get(l.b());
            if (a != center && b != center) {
                currentLinks.add(a, b);
            }
        }
    }

    int hostCount() {
        return center;
    }

    double bandwidth(int a, int b) {
        return bandwidth[a * nodes + b];
    }

    double latency(int a, int b) {
        return latency[a * nodes + b];
    }

    boolean migrationAllowed() {
        return problem.allowMigration();
    }
}
