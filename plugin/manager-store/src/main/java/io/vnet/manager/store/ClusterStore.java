package io.vnet.manager.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What managers in a cluster share through the database: who is a member, which manager owns
 * each network until when (a lease), and the network-scoped desired state its owner wrote.
 * Times are the database's clock, in epoch milliseconds, so managers whose clocks differ agree.
 *
 * <p>Fencing: a lease's epoch grows by one at every change of owner. A write for a network
 * names the {@link Fence} its writer holds and is refused with {@link FencedException} when that
 * manager no longer holds that epoch unexpired; a manager paused past its lease cannot write for
 * a network someone else took, however late it wakes.
 */
public interface ClusterStore {
    /** The database's clock now, epoch milliseconds. */
    long now();

    /**
     * Upserts {@code self} with a heartbeat at the database's now (its {@code heartbeatMs} is
     * ignored) and returns every member whose heartbeat is at most {@code liveMs} old, {@code self}
     * included, ordered by id.
     */
    List<ManagerMember> heartbeat(ManagerMember self, long liveMs);

    /** Every member, live or not, ordered by id. */
    List<ManagerMember> members();

    /** A manager stops: its row goes and its leases expire now (others take them at once). */
    void leave(String managerId);

    /**
     * Networks that agents carry: a lease row (unowned) is made for each new one, and the time
     * each was last seen is updated. At most {@value #MAX_NETWORKS_SEEN} per call.
     */
    void networksSeen(Collection<Integer> vnis);

    int MAX_NETWORKS_SEEN = 100_000;

    /** Every network's lease, ordered by VNI. */
    List<NetworkLease> leases();

    /** The lease of one network, if the network was ever seen. */
    Optional<NetworkLease> lease(int vni);

    /**
     * Takes {@code vni} for {@code managerId} for {@code leaseMs} if nobody holds it unexpired
     * (the epoch grows by one); the lease, or empty when someone else holds it (or the network
     * was never seen).
     */
    Optional<NetworkLease> claim(int vni, String managerId, long leaseMs);

    /**
     * {@link #claim} of many networks at once (a takeover of hundreds of networks is a few statements, not
     * a transaction each): the leases taken, ordered by VNI; those someone else holds are left out.
     */
    default List<NetworkLease> claimAll(java.util.Collection<Integer> vnis, String managerId, long leaseMs) {
        List<NetworkLease> out = new java.util.ArrayList<>();
        for (int vni : new java.util.TreeSet<>(vnis)) {
            claim(vni, managerId, leaseMs).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Extends every unexpired lease {@code managerId} holds by {@code leaseMs} from now, and
     * returns the leases it holds now. An expired lease is not extended: it is lost (to be claimed
     * again with a new epoch), so a write under the old epoch stays refused.
     */
    List<NetworkLease> renew(String managerId, long leaseMs);

    /** Gives up a lease held with {@code fence}'s epoch (it expires now); whether it was held. */
    boolean release(Fence fence);

    /** Whether {@code fence} holds now (its manager holds that epoch, unexpired). */
    boolean holds(Fence fence);

    /**
     * Writes a network's part of a host's desired state under {@code fence}: its generation is the
     * larger of one more than the part's last and {@code atLeast} (generations keep growing across
     * owners and restarts). Returns the part as written.
     *
     * @throws FencedException the fence no longer holds; nothing was written
     */
    DesiredPart putDesiredPart(Fence fence, String hostId, String document, long atLeast);

    /** The newest part of every network for {@code hostId}, ordered by VNI. */
    List<DesiredPart> desiredParts(String hostId);

    /** Every host's part of network {@code vni}, ordered by host. */
    List<DesiredPart> desiredPartsOfNetwork(int vni);

    /**
     * The host applied these part generations (by VNI): each part's applied generation becomes the
     * larger of what it was and the given one. Returns how many parts changed.
     */
    int partsApplied(String hostId, java.util.Map<Integer, Long> generations);

    /**
     * Writes a decision of the closed loop under {@code fence} (upsert by VNI and id).
     *
     * @throws FencedException the fence no longer holds; nothing was written
     */
    void putDecision(Fence fence, DecisionRecord decision);
}
