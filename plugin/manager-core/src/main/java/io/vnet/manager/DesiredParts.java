package io.vnet.manager;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.QuietLink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A host's desired state made of parts, one per network (the network's owner writes it) and one
 * the admin set by hand, composed into the one state the agent runs. Pure bookkeeping, no I/O:
 * the desired-state services keep one of these and push what it composes.
 *
 * <p><b>Compose</b>: the admin's part first, then each network's in VNI order. A link (by id) is
 * given once, carrying and flooding the networks of every part that has it (networks sharing a
 * host pair share the link); a rule (by network, source and destination) comes from the first
 * part that has it; quiet links carry every part's networks.
 *
 * <p><b>Generations</b>: every change of a part gets a generation of its own, and a change of the
 * composed state a new whole generation. Each whole generation records the part generations it
 * carries, so once the agent applied whole generation G, a part is applied up to the newest of its
 * generations that G or an older whole generation carries ({@link #partApplied}).
 */
public final class DesiredParts {
    /** The admin's part (a whole state set by hand); sorts before every network. */
    public static final int ADMIN = -1;
    /** Whole generations remembered per host for {@link #partApplied} (older ones are folded). */
    static final int KEEP_WHOLE = 64;

    /**
     * One part of a host's desired state.
     *
     * @param key        the network's VNI, or {@link #ADMIN}
     * @param generation its generation
     */
    public record Part(int key, long generation, List<LinkSpec> links, List<ForwardingRule> rules, List<QuietLink> quiet) {
        public Part {
            links = List.copyOf(links);
            rules = List.copyOf(rules);
            quiet = List.copyOf(quiet);
        }

        public boolean sameAs(List<LinkSpec> l, List<ForwardingRule> r, List<QuietLink> q) {
            return new HashSet<>(links).equals(new HashSet<>(l)) && new HashSet<>(rules).equals(new HashSet<>(r))
                    && new HashSet<>(quiet).equals(new HashSet<>(q));
        }

        public boolean isEmpty() {
            return links.isEmpty() && rules.isEmpty() && quiet.isEmpty();
        }
    }

    /**
     * What a change did.
     *
     * @param part  the part's generation now (-1: the part is empty and never was anything)
     * @param whole the composed state to push, or empty when it did not change
     */
    public record Change(long part, Optional<DesiredState> whole) {
    }

    private static final class Host {
        final Map<Integer, Part> parts = new TreeMap<>();
        /** Whole generation -> the part generations it carries (key -> generation). */
        final TreeMap<Long, Map<Integer, Long>> carried = new TreeMap<>();
        DesiredState current;
    }

    private final Map<String, Host> hosts = new HashMap<>();
    private final LongSupplier nextGeneration;

    /** @param nextGeneration gives every new generation, part or whole (increasing) */
    public DesiredParts(LongSupplier nextGeneration) {
        this.nextGeneration = nextGeneration;
    }

    /**
     * Sets part {@code key} of {@code hostId}; a part the same as before (as sets) changes nothing.
     * An empty part that was never anything stays absent (part generation -1).
     */
    public synchronized Change set(String hostId, int key, List<LinkSpec> links, List<ForwardingRule> rules,
                                   List<QuietLink> quiet) {
        return set(hostId, key, -1, links, rules, quiet);
    }

    /**
     * As {@link #set(String, int, List, List, List)}, with the part's generation given (the database's, in a
     * cluster; -1: the next of this object's): a part whose generation is not newer than the one held is
     * left as it is.
     */
    public synchronized Change set(String hostId, int key, long generation, List<LinkSpec> links,
                                   List<ForwardingRule> rules, List<QuietLink> quiet) {
        Host h = hosts.computeIfAbsent(hostId, k -> new Host());
        Part had = h.parts.get(key);
        if (had != null && generation >= 0 && generation <= had.generation()) {
            return new Change(had.generation(), Optional.empty());
        }
        if (had != null && had.sameAs(links, rules, quiet)) {
            if (generation < 0) {
                return new Change(had.generation(), Optional.empty());
            }
            // a newer generation of the same part: the host runs it once it runs what it runs now
            Part same = new Part(key, generation, links, rules, quiet);
            h.parts.put(key, same);
            if (h.current != null) {
                h.carried.computeIfAbsent(h.current.generation(), g -> new TreeMap<>()).put(key, generation);
            }
            return new Change(generation, Optional.empty());
        }
        if (had == null && links.isEmpty() && rules.isEmpty() && quiet.isEmpty() && generation < 0) {
            return new Change(-1, Optional.empty());
        }
        Part p = new Part(key, generation >= 0 ? generation : nextGeneration.getAsLong(), links, rules, quiet);
        h.parts.put(key, p);
        DesiredState whole = compose(hostId, 0, h.parts.values());
        if (h.current != null && same(h.current, whole)) {
            // the agent runs it already once it applies the current whole generation
            h.carried.computeIfAbsent(h.current.generation(), g -> new TreeMap<>()).put(key, p.generation());
            return new Change(p.generation(), Optional.empty());
        }
        DesiredState next = new DesiredState(hostId, nextGeneration.getAsLong(), whole.links(), whole.rules(), whole.quiet());
        record(h, next);
        return new Change(p.generation(), Optional.of(next));
    }

    /**
     * Sets the admin's part of {@code hostId} ({@link #ADMIN}) and gives {@code push} the composed state if it
     * changed; returns the state the host is to run. A host with nothing composed yet gets {@code links, rules,
     * quiet} as a whole state at a generation of its own (pushed), as before parts.
     */
    public synchronized DesiredState setAdmin(String hostId, List<LinkSpec> links, List<ForwardingRule> rules,
                                              List<QuietLink> quiet, java.util.function.Consumer<DesiredState> push) {
        set(hostId, ADMIN, links, rules, quiet).whole().ifPresent(push);
        return current(hostId).orElseGet(() -> {
            DesiredState d = new DesiredState(hostId, nextGeneration.getAsLong(), links, rules, quiet);
            replaced(d);
            push.accept(d);
            return d;
        });
    }

    /**
     * Takes {@code current} as what the host was last given (a restarted manager's stored state), without
     * composing or pushing: parts restored afterwards ({@link #restore}) count as carried by it.
     */
    public synchronized void current(DesiredState current) {
        Host h = hosts.computeIfAbsent(current.hostId(), k -> new Host());
        if (h.current == null || h.current.generation() < current.generation()) {
            h.current = current;
            h.carried.computeIfAbsent(current.generation(), g -> new TreeMap<>());
        }
    }

    /**
     * Takes part {@code key} as it was before a restart, carried by the host's current state (nothing is
     * pushed); returns its generation (-1 for an empty part, which is not kept).
     */
    public synchronized long restore(String hostId, int key, List<LinkSpec> links, List<ForwardingRule> rules,
                                     List<QuietLink> quiet) {
        if (links.isEmpty() && rules.isEmpty() && quiet.isEmpty()) {
            return -1;
        }
        Host h = hosts.computeIfAbsent(hostId, k -> new Host());
        Part p = new Part(key, nextGeneration.getAsLong(), links, rules, quiet);
        h.parts.put(key, p);
        if (h.current != null) {
            h.carried.computeIfAbsent(h.current.generation(), g -> new TreeMap<>()).put(key, p.generation());
        }
        return p.generation();
    }

    /** A whole state set from outside the parts (it replaces the current one; parts keep their generations). */
    public synchronized void replaced(DesiredState whole) {
        Host h = hosts.computeIfAbsent(whole.hostId(), k -> new Host());
        record(h, whole);
    }

    private static void record(Host h, DesiredState next) {
        Map<Integer, Long> carries = new TreeMap<>();
        h.parts.forEach((k, p) -> carries.put(k, p.generation()));
        h.carried.put(next.generation(), carries);
        h.current = next;
        while (h.carried.size() > KEEP_WHOLE) {
            // fold the oldest into the next: what an older generation carried, a newer one carries too or replaced
            Map.Entry<Long, Map<Integer, Long>> oldest = h.carried.pollFirstEntry();
            Map<Integer, Long> next2 = h.carried.firstEntry().getValue();
            oldest.getValue().forEach(next2::putIfAbsent);
        }
    }

    /** The part's generation, if the host has that part. */
    public synchronized Optional<Part> part(String hostId, int key) {
        Host h = hosts.get(hostId);
        return h == null ? Optional.empty() : Optional.ofNullable(h.parts.get(key));
    }

    /**
     * The newest generation of part {@code key} the host runs once it applied whole generation {@code applied}
     * (-1: none).
     */
    public synchronized long partApplied(String hostId, int key, long applied) {
        Host h = hosts.get(hostId);
        if (h == null) {
            return -1;
        }
        long best = -1;
        for (Map<Integer, Long> carries : h.carried.headMap(applied, true).values()) {
            Long g = carries.get(key);
            if (g != null && g > best) {
                best = g;
            }
        }
        return best;
    }

    /** The keys of the host's parts (VNIs, and {@link #ADMIN} if it has the admin's). */
    public synchronized java.util.Set<Integer> keys(String hostId) {
        Host h = hosts.get(hostId);
        return h == null ? java.util.Set.of() : java.util.Set.copyOf(h.parts.keySet());
    }

    /** The composed state last given to the host, if any. */
    public synchronized Optional<DesiredState> current(String hostId) {
        Host h = hosts.get(hostId);
        return h == null ? Optional.empty() : Optional.ofNullable(h.current);
    }

    static boolean same(DesiredState a, DesiredState b) {
        return new HashSet<>(a.links()).equals(new HashSet<>(b.links())) && new HashSet<>(a.rules()).equals(new HashSet<>(b.rules()))
                && new HashSet<>(a.quiet()).equals(new HashSet<>(b.quiet()));
    }

    /** The parts composed into one state (the class comment says how), at {@code generation}. */
    public static DesiredState compose(String hostId, long generation, java.util.Collection<Part> parts) {
        Map<String, LinkSpec> byId = new TreeMap<>();
        Map<String, Set<NetworkId>> quietById = new TreeMap<>();
        Set<ForwardingRule.Key> keys = new HashSet<>();
        List<ForwardingRule> rules = new ArrayList<>();
        List<Part> ordered = new ArrayList<>(parts);
        ordered.sort(java.util.Comparator.comparingInt(Part::key));
        for (Part p : ordered) {
            for (LinkSpec l : p.links()) {
                LinkSpec had = byId.get(l.id());
                if (had == null) {
                    byId.put(l.id(), l);
                } else {
                    Set<NetworkId> carried = new TreeSet<>(had.networks());
                    carried.addAll(l.networks());
                    Set<NetworkId> flooded = new TreeSet<>(had.flooded());
                    flooded.addAll(l.flooded());
                    byId.put(l.id(), had.withNetworks(carried, flooded));
                }
            }
            for (QuietLink q : p.quiet()) {
                quietById.computeIfAbsent(q.link(), k -> new TreeSet<>()).addAll(q.networks());
            }
            for (ForwardingRule r : p.rules()) {
                if (keys.add(r.key())) {
                    rules.add(r);
                }
            }
        }
        List<QuietLink> quiet = new ArrayList<>();
        quietById.forEach((id, nets) -> quiet.add(new QuietLink(id, List.copyOf(nets))));
        return new DesiredState(hostId, generation, List.copyOf(byId.values()), rules, quiet);
    }
}
