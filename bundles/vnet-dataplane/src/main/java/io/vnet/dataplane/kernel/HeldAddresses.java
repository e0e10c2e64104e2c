package io.vnet.dataplane.kernel;

import io.vnet.dataplane.tap.BridgeFdb;
import java.util.Set;
import java.util.TreeSet;

/**
 * The addresses a bridge has on VM ports, from its forwarding database as the kernel lists it
 * ({@code /sys/class/net/BRIDGE/brforward}, read without starting a process, see {@link BridgeFdb}):
 * what the kernel path holds against claims from links (see {@link KernelLinks#holds}). The
 * addresses come from tenants' frames and the length from a file, so both are read defensively: a
 * trailing partial record is ignored, the bridge's own addresses and those on ports that are no VM's
 * (the kernel links' devices, the agent's TAP) are skipped, and at most {@code cap} addresses are
 * kept (the lowest), the rest counted.
 */
public final class HeldAddresses {
    /** The most addresses held per network (a VM flooding random sources cannot grow the sets further). */
    public static final int CAP = 16_384;

    /** The held addresses, sorted; how many more there were. */
    public record Result(long[] held, long overCap) {
    }

    private HeldAddresses() {
    }

    /**
     * @param fdb     the listing, {@code len} bytes of it
     * @param vmPorts the bridge port numbers of the VMs' ports
     */
    public static Result parse(byte[] fdb, int len, Set<Integer> vmPorts, int cap) {
        TreeSet<Long> seen = new TreeSet<>();
        int end = Math.max(0, Math.min(len, fdb.length)) / BridgeFdb.ENTRY * BridgeFdb.ENTRY;
        for (int off = 0; off + BridgeFdb.ENTRY <= end; off += BridgeFdb.ENTRY) {
            if (!BridgeFdb.isLocal(fdb, off) && vmPorts.contains(BridgeFdb.portAt(fdb, off))) {
                seen.add(BridgeFdb.macAt(fdb, off));
            }
        }
        int n = Math.min(Math.max(cap, 0), seen.size());
        return new Result(seen.stream().limit(n).mapToLong(Long::longValue).toArray(), seen.size() - n);
    }
}
