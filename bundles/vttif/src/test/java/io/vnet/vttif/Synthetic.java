package io.vnet.vttif;

import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Turns a rank pattern into a traffic matrix as VTTIF would see it: every rank gets a random
 * unicast MAC address (so node order is a random permutation of rank order), and random
 * background traffic is added on pairs outside the pattern.
 *
 * <p>Noise model: a fraction {@code f} of the total volume (pattern plus noise) is background.
 * It goes to a random subset of at least half of the directed pairs outside the pattern (pairs
 * with no pattern traffic either way), each chosen pair getting a uniformly random share.
 */
final class Synthetic {
    private Synthetic() {
    }

    /** A permuted, noisy matrix, and the MAC of each rank. */
    record Instance(TrafficMatrix matrix, List<MacAddress> macOfRank) {
    }

    static List<MacAddress> randomMacs(int n, Random rnd) {
        Set<MacAddress> macs = new HashSet<>();
        List<MacAddress> list = new ArrayList<>();
        while (list.size() < n) {
            long bits = (rnd.nextLong() & 0xFEFF_FFFF_FFFFL) | 0x0200_0000_0000L;
            MacAddress m = MacAddress.of(bits);
            if (macs.add(m)) {
                list.add(m);
            }
        }
        Collections.shuffle(list, rnd);
        return list;
    }

    static Instance instance(double[][] pattern, double noiseFraction, Random rnd) {
        int n = pattern.length;
        List<MacAddress> macs = randomMacs(n, rnd);
        double volume = 0;
        List<int[]> offPattern = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                volume += pattern[i][j];
                if (i != j && pattern[i][j] == 0 && pattern[j][i] == 0) {
                    offPattern.add(new int[] {i, j});
                }
            }
        }
        double[][] w = new double[n][];
        for (int i = 0; i < n; i++) {
            w[i] = pattern[i].clone();
        }
        if (noiseFraction > 0 && !offPattern.isEmpty()) {
            double noise = volume * noiseFraction / (1 - noiseFraction);
            Collections.shuffle(offPattern, rnd);
            int chosen = (int) Math.ceil(offPattern.size() * (0.5 + 0.5 * rnd.nextDouble()));
            double[] share = new double[chosen];
            double sum = 0;
            for (int k = 0; k < chosen; k++) {
                share[k] = rnd.nextDouble();
                sum += share[k];
            }
            for (int k = 0; k < chosen; k++) {
                int[] p = offPattern.get(k);
                w[p[0]][p[1]] += noise * share[k] / sum;
            }
        }
        TrafficMatrix.Builder b = TrafficMatrix.builder();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (w[i][j] > 0) {
                    b.add(macs.get(i), macs.get(j), w[i][j]);
                }
            }
        }
        return new Instance(b.build(), macs);
    }
}
