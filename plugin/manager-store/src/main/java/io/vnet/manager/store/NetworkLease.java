package io.vnet.manager.store;

/**
 * Which manager owns a network, until when.
 *
 * @param vni       the network
 * @param owner     the manager that holds it, or null when nobody ever took it (an expired lease keeps its last owner)
 * @param epoch     grows by one at every change of owner (0: never owned)
 * @param expiresMs when the lease ends unless renewed (the database's clock)
 * @param seenMs    when agents last carried the network (the database's clock)
 */
public record NetworkLease(int vni, String owner, long epoch, long expiresMs, long seenMs) {
    public NetworkLease {
        Checks.vni("vni", vni);
    }

    /** Whether {@code manager} holds it at {@code nowMs}. */
    public boolean heldBy(String manager, long nowMs) {
        return manager.equals(owner) && expiresMs > nowMs;
    }

    /** Whether anyone holds it at {@code nowMs}. */
    public boolean held(long nowMs) {
        return owner != null && expiresMs > nowMs;
    }

    /** The fence of its owner's epoch. */
    public Fence fence() {
        return new Fence(vni, owner, epoch);
    }
}
