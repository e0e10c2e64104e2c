package io.vnet.manager.cluster;

import io.vnet.api.NetworkId;
import io.vnet.manager.ClusterService;
import io.vnet.manager.store.ClusterStore;
import io.vnet.manager.store.Fence;
import io.vnet.manager.store.ManagerMember;
import io.vnet.manager.store.NetworkLease;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Managers sharing networks through leases in the database ({@link ClusterStore}). Every
 * {@code tickMs} (one thread, {@link #tick()}), in this order:
 * <ol>
 *   <li><b>heartbeat</b>: this manager's row, and the live members (heartbeat within the lease time);</li>
 *   <li><b>networks</b>: the networks this manager's agents carry get lease rows (unowned), so every
 *       manager sees every network;</li>
 *   <li><b>renew</b>: every lease it holds unexpired is extended; one that expired is lost;</li>
 *   <li><b>claim</b>: each network nobody holds is taken by its preferred owner ({@link Rendezvous}
 *       over the live members), or by anyone once it has stayed unheld for a whole lease time (its
 *       preferred owner is not acting);</li>
 *   <li><b>hand on</b>: a network whose preferred owner is another manager that has been live for
 *       two lease times is released, so a manager that joins gets its share;</li>
 *   <li>listeners hear what was {@link OwnershipListener#acquired acquired} and {@link OwnershipListener#lost lost},
 *       in order, on a thread of their own (a slow listener never delays the next round's renewals); what waits
 *       for them is at most a loss and an acquisition per network ({@link PendingChanges}).</li>
 * </ol>
 * Locally, this manager counts a lease as held until its round's start plus the lease time less
 * one tick (its own monotonic clock, a margin for the database's); a round that fails leaves
 * the leases held until then, and no longer; the database's fence is what
 * decides a write ({@link ClusterStore#putDesiredPart}, {@link ClusterStore#putDecision}).
 * A manager that dies is taken over within its lease time and a tick or two; one that leaves
 * ({@link #close}) gives its networks up at once.
 */
public final class LeaseCluster implements ClusterService, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseCluster.class.getName());

    /** How often the networks this manager's agents carry are written when they have not changed. */
    static final long NETWORKS_EVERY_MS = 30_000;

    private final ClusterStore store;
    private final ClusterConfig config;
    private final Supplier<Set<NetworkId>> local;
    private final List<OwnershipListener> listeners = new CopyOnWriteArrayList<>();
    /** What this manager holds (VNI -> epoch), and until when (its local clock) it counts them held. */
    private volatile Map<Integer, Long> held = Map.of();
    private volatile long heldUntilMs;
    /** This manager's monotonic clock, in milliseconds. */
    private final java.util.function.LongSupplier localMs;
    private volatile Map<NetworkId, String> owners = Map.of();
    private volatile List<Member> members = List.of();
    /** When each other member was first seen live in a row (this manager's clock), for hand-on. */
    private final Map<String, Long> liveSince = new HashMap<>();
    /** Per network nobody holds: when this manager first saw it so (for the fallback claim). */
    private final Map<Integer, Long> unheldSince = new HashMap<>();
    private Set<Integer> networksWritten = Set.of();
    private long networksWrittenAt;
    private final java.util.concurrent.atomic.AtomicLong ticksFailed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong acquisitions = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong losses = new java.util.concurrent.atomic.AtomicLong();
    private java.util.concurrent.ScheduledExecutorService clock;
    /**
     * Where listeners hear of changes, in order: a thread of its own, so that a listener that restores a network
     * from the database (the closed loop's) never holds back the next round's renewals.
     */
    private final java.util.concurrent.Executor telling;
    /** The changes the listeners have not heard yet: at most two per network ({@link PendingChanges}). */
    private final PendingChanges pending = new PendingChanges();

    /**
     * @param local the networks this manager's agents carry now
     */
    public LeaseCluster(ClusterStore store, ClusterConfig config, Supplier<Set<NetworkId>> local) {
        this(store, config, local, () -> System.nanoTime() / 1_000_000);
    }

    /** With this manager's monotonic clock (tests give their own). */
    LeaseCluster(ClusterStore store, ClusterConfig config, Supplier<Set<NetworkId>> local,
                 java.util.function.LongSupplier localMs) {
        this(store, config, local, localMs, java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vnet-cluster-listeners");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With the executor listeners hear of changes on (tests: the calling thread). */
    LeaseCluster(ClusterStore store, ClusterConfig config, Supplier<Set<NetworkId>> local,
                 java.util.function.LongSupplier localMs, java.util.concurrent.Executor telling) {
        this.telling = telling;
        this.localMs = localMs;
        this.store = store;
        this.config = config;
        this.local = local;
    }

    /** Starts ticking on a thread of its own (the first tick at once). */
    public synchronized void start() {
        clock = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vnet-cluster");
            t.setDaemon(true);
            return t;
        });
        clock.scheduleWithFixedDelay(this::tickQuietly, 0, config.tickMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "cluster: manager " + config.id() + " (agents at " + config.agentAddress() + (config.apiAddress()
                == null ? "" : ", API at " + config.apiAddress()) + "), leases of " + config.leaseMs() + " ms renewed every "
                + config.tickMs() + " ms");
    }

    /** One round, its failure counted and logged (the clock's thread runs this). */
    void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            long n = ticksFailed.incrementAndGet();
            LOG.log(Level.WARNING, "cluster: round " + n + " failed (the leases held count until they expire): " + e);
            expireLocally();
        }
    }

    /** One round (the clock's; tests call it directly). */
    public synchronized void tick() {
        long nowMs = localMs.getAsLong();
        ManagerMember me = new ManagerMember(config.id(), config.agentAddress(), config.apiAddress(), 0, 0);
        List<ManagerMember> live = store.heartbeat(me, config.leaseMs());
        List<String> liveIds = new ArrayList<>();
        List<Member> view = new ArrayList<>();
        for (ManagerMember m : live) {
            liveIds.add(m.id());
            view.add(new Member(m.id(), m.agentAddress(), m.apiAddress()));
        }
        liveSince.keySet().retainAll(liveIds);
        liveIds.forEach(id -> liveSince.putIfAbsent(id, nowMs));
        members = List.copyOf(view);
        writeNetworks(nowMs);
        Map<Integer, Long> mine = new TreeMap<>();
        store.renew(config.id(), config.leaseMs()).forEach(l -> mine.put(l.vni(), l.epoch()));
        long dbNow = store.now();
        Map<NetworkId, String> ownerView = new TreeMap<>();
        Map<Integer, NetworkLease> toClaim = new TreeMap<>();
        for (NetworkLease l : store.leases()) {
            if (l.held(dbNow)) {
                unheldSince.remove(l.vni());
                ownerView.put(NetworkId.of(l.vni()), l.owner());
                if (l.owner().equals(config.id()) && mine.containsKey(l.vni()) && handOn(l.vni(), liveIds, nowMs)) {
                    if (store.release(new Fence(l.vni(), config.id(), mine.get(l.vni())))) {
                        mine.remove(l.vni());
                        ownerView.remove(NetworkId.of(l.vni()));
                        LOG.log(Level.INFO, "cluster: network " + l.vni() + " handed on to manager "
                                + Rendezvous.preferred(l.vni(), liveIds).orElse("?"));
                    }
                }
                continue;
            }
            long since = unheldSince.computeIfAbsent(l.vni(), v -> nowMs);
            boolean preferred = Rendezvous.preferred(l.vni(), liveIds).map(config.id()::equals).orElse(false);
            if (preferred || nowMs - since >= config.leaseMs()) {
                toClaim.put(l.vni(), l);
            }
        }
        // every network to take in one transaction: a takeover of hundreds is a few statements, so the round
        // ends long before the leases it renewed at its start run out
        for (NetworkLease got : toClaim.isEmpty() ? List.<NetworkLease>of()
                : store.claimAll(toClaim.keySet(), config.id(), config.leaseMs())) {
            NetworkLease was = toClaim.get(got.vni());
            boolean preferred = Rendezvous.preferred(got.vni(), liveIds).map(config.id()::equals).orElse(false);
            mine.put(got.vni(), got.epoch());
            ownerView.put(NetworkId.of(got.vni()), config.id());
            unheldSince.remove(got.vni());
            LOG.log(Level.INFO, "cluster: network " + got.vni() + " owned by manager " + config.id() + " (epoch "
                    + got.epoch() + (was == null || was.owner() == null ? ", first owner" : ", was " + was.owner())
                    + (preferred ? "" : ", not its preferred owner: that one did not take it") + ")");
        }
        owners = Map.copyOf(ownerView);
        Map<Integer, Long> before = held;
        held = Map.copyOf(mine);
        heldUntilMs = nowMs + config.leaseMs() - config.tickMs();
        tell(before, mine);
    }

    /** Whether this manager should hand {@code vni} on: its preferred owner is another manager, live long enough. */
    private boolean handOn(int vni, List<String> liveIds, long nowMs) {
        String preferred = Rendezvous.preferred(vni, liveIds).orElse(config.id());
        if (preferred.equals(config.id())) {
            return false;
        }
        Long since = liveSince.get(preferred);
        return since != null && nowMs - since >= 2 * config.leaseMs();
    }

    private void writeNetworks(long nowMs) {
        Set<Integer> now = new TreeSet<>();
        local.get().forEach(n -> now.add(n.vni()));
        if (!now.equals(networksWritten) || nowMs - networksWrittenAt >= NETWORKS_EVERY_MS) {
            store.networksSeen(now);
            networksWritten = now;
            networksWrittenAt = nowMs;
        }
    }

    /** The leases could not be renewed: once their time is up here, they are lost (listeners told). */
    private synchronized void expireLocally() {
        if (!held.isEmpty() && localMs.getAsLong() >= heldUntilMs) {
            Map<Integer, Long> before = held;
            held = Map.of();
            LOG.log(Level.WARNING, "cluster: the database did not answer for a lease time: manager " + config.id()
                    + " no longer counts itself the owner of " + before.size() + " network(s)");
            tell(before, Map.of());
        }
    }

    private void tell(Map<Integer, Long> before, Map<Integer, Long> after) {
        boolean due = false;
        for (Map.Entry<Integer, Long> b : before.entrySet()) {
            if (!b.getValue().equals(after.get(b.getKey()))) {
                losses.incrementAndGet();
                LOG.log(Level.INFO, "cluster: manager " + config.id() + " no longer owns network " + b.getKey());
                due |= pending.add(PendingChanges.Change.lost(b.getKey()));
            }
        }
        for (Map.Entry<Integer, Long> a : after.entrySet()) {
            if (!a.getValue().equals(before.get(a.getKey()))) {
                acquisitions.incrementAndGet();
                due |= pending.add(PendingChanges.Change.acquired(a.getKey(), a.getValue()));
            }
        }
        if (due) {
            try {
                telling.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // closed: nobody listens any more
            }
        }
    }

    /**
     * Tells the listeners every change that waits, in order (the listeners' executor runs this once
     * per round that found nothing waiting: what comes while it runs waits for the next drain, which
     * the round that added it has asked for if this one had already taken the rest).
     */
    private void drain() {
        for (PendingChanges.Change c : pending.take()) {
            NetworkId n = NetworkId.of(c.vni());
            for (OwnershipListener l : listeners) {
                safely(c.acquired() ? () -> l.acquired(n, c.epoch()) : () -> l.lost(n));
            }
        }
    }

    /** Ownership changes the listeners had not heard when a newer change of the same network replaced them. */
    public long changesMerged() {
        return pending.merged();
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster: an ownership listener failed: " + e, e);
        }
    }

    @Override
    public String self() {
        return config.id();
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public boolean owns(NetworkId network) {
        return held.containsKey(network.vni()) && localMs.getAsLong() < heldUntilMs;
    }

    @Override
    public OptionalLong epoch(NetworkId network) {
        Long e = held.get(network.vni());
        return e == null || !owns(network) ? OptionalLong.empty() : OptionalLong.of(e);
    }

    /** The fence of this manager's lease of {@code network}, if it owns it. */
    public Optional<Fence> fence(NetworkId network) {
        OptionalLong e = epoch(network);
        return e.isPresent() ? Optional.of(new Fence(network.vni(), config.id(), e.getAsLong())) : Optional.empty();
    }

    @Override
    public Optional<Member> owner(NetworkId network) {
        String id = owners.get(network);
        return id == null ? Optional.empty() : members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    @Override
    public Map<NetworkId, String> owners() {
        return owners;
    }

    @Override
    public List<Member> members() {
        return members;
    }

    @Override
    public void addListener(OwnershipListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(OwnershipListener listener) {
        listeners.remove(listener);
    }

    /** Rounds that failed, networks acquired and lost since the start. */
    public long ticksFailed() {
        return ticksFailed.get();
    }

    public long acquisitions() {
        return acquisitions.get();
    }

    public long losses() {
        return losses.get();
    }

    /** Stops ticking and leaves the cluster: its leases expire now, so the others take its networks at once. */
    @Override
    public synchronized void close() {
        if (clock != null) {
            clock.shutdownNow();
            clock = null;
        }
        Map<Integer, Long> before = held;
        held = Map.of();
        tell(before, Map.of());
        if (telling instanceof java.util.concurrent.ExecutorService es) {
            es.shutdown(); // what it was told runs, then its thread ends
        }
        try {
            store.leave(config.id());
            LOG.log(Level.INFO, "cluster: manager " + config.id() + " left; its " + before.size() + " network(s) are free");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster: manager " + config.id() + " could not leave (its leases expire by"
                    + " themselves): " + e);
        }
    }
}
