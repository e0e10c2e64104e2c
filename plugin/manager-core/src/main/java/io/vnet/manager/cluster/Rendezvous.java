package io.vnet.manager.cluster;

import java.util.Collection;
import java.util.Optional;

/**
 * Highest-random-weight (rendezvous) hashing: each network's preferred manager is the live one whose
 * mix of (network, manager id) is largest. Every manager computes the same answer from the same
 * members, and when a manager joins or leaves only the networks it wins or held change hands.
 */
final class Rendezvous {
    private Rendezvous() {
    }

    /** The preferred manager of {@code vni} among {@code managers}, or empty when there is none. */
    static Optional<String> preferred(int vni, Collection<String> managers) {
        String best = null;
        long bestWeight = Long.MIN_VALUE;
        for (String m : managers) {
            long w = weight(vni, m);
            if (best == null || w > bestWeight || w == bestWeight && m.compareTo(best) < 0) {
                best = m;
                bestWeight = w;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A well-mixed 64-bit weight of the pair (SplitMix64's finaliser over the id's bytes and the VNI). */
    static long weight(int vni, String manager) {
        long h = 0x9E3779B97F4A7C15L ^ vni;
        for (byte b : manager.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xff));
        }
        return mix(h ^ ((long) vni << 32));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
