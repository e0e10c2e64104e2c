package io.vnet.manager.store;

/** A write for a network was refused: its writer's lease of the network moved on (expired, or another owner's). */
public final class FencedException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final Fence fence;

    public FencedException(Fence fence, String what) {
        super(what + " for network " + fence.vni() + " refused: manager " + fence.managerId() + " no longer holds"
                + " its lease (epoch " + fence.epoch() + ")");
        this.fence = fence;
    }

    public Fence fence() {
        return fence;
    }
}
