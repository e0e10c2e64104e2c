package io.vnet.it.load;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Where the simulated VMs are, deterministic from a seed: {@code agents} hosts with {@code
 * vmsPerHost} VMs each, in {@code networks} networks (VNIs from {@link #FIRST_VNI}). Each network is
 * spread over 5 to 50 hosts (fewer when there are fewer hosts), taken in turn from a shuffled ring of
 * the hosts, so that every host is in some network; a host's VMs are shared out evenly among the
 * networks it is in. A VM's address is {@code 02:1e:NN:NN:VV:VV} (network index, the VM's index in
 * its network), so no two VMs share one.
 */
public final class Layout {
    public static final int FIRST_VNI = 1000;
    public static final int MIN_HOSTS_PER_NETWORK = 5;
    public static final int MAX_HOSTS_PER_NETWORK = 50;

    /** A VM: its network (index), its index in the network, its host (index) and its address. */
    public record Vm(int network, int rank, int host, MacAddress mac) {
    }

    /** A network: its index, VNI and VMs (by rank). */
    public record Network(int index, NetworkId id, List<Vm> vms) {
        public int vni() {
            return id.vni();
        }
    }

    private final List<Network> networks;
    private final List<List<Vm>> hosts;

    private Layout(List<Network> networks, List<List<Vm>> hosts) {
        this.networks = networks;
        this.hosts = hosts;
    }

    public static Layout build(int agents, int networks, int vmsPerHost, long seed) {
        if (agents < 1 || networks < 1 || vmsPerHost < 1) {
            throw new IllegalArgumentException("agents, networks and VMs per host must be positive");
        }
        if (networks > 0xFFFF || (long) agents * vmsPerHost > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("too many networks or VMs for the address scheme");
        }
        Random r = new Random(seed);
        List<Integer> ring = new ArrayList<>();
        for (int h = 0; h < agents; h++) {
            ring.add(h);
        }
        Collections.shuffle(ring, r);
        // which networks each host is in
        List<List<Integer>> memberships = new ArrayList<>();
        for (int h = 0; h < agents; h++) {
            memberships.add(new ArrayList<>());
        }
        int cursor = 0;
        int lo = Math.min(MIN_HOSTS_PER_NETWORK, agents);
        int hi = Math.min(MAX_HOSTS_PER_NETWORK, agents);
        for (int n = 0; n < networks; n++) {
            int spread = lo + r.nextInt(hi - lo + 1);
            for (int i = 0; i < spread; i++) {
                memberships.get(ring.get(cursor)).add(n);
                cursor = (cursor + 1) % agents;
            }
        }
        // hosts the first pass left out (fewer memberships than hosts) join a network at random
        for (int h = 0; h < agents; h++) {
            if (memberships.get(h).isEmpty()) {
                memberships.get(h).add(r.nextInt(networks));
            }
        }
        List<List<Vm>> perNetwork = new ArrayList<>();
        for (int n = 0; n < networks; n++) {
            perNetwork.add(new ArrayList<>());
        }
        List<List<Vm>> perHost = new ArrayList<>();
        for (int h = 0; h < agents; h++) {
            List<Integer> nets = memberships.get(h);
            List<Vm> mine = new ArrayList<>();
            for (int v = 0; v < vmsPerHost; v++) {
                int n = nets.get(v % nets.size());
                List<Vm> in = perNetwork.get(n);
                Vm vm = new Vm(n, in.size(), h, mac(n, in.size()));
                in.add(vm);
                mine.add(vm);
            }
            perHost.add(List.copyOf(mine));
        }
        List<Network> list = new ArrayList<>();
        for (int n = 0; n < networks; n++) {
            list.add(new Network(n, NetworkId.of(FIRST_VNI + n), List.copyOf(perNetwork.get(n))));
        }
        return new Layout(List.copyOf(list), List.copyOf(perHost));
    }

    /** The address of VM {@code rank} of network {@code network}. */
    public static MacAddress mac(int network, int rank) {
        return MacAddress.of(0x02_1e_00_00_00_00L | ((long) network << 16) | (rank & 0xFFFFL));
    }

    /** An address no VM of the layout has, in network {@code network}: the {@code k}-th probe destination. */
    public static MacAddress probeMac(int network, int k) {
        return MacAddress.of(0x02_1f_00_00_00_00L | ((long) network << 16) | (k & 0xFFFFL));
    }

    public List<Network> networks() {
        return networks;
    }

    public Network network(int index) {
        return networks.get(index);
    }

    /** The VMs of host {@code host}. */
    public List<Vm> vmsOf(int host) {
        return hosts.get(host);
    }

    public int agents() {
        return hosts.size();
    }

    /** The host id of host {@code index}, as its certificate names it. */
    public static String hostId(int index) {
        return "lg-" + index;
    }
}
