package io.vnet.it.soak;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VM churn on a running cloud, one step at a time, cycling through three actions:
 * <ol>
 * <li><b>start</b> a new VM {@code cN} on the next VM host in turn ({@link Fabric#addVm}); the
 * {@link PairProbes} start probing it against every running VM;</li>
 * <li><b>stop</b> the oldest churned VM: its probes stop, then it goes ({@link Fabric#removeVm}: its
 * namespace and NIC are deleted, the agents are not told);</li>
 * <li><b>migrate</b> the next running VM in turn (the workload's VMs and the churned ones alike) to
 * the VM host after its own ({@link Vm#migrateTo}: its NIC moves to the new host's bridge and it
 * sends a gratuitous ARP, as a hypervisor's live migration does). The move's window, from the first
 * command to the announcement, is kept: a probe's silence inside it is the migration's.</li>
 * </ol>
 * Each step is recorded ({@link #events()}). Bounded: at most {@link #MAX_STARTS} VMs are started
 * (the fabric gives each new VM the next address of a /24); later starts are refused and counted.
 */
public final class Churn {
    /** The most VMs churn starts over a run. */
    public static final int MAX_STARTS = 200;

    /** What a step did. */
    public enum Action { START, STOP, MIGRATE }

    /** One step: when, what, to which VM, the details (hosts), and how long it took. */
    public record Event(long epochMs, Action action, String vm, String detail, long tookMs) {
    }

    private final Fabric fabric;
    private final List<Host> hosts;
    private final int vni;
    private final PairProbes probes;
    private final List<Vm> running;
    private final Deque<Vm> churned = new ArrayDeque<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<String, List<Outages.Window>> migrations = new LinkedHashMap<>();
    private int started;
    private int step;
    private int nextToMove;
    private long refused;

    /**
     * @param running the VMs running now (the workload's), probed already; churned VMs join and leave this list
     */
    public Churn(Fabric fabric, List<Host> hosts, int vni, PairProbes probes, List<Vm> running) {
        if (hosts.size() < 2) {
            throw new IllegalArgumentException("migrations need at least 2 VM hosts");
        }
        this.fabric = fabric;
        this.hosts = List.copyOf(hosts);
        this.vni = vni;
        this.probes = probes;
        this.running = new ArrayList<>(running);
    }

    /** The next step of the cycle start, stop, migrate; returns what it did. */
    public synchronized Event step() throws IOException, InterruptedException {
        Action a = Action.values()[step++ % 3];
        return switch (a) {
            case START -> start();
            case STOP -> churned.isEmpty() ? start() : stop();
            case MIGRATE -> migrate();
        };
    }

    /** Starts a VM (also outside the cycle, e.g. so that a stop always has one to stop). */
    public synchronized Event start() throws IOException {
        long t0 = System.currentTimeMillis();
        if (started >= MAX_STARTS) {
            refused++;
            return record(new Event(t0, Action.START, "-", "refused: " + MAX_STARTS + " VMs started already", 0));
        }
        started++;
        Host h = hosts.get((started - 1) % hosts.size());
        Vm vm = fabric.addVm(h, "c" + started, vni, 1500);
        probes.startAll(vm, running);
        running.add(vm);
        churned.addLast(vm);
        return record(new Event(t0, Action.START, vm.name(), "on " + h.name() + " (" + vm.ip() + ")",
                System.currentTimeMillis() - t0));
    }

    private Event stop() throws InterruptedException {
        long t0 = System.currentTimeMillis();
        Vm vm = churned.removeFirst();
        probes.stopInvolving(vm);
        running.remove(vm);
        String where = vm.host().name();
        fabric.removeVm(vm);
        return record(new Event(t0, Action.STOP, vm.name(), "on " + where, System.currentTimeMillis() - t0));
    }

    private Event migrate() {
        Vm vm = running.get(nextToMove++ % running.size());
        Host from = vm.host();
        Host to = hosts.get((hosts.indexOf(from) + 1) % hosts.size());
        Vm.Migration m = vm.migrateTo(to);
        long end = m.startedMillis() + m.tookMillis();
        migrations.computeIfAbsent(vm.name(), k -> new ArrayList<>()).add(new Outages.Window(m.startedMillis(), end,
                vm.name() + " " + from.name() + "->" + to.name()));
        return record(new Event(m.startedMillis(), Action.MIGRATE, vm.name(), from.name() + " -> " + to.name(),
                m.tookMillis()));
    }

    private Event record(Event e) {
        events.add(e);
        return e;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The migrations' windows, by VM name. */
    public synchronized Map<String, List<Outages.Window>> migrations() {
        Map<String, List<Outages.Window>> out = new LinkedHashMap<>();
        migrations.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** The VMs running now. */
    public synchronized List<Vm> running() {
        return List.copyOf(running);
    }

    /** Starts refused because {@link #MAX_STARTS} VMs were started. */
    public synchronized long refused() {
        return refused;
    }
}
