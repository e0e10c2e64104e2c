package io.vnet.manager.cluster;

import io.vnet.manager.store.ClusterStore;
import io.vnet.manager.store.DecisionRecord;
import io.vnet.manager.store.DesiredPart;
import io.vnet.manager.store.Fence;
import io.vnet.manager.store.FencedException;
import io.vnet.manager.store.ManagerMember;
import io.vnet.manager.store.NetworkLease;
import io.vnet.manager.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The cluster's store in memory, with the semantics of the database's (the store's contract tests
 * hold both to them): leases on a clock the test moves, epochs, fencing, parts. {@link #down} makes
 * every call fail as an unreachable database does.
 */
final class MemoryClusterStore implements ClusterStore {
    private final LongSupplier clock;
    private final Map<String, ManagerMember> members = new TreeMap<>();
    private final Map<Integer, NetworkLease> leases = new TreeMap<>();
    private final Map<String, DesiredPart> parts = new TreeMap<>();
    final Map<String, DecisionRecord> decisions = new TreeMap<>();
    volatile boolean down;

    MemoryClusterStore(LongSupplier clock) {
        this.clock = clock;
    }

    private long up() {
        if (down) {
            throw new StoreUnavailableException("the database is unreachable (test)", null);
        }
        return clock.getAsLong();
    }

    @Override
    public synchronized long now() {
        return up();
    }

    @Override
    public synchronized List<ManagerMember> heartbeat(ManagerMember self, long liveMs) {
        long now = up();
        ManagerMember had = members.get(self.id());
        members.put(self.id(), new ManagerMember(self.id(), self.agentAddress(), self.apiAddress(),
                had == null ? now : had.startedMs(), now));
        return members.values().stream().filter(m -> m.heartbeatMs() >= now - liveMs).toList();
    }

    @Override
    public synchronized List<ManagerMember> members() {
        up();
        return List.copyOf(members.values());
    }

    @Override
    public synchronized void leave(String managerId) {
        long now = up();
        leases.replaceAll((v, l) -> l.heldBy(managerId, now) ? new NetworkLease(v, l.owner(), l.epoch(), now, l.seenMs()) : l);
        members.remove(managerId);
    }

    @Override
    public synchronized void networksSeen(Collection<Integer> vnis) {
        long now = up();
        for (int v : vnis) {
            NetworkLease l = leases.get(v);
            leases.put(v, l == null ? new NetworkLease(v, null, 0, 0, now)
                    : new NetworkLease(v, l.owner(), l.epoch(), l.expiresMs(), now));
        }
    }

    @Override
    public synchronized List<NetworkLease> leases() {
        up();
        return List.copyOf(leases.values());
    }

    @Override
    public synchronized Optional<NetworkLease> lease(int vni) {
        up();
        return Optional.ofNullable(leases.get(vni));
    }

    @Override
    public synchronized Optional<NetworkLease> claim(int vni, String managerId, long leaseMs) {
        long now = up();
        NetworkLease l = leases.get(vni);
        if (l == null || l.held(now)) {
            return Optional.empty();
        }
        NetworkLease got = new NetworkLease(vni, managerId, l.epoch() + 1, now + leaseMs, l.seenMs());
        leases.put(vni, got);
        return Optional.of(got);
    }

    @Override
    public synchronized List<NetworkLease> renew(String managerId, long leaseMs) {
        long now = up();
        List<NetworkLease> out = new ArrayList<>();
        leases.replaceAll((v, l) -> l.heldBy(managerId, now) ? new NetworkLease(v, l.owner(), l.epoch(), now + leaseMs,
                l.seenMs()) : l);
        leases.values().stream().filter(l -> l.heldBy(managerId, now)).forEach(out::add);
        return out;
    }

    @Override
    public synchronized boolean release(Fence fence) {
        long now = up();
        if (!holds(fence)) {
            return false;
        }
        NetworkLease l = leases.get(fence.vni());
        leases.put(fence.vni(), new NetworkLease(l.vni(), l.owner(), l.epoch(), now, l.seenMs()));
        return true;
    }

    @Override
    public synchronized boolean holds(Fence fence) {
        long now = up();
        NetworkLease l = leases.get(fence.vni());
        return l != null && l.heldBy(fence.managerId(), now) && l.epoch() == fence.epoch();
    }

    @Override
    public synchronized DesiredPart putDesiredPart(Fence fence, String hostId, String document, long atLeast) {
        if (!holds(fence)) {
            throw new FencedException(fence, "the desired state of host " + hostId);
        }
        String key = hostId + "/" + fence.vni();
        DesiredPart had = parts.get(key);
        DesiredPart p = new DesiredPart(hostId, fence.vni(), Math.max(atLeast, had == null ? 0 : had.generation() + 1),
                fence.epoch(), fence.managerId(), document, Instant.ofEpochMilli(clock.getAsLong()),
                had == null ? -1 : had.appliedGeneration());
        parts.put(key, p);
        return p;
    }

    @Override
    public synchronized List<DesiredPart> desiredParts(String hostId) {
        up();
        return parts.values().stream().filter(p -> p.hostId().equals(hostId)).toList();
    }

    @Override
    public synchronized List<DesiredPart> desiredPartsOfNetwork(int vni) {
        up();
        return parts.values().stream().filter(p -> p.vni() == vni).toList();
    }

    @Override
    public synchronized int partsApplied(String hostId, Map<Integer, Long> generations) {
        up();
        int n = 0;
        for (Map.Entry<Integer, Long> e : generations.entrySet()) {
            DesiredPart p = parts.get(hostId + "/" + e.getKey());
            if (p != null && p.appliedGeneration() < e.getValue()) {
                parts.put(hostId + "/" + e.getKey(), new DesiredPart(p.hostId(), p.vni(), p.generation(), p.epoch(),
                        p.owner(), p.document(), p.createdAt(), e.getValue()));
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized void putDecision(Fence fence, DecisionRecord decision) {
        if (!holds(fence)) {
            throw new FencedException(fence, "decision " + decision.id());
        }
        decisions.put(decision.vni() + "/" + decision.id(), decision);
    }
}
