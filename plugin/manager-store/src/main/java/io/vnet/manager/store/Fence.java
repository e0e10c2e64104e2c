package io.vnet.manager.store;

/**
 * What a write for a network carries: the manager that writes and the lease epoch it holds. The
 * store refuses the write ({@link FencedException}) when that manager no longer holds that epoch.
 */
public record Fence(int vni, String managerId, long epoch) {
    public Fence {
        Checks.vni("vni", vni);
        Checks.text("managerId", managerId, 64);
    }
}
