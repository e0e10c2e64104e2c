package io.vnet.it.load;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.it.patterns.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What each network's VMs send: every network runs one BSP {@link Pattern} at a time, chosen from
 * what its size allows ({@link NetworkPatterns}), and changes it every {@code changeEveryMs}
 * (staggered: network i first changes at i/M of the period), or when the driver says ({@link
 * #change}). Every directed edge of the pattern carries the network's rate: its message size
 * (16 KiB to 1 MiB) times its iterations per second (2 to 20), both from the seed. Listeners hear of
 * every change as it happens.
 */
public final class Traffic {
    /** Hears of a network's pattern change at {@code atMillis}. */
    public interface Listener {
        void changed(Layout.Network network, Pattern from, Pattern to, long atMillis);
    }

    /** A network's pattern since when, and a version that counts its changes. */
    public record State(Pattern pattern, long since, int version) {
    }

    /** One directed edge a host's VM sends on, at {@code bytesPerSecond}. */
    public record Edge(NetworkId network, MacAddress src, MacAddress dst, long bytesPerSecond, boolean sameHost) {
    }

    private static final long[] MESSAGE_BYTES = {16 << 10, 64 << 10, 256 << 10, 1 << 20};

    private final Layout layout;
    private final AtomicReferenceArray<State> states;
    private final List<List<Pattern>> allowed = new ArrayList<>();
    private final long[] pairRate;
    private final long[] nextChange;
    private final Random[] randoms;
    private final long changeEveryMs;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param changeEveryMs how often each network changes its pattern (0: only when {@link #change} says)
     * @param startMillis   the start of the run (the staggered changes count from it)
     */
    public Traffic(Layout layout, long seed, int allToAllMaxVms, long changeEveryMs, long startMillis) {
        this.layout = layout;
        int m = layout.networks().size();
        this.states = new AtomicReferenceArray<>(m);
        this.pairRate = new long[m];
        this.nextChange = new long[m];
        this.randoms = new Random[m];
        this.changeEveryMs = changeEveryMs;
        for (int i = 0; i < m; i++) {
            Random r = new Random(seed * 1_000_003L + i);
            randoms[i] = r;
            List<Pattern> a = NetworkPatterns.allowed(layout.network(i).vms().size(), allToAllMaxVms);
            allowed.add(a);
            pairRate[i] = MESSAGE_BYTES[r.nextInt(MESSAGE_BYTES.length)] * (2 + r.nextInt(19));
            Pattern first = a.isEmpty() ? null : a.get(r.nextInt(a.size()));
            states.set(i, new State(first, startMillis, 0));
            nextChange[i] = startMillis + (changeEveryMs > 0 ? changeEveryMs * (i + 1) / m : Long.MAX_VALUE);
        }
    }

    public void listen(Listener l) {
        listeners.add(l);
    }

    public Layout layout() {
        return layout;
    }

    public State state(int network) {
        return states.get(network);
    }

    /** The bytes per second on each edge of network {@code network}'s pattern. */
    public long pairRate(int network) {
        return pairRate[network];
    }

    /** Whether network {@code network} runs a pattern at all (it has at least 4 VMs). */
    public boolean active(int network) {
        return states.get(network).pattern() != null;
    }

    /** Changes the networks whose time has come (called every 100 ms or so, by one thread). */
    public synchronized void tick(long now) {
        for (int i = 0; i < nextChange.length; i++) {
            if (now >= nextChange[i]) {
                nextChange[i] += changeEveryMs;
                State s = states.get(i);
                if (s.pattern() != null) {
                    change(i, NetworkPatterns.next(allowed.get(i), s.pattern(), randoms[i]), now);
                }
            }
        }
    }

    /** Network {@code network} runs {@code to} from {@code now} (the driver's choice, or the schedule's). */
    public void change(int network, Pattern to, long now) {
        State before;
        synchronized (this) {
            before = states.get(network);
            if (before.pattern() == null || !allowed.get(network).contains(to)) {
                throw new IllegalArgumentException("network " + network + " cannot run " + to);
            }
            states.set(network, new State(to, now, before.version() + 1));
        }
        for (Listener l : listeners) {
            l.changed(layout.network(network), before.pattern(), to, now);
        }
    }

    /** A pattern other than network {@code network}'s current one, from the seed's sequence. */
    public synchronized Pattern nextPattern(int network) {
        return NetworkPatterns.next(allowed.get(network), states.get(network).pattern(), randoms[network]);
    }

    /** The edges {@code host}'s VMs send on now: each VM's out-edges in its network's pattern. */
    public List<Edge> edgesOf(int host) {
        List<Edge> edges = new ArrayList<>();
        for (Layout.Vm vm : layout.vmsOf(host)) {
            Layout.Network n = layout.network(vm.network());
            Pattern p = states.get(vm.network()).pattern();
            if (p == null) {
                continue;
            }
            int size = n.vms().size();
            for (int to : p.sendsTo(vm.rank(), size, NetworkPatterns.grid(size))) {
                Layout.Vm dst = n.vms().get(to);
                edges.add(new Edge(n.id(), vm.mac(), dst.mac(), pairRate[vm.network()], dst.host() == host));
            }
        }
        return edges;
    }

    /** The versions of {@code host}'s networks' states, to tell when {@link #edgesOf} changed. */
    public int[] versionsOf(int host, int[] into) {
        List<Layout.Vm> vms = layout.vmsOf(host);
        int[] v = into != null && into.length == vms.size() ? into : new int[vms.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = states.get(vms.get(i).network()).version();
        }
        return v;
    }
}
