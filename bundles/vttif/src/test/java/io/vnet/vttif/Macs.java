package io.vnet.vttif;

import io.vnet.api.MacAddress;

/** Test addresses: {@code mac(i)} is 02:00:00:00:hh:ll. */
final class Macs {
    private Macs() {
    }

    static MacAddress mac(int i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    /** A matrix with {@code w[i][j]} from {@code mac(i)} to {@code mac(j)}. */
    static TrafficMatrix matrix(double[][] w) {
        TrafficMatrix.Builder b = TrafficMatrix.builder();
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                if (w[i][j] > 0) {
                    b.add(mac(i), mac(j), w[i][j]);
                }
            }
        }
        return b.build();
    }

    /** The transposed weights: all traffic reversed. */
    static double[][] transpose(double[][] w) {
        double[][] t = new double[w.length][w.length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                t[j][i] = w[i][j];
            }
        }
        return t;
    }

    /** Symmetric unit traffic on the given undirected edges of n nodes. */
    static double[][] undirected(int n, int[][] edges) {
        double[][] w = new double[n][n];
        for (int[] e : edges) {
            w[e[0]][e[1]] = 1;
            w[e[1]][e[0]] = 1;
        }
        return w;
    }
}
