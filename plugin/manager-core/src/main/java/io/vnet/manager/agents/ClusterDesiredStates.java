package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.QuietLink;
import io.vnet.manager.ClusterService;
import io.vnet.manager.DesiredParts;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.store.ClusterStore;
import io.vnet.manager.store.DesiredPart;
import io.vnet.manager.store.Fence;
import io.vnet.protocol.Json;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Desired state in a cluster. Two roles, which one manager may play for the same host:
 * <ul>
 *   <li><b>Owner</b> of a network: {@link #setPart} writes the network's part of a host's state to the
 *       database under this manager's lease (a part written after the lease moved on is refused:
 *       {@link io.vnet.manager.store.FencedException}), at a generation per (host, network) that the
 *       database keeps growing across owners, and tells every manager ({@link Notifier#partChanged}).
 *       It learns which part generations a host runs from the host's manager ({@link #relayedApplied}).</li>
 *   <li><b>Home</b> of a host (its agent is connected here): on a part's change and on the agent's hello
 *       it reads the host's parts from the database, composes them ({@link DesiredParts}) and pushes
 *       the whole state, at a generation of its own above any the agent ran; on the agent's
 *       acknowledgement it records in the database which part generations the host runs and tells
 *       every manager.</li>
 * </ul>
 * The home's database work runs on one thread of its own, off the agents' event loops; an owner writes
 * on its caller's thread (the closed loop's). The admin's part ({@link #set}) is the home's alone.
 */
final class ClusterDesiredStates implements DesiredStateService, ClusterService.OwnershipListener {
    private static final System.Logger LOG = System.getLogger(ClusterDesiredStates.class.getName());

    /** How this manager tells the others (the relay). */
    interface Notifier {
        void partChanged(String hostId, int vni, long generation);

        void applied(String hostId, long generation, Map<Integer, Long> parts, List<String> errors);
    }

    private final AgentSessions sessions;
    private final ClusterStore store;
    private final ClusterService cluster;
    private final AtomicLong generations;
    /** The parts of the hosts connected here, with the database's generations, composed into what they run. */
    private final DesiredParts home;
    /** The parts this manager wrote as its networks' owner: host -> VNI -> part. */
    private final Map<String, Map<Integer, DesiredParts.Part>> owned = new ConcurrentHashMap<>();
    /** Which part generations each host runs, as its manager said: host -> VNI -> generation. */
    private final Map<String, Map<Integer, Long>> applied = new ConcurrentHashMap<>();
    /** The composed state of hosts connected to other managers, from the database (for the planner's view). */
    private final Map<String, DesiredState> elsewhere = new ConcurrentHashMap<>();
    private final ExecutorService db;
    private volatile Notifier notifier = new Notifier() {
        @Override
        public void partChanged(String hostId, int vni, long generation) {
        }

        @Override
        public void applied(String hostId, long generation, Map<Integer, Long> parts, List<String> errors) {
        }
    };
    private final LongAdder fenced = new LongAdder();
    private final LongAdder dbFailures = new LongAdder();
    /** Host compositions waiting on the database thread (at most one queued per host). */
    private final java.util.Set<String> queued = ConcurrentHashMap.newKeySet();
    /** The most compositions waiting at once; more are refused (counted) and done at the host's next hello or part. */
    static final int MAX_QUEUED = 100_000;
    private final LongAdder refused = new LongAdder();

    ClusterDesiredStates(AgentSessions sessions, ClusterStore store, ClusterService cluster, long firstGeneration) {
        this.sessions = sessions;
        this.store = store;
        this.cluster = cluster;
        this.generations = new AtomicLong(firstGeneration);
        this.home = new DesiredParts(generations::incrementAndGet);
        this.db = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vnet-cluster-desired");
            t.setDaemon(true);
            return t;
        });
    }

    void notifier(Notifier n) {
        this.notifier = n;
    }

    // ---- owner

    @Override
    public long setPart(String hostId, NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                        List<QuietLink> quiet) {
        Ids.check("host id", hostId);
        long epoch = cluster.epoch(network).orElseThrow(() -> new IllegalStateException("manager " + cluster.self()
                + " does not own network " + network + " (now " + cluster.owner(network).map(ClusterService.Member::id)
                .orElse("nobody") + "): it writes no part of it"));
        Map<Integer, DesiredParts.Part> mine = owned.computeIfAbsent(hostId, h -> new ConcurrentHashMap<>());
        DesiredParts.Part had = mine.get(network.vni());
        if (had != null && had.sameAs(links, rules, quiet)) {
            return had.generation();
        }
        if (had == null && links.isEmpty() && rules.isEmpty() && quiet.isEmpty()) {
            return -1;
        }
        String doc = Json.writeState(links, rules, quiet).toString();
        DesiredPart p;
        try {
            p = store.putDesiredPart(new Fence(network.vni(), cluster.self(), epoch), hostId, doc,
                    System.currentTimeMillis() * 1000);
        } catch (io.vnet.manager.store.FencedException e) {
            fenced.increment();
            throw e;
        }
        mine.put(network.vni(), new DesiredParts.Part(network.vni(), p.generation(), links, rules, quiet));
        partChanged(hostId, network.vni(), p.generation());
        notifier.partChanged(hostId, network.vni(), p.generation());
        return p.generation();
    }

    @Override
    public Optional<DesiredParts.Part> part(String hostId, NetworkId network) {
        Map<Integer, DesiredParts.Part> mine = owned.get(hostId);
        return mine == null ? Optional.empty() : Optional.ofNullable(mine.get(network.vni()));
    }

    @Override
    public long partApplied(String hostId, NetworkId network) {
        Map<Integer, Long> a = applied.get(hostId);
        Long g = a == null ? null : a.get(network.vni());
        return g == null ? -1 : g;
    }

    /**
     * A network this manager now owns: its parts are what the database holds (what the last owner wrote), and
     * what each host runs of them too. Called on the caller's thread (the loop's restore after a takeover).
     */
    @Override
    public void restorePart(String hostId, NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                            List<QuietLink> quiet) {
        for (DesiredPart p : store.desiredParts(hostId)) {
            if (p.vni() == network.vni()) {
                try {
                    DesiredParts.Part part = decode(p);
                    owned.computeIfAbsent(hostId, h -> new ConcurrentHashMap<>()).put(p.vni(), part);
                    applied.computeIfAbsent(hostId, h -> new ConcurrentHashMap<>()).merge(p.vni(), p.appliedGeneration(),
                            Math::max);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "network " + network + "'s part of host " + hostId + " in the database is not"
                            + " valid: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void acquired(NetworkId network, long epoch) {
        // the loop restores what it installed; the parts come with it (restorePart)
    }

    @Override
    public void lost(NetworkId network) {
        owned.values().forEach(m -> m.remove(network.vni()));
    }

    /** Parts written under a lease that had moved on (refused by the database). */
    long fenced() {
        return fenced.sum();
    }

    // ---- home

    /** A part of {@code hostId}'s state changed (here or at another manager): the host's manager pushes it. */
    void partChanged(String hostId, int vni, long generation) {
        schedule(hostId);
    }

    /** An agent said hello here: what it runs is composed again from the database and pushed if it differs. */
    void hello(String hostId, long appliedGeneration) {
        generations.accumulateAndGet(appliedGeneration, Math::max);
        schedule(hostId);
    }

    private void schedule(String hostId) {
        if (!queued.add(hostId)) {
            return; // already waiting: it reads the newest parts when it runs
        }
        if (queued.size() > MAX_QUEUED) {
            queued.remove(hostId);
            refused.increment();
            return;
        }
        try {
            db.execute(() -> {
                queued.remove(hostId);
                compose(hostId);
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            queued.remove(hostId);
        }
    }

    /** On the database thread: the host's parts from the database, composed; pushed if it runs here. */
    private void compose(String hostId) {
        List<DesiredPart> parts;
        try {
            parts = store.desiredParts(hostId);
        } catch (RuntimeException e) {
            dbFailures.increment();
            LOG.log(Level.WARNING, "cluster: cannot read host " + hostId + "'s desired parts: " + e.getMessage()
                    + " (tried again at its next change or hello)");
            return;
        }
        if (!sessions.here(hostId)) {
            List<DesiredParts.Part> decoded = new java.util.ArrayList<>();
            parts.forEach(p -> decodeQuietly(p).ifPresent(decoded::add));
            elsewhere.put(hostId, DesiredParts.compose(hostId, -1, decoded));
            return;
        }
        sessions.desired(hostId).ifPresent(home::current);
        DesiredState push = null;
        for (DesiredPart p : parts) {
            Optional<DesiredParts.Part> d = decodeQuietly(p);
            if (d.isEmpty()) {
                continue;
            }
            DesiredParts.Change c = home.set(hostId, p.vni(), p.generation(), d.get().links(), d.get().rules(),
                    d.get().quiet());
            if (c.whole().isPresent()) {
                push = c.whole().get();
            }
        }
        if (push != null) {
            sessions.desire(push);
            LOG.log(Level.INFO, "host " + hostId + ": desired state generation " + push.generation() + " composed of "
                    + parts.size() + " network part(s)");
        }
    }

    /** What agent {@code hostId}, connected here, acknowledged: the part generations it now runs, told to all. */
    void acked(String hostId, long generation, List<String> errors) {
        Map<Integer, Long> runs = new java.util.TreeMap<>();
        home.keys(hostId).forEach(vni -> {
            long g = home.partApplied(hostId, vni, generation);
            if (g >= 0) {
                runs.put(vni, g);
            }
        });
        if (runs.isEmpty()) {
            return;
        }
        applied.computeIfAbsent(hostId, h -> new ConcurrentHashMap<>()).putAll(runs);
        notifier.applied(hostId, generation, runs, errors);
        try {
            db.execute(() -> {
                try {
                    store.partsApplied(hostId, runs);
                } catch (RuntimeException e) {
                    dbFailures.increment();
                    LOG.log(Level.WARNING, "cluster: cannot record what host " + hostId + " applied: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // stopping
        }
    }

    /** Another manager says which part generations its agent {@code hostId} runs. */
    void relayedApplied(String hostId, Map<Integer, Long> parts) {
        Map<Integer, Long> a = applied.computeIfAbsent(hostId, h -> new ConcurrentHashMap<>());
        parts.forEach((vni, g) -> a.merge(vni, g, Math::max));
    }

    private static DesiredParts.Part decode(DesiredPart p) {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(p.document());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        return new DesiredParts.Part(p.vni(), p.generation(), Json.links(doc.path("links"), "links"),
                Json.rules(doc.path("rules"), "rules"), Json.quietLinks(doc.path("quiet"), "quiet"));
    }

    private static Optional<DesiredParts.Part> decodeQuietly(DesiredPart p) {
        try {
            return Optional.of(decode(p));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "network " + p.vni() + "'s part of host " + p.hostId() + " in the database is not"
                    + " valid (skipped): " + e.getMessage());
            return Optional.empty();
        }
    }

    // ---- the service's other half

    @Override
    public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules) {
        return set(hostId, links, rules, List.of());
    }

    /** The admin's part of a host connected here (another manager's host: set it there). */
    @Override
    public synchronized DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules,
                                         List<QuietLink> quiet) {
        Ids.check("host id", hostId);
        if (!sessions.here(hostId)) {
            throw new IllegalStateException("host " + hostId + " is " + sessions.home(hostId).map(h -> "connected to"
                    + " manager " + h).orElse("not connected to this manager") + ": set its desired state at its manager");
        }
        sessions.desired(hostId).ifPresent(home::current);
        return home.setAdmin(hostId, links, rules, quiet, sessions::desire);
    }

    @Override
    public Optional<DesiredState> get(String hostId) {
        if (sessions.here(hostId)) {
            return sessions.desired(hostId);
        }
        DesiredState e = elsewhere.get(hostId);
        return e != null ? Optional.of(e) : sessions.desired(hostId);
    }

    /** Part writes refused by fencing, database failures of the home's work, compositions refused (queue full). */
    long dbFailures() {
        return dbFailures.sum();
    }

    long refused() {
        return refused.sum();
    }

    void close() {
        db.shutdownNow();
    }
}
