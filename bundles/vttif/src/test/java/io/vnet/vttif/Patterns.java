package io.vnet.vttif;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic communication patterns on ranks 0..n-1, as directed weights {@code w[src][dst]}.
 * Each directed message of the pattern carries a weight in [0.8, 1.2] (real exchanges are never
 * perfectly even). Rank numbers are only used here: {@link Synthetic} gives every rank a random
 * MAC address, so the classifier never sees rank order.
 */
final class Patterns {
    private Patterns() {
    }

    static double jitter(Random rnd) {
        return 0.8 + 0.4 * rnd.nextDouble();
    }

    /** Each rank exchanges with both ring neighbours, or (one-way) sends to the next only. */
    static double[][] ring(int n, boolean oneWay, Random rnd) {
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            w[i][(i + 1) % n] = jitter(rnd);
            if (!oneWay) {
                w[(i + 1) % n][i] = jitter(rnd);
            }
        }
        return w;
    }

    /** Halo exchange on a rows x cols grid, with or without wrap-around; rank = i * cols + j. */
    static double[][] grid(int rows, int cols, boolean torus, Random rnd) {
        int n = rows * cols;
        double[][] w = new double[n][n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int v = i * cols + j;
                if (i + 1 < rows || torus) {
                    exchange(w, v, ((i + 1) % rows) * cols + j, rnd);
                }
                if (j + 1 < cols || torus) {
                    exchange(w, v, i * cols + (j + 1) % cols, rnd);
                }
            }
        }
        return w;
    }

    private static void exchange(double[][] w, int a, int b, Random rnd) {
        if (a != b && w[a][b] == 0) {
            w[a][b] = jitter(rnd);
            w[b][a] = jitter(rnd);
        }
    }

    static double[][] allToAll(int n, Random rnd) {
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    w[i][j] = jitter(rnd);
                }
            }
        }
        return w;
    }

    /** Hub 0 and the others: gather (to the hub), scatter (from it) or both ways, at random. */
    static double[][] star(int n, Random rnd) {
        double[][] w = new double[n][n];
        int mode = rnd.nextInt(3);
        for (int i = 1; i < n; i++) {
            if (mode != 1) {
                w[i][0] = jitter(rnd);
            }
            if (mode != 0) {
                w[0][i] = jitter(rnd);
            }
        }
        return w;
    }

    /** Parent of rank i (i > 0) in the binary (heap) tree rooted at 0. */
    static int binaryParent(int i) {
        return (i - 1) / 2;
    }

    /** Parent of rank i (i > 0) in the binomial tree rooted at 0: i without its lowest set bit. */
    static int binomialParent(int i) {
        return i & (i - 1);
    }

    /**
     * Binary-tree reduction to rank 0: each child sends its partial result to its parent, and
     * the parent's TCP acknowledgements flow back at 3% of that.
     */
    static double[][] binaryReduction(int n, Random rnd) {
        double[][] w = new double[n][n];
        for (int i = 1; i < n; i++) {
            int p = binaryParent(i);
            w[i][p] = jitter(rnd);
            w[p][i] = 0.03 * w[i][p];
        }
        return w;
    }

    /** Binomial-tree broadcast from rank 0: each parent sends the data to its children, 3% acks back. */
    static double[][] binomialBroadcast(int n, Random rnd) {
        double[][] w = new double[n][n];
        for (int i = 1; i < n; i++) {
            int p = binomialParent(i);
            w[p][i] = jitter(rnd);
            w[i][p] = 0.03 * w[p][i];
        }
        return w;
    }

    /**
     * An allreduce as Open MPI's reduce then broadcast do it on the binomial tree rooted at 0:
     * each child sends its partial result up, and later the result comes down the same edge.
     */
    static double[][] binomialAllreduce(int n, Random rnd) {
        double[][] w = new double[n][n];
        for (int i = 1; i < n; i++) {
            int p = binomialParent(i);
            w[i][p] = jitter(rnd);
            w[p][i] = jitter(rnd);
        }
        return w;
    }

    /** A pipeline: rank i sends to rank i + 1 (or, both ways, a 1-D halo exchange without wrap-around). */
    static double[][] chain(int n, boolean oneWay, Random rnd) {
        double[][] w = new double[n][n];
        for (int i = 0; i + 1 < n; i++) {
            w[i][i + 1] = jitter(rnd);
            if (!oneWay) {
                w[i + 1][i] = jitter(rnd);
            }
        }
        return w;
    }

    /** Recursive doubling on 2^d ranks: in round k each rank exchanges with the rank whose number differs in bit k. */
    static double[][] recursiveDoubling(int d, Random rnd) {
        int n = 1 << d;
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                w[i][i ^ (1 << k)] = jitter(rnd);
            }
        }
        return w;
    }

    /** Halo exchange on an a x b x c grid, with or without wrap-around; rank = (i * b + j) * c + k. */
    static double[][] grid3(int a, int b, int c, boolean torus, Random rnd) {
        int n = a * b * c;
        double[][] w = new double[n][n];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < c; k++) {
                    int v = (i * b + j) * c + k;
                    if (i + 1 < a || torus) {
                        exchange(w, v, (((i + 1) % a) * b + j) * c + k, rnd);
                    }
                    if (j + 1 < b || torus) {
                        exchange(w, v, (i * b + (j + 1) % b) * c + k, rnd);
                    }
                    if (k + 1 < c || torus) {
                        exchange(w, v, (i * b + j) * c + (k + 1) % c, rnd);
                    }
                }
            }
        }
        return w;
    }

    /**
     * A connected Erdos-Renyi graph G(n, p) with at least n + 1 edges (so neither a tree, nor a
     * ring, nor a star) and at least n pairs missing, each edge carrying traffic both ways. (A graph
     * missing only a pair or two is not "random": 10% of background traffic on those pairs makes
     * it an even complete graph, that is, all-to-all.)
     */
    static double[][] random(int n, double p, Random rnd) {
        while (true) {
            double[][] w = new double[n][n];
            int edges = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (rnd.nextDouble() < p) {
                        w[i][j] = jitter(rnd);
                        w[j][i] = jitter(rnd);
                        edges++;
                    }
                }
            }
            if (edges >= n + 1 && edges <= n * (n - 1) / 2 - n && connected(w)) {
                return w;
            }
        }
    }

    static boolean connected(double[][] w) {
        int n = w.length;
        boolean[] seen = new boolean[n];
        List<Integer> stack = new ArrayList<>(List.of(0));
        seen[0] = true;
        int count = 1;
        while (!stack.isEmpty()) {
            int v = stack.remove(stack.size() - 1);
            for (int u = 0; u < n; u++) {
                if (!seen[u] && (w[v][u] > 0 || w[u][v] > 0)) {
                    seen[u] = true;
                    count++;
                    stack.add(u);
                }
            }
        }
        return count == n;
    }
}
