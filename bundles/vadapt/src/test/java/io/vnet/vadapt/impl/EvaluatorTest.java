package io.vnet.vadapt.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.vadapt.CostModel;
import io.vnet.vadapt.Fixtures;
import io.vnet.vadapt.Overlay;
import io.vnet.vadapt.Problem;
import io.vnet.vadapt.Underlay;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Repaired routing trees against trees built from scratch, after random link changes: every
 * parent of every tree and every evaluation must be the same. The underlays include ones with
 * few distinct bandwidths and latencies, where labels tie often, and one with zero latencies,
 * where trees are rebuilt instead.
 */
class EvaluatorTest {
    private enum Paths { RANDOM, FEW_VALUES, UNIFORM, ZERO_LATENCY }

    private static Underlay underlay(Paths kind, int hosts, SplittableRandom rnd) {
        if (kind == Paths.RANDOM) {
            return Fixtures.underlay(hosts, 4, rnd);
        }
        Underlay.Builder b = Underlay.builder(Fixtures.CENTER);
        for (int h = 0; h < hosts; h++) {
            b.host(Fixtures.host(h), 4);
        }
        switch (kind) {
            case UNIFORM -> b.defaultPath(1e8, 0.001);
            case ZERO_LATENCY -> b.defaultPath(1e8, 0);
            default -> {
                for (int x = 0; x <= hosts; x++) {
                    for (int y = x + 1; y <= hosts; y++) {
                        String hx = x == hosts ? Fixtures.CENTER : Fixtures.host(x);
                        String hy = y == hosts ? Fixtures.CENTER : Fixtures.host(y);
                        b.path(hx, hy, (1 + rnd.nextInt(3)) * 1e8, (1 + rnd.nextInt(2)) * 0.001);
                    }
                }
            }
        }
        return b.build();
    }

    private static void toggle(LinkSet links, int a, int b) {
        if (!links.add(a, b)) {
            links.remove(a, b);
        }
    }

    @Test
    void repairedTreesEqualRebuiltOnes() {
        int checks = 0;
        for (Paths kind : Paths.values()) {
            for (int seed = 1; seed <= 6; seed++) {
                SplittableRandom rnd = new SplittableRandom(seed * 31L + kind.ordinal());
                int hosts = 4 + rnd.nextInt(seed <= 3 ? 8 : 40);
                int vms = 2 * hosts;
                Underlay u = underlay(kind, hosts, rnd);
                Problem p = new Problem(Fixtures.ring(vms, 1e6), Fixtures.randomPlacement(vms, hosts, 4, rnd), u,
                        Overlay.empty(), CostModel.defaults(), true);
                Instance in = new Instance(p);
                Evaluator fast = new Evaluator(in);
                Evaluator ref = new Evaluator(in, false);
                LinkSet links = new LinkSet(in.nodes);
                int[] place = in.current.clone();
                int[] lastA = new int[0];
                int[] lastB = new int[0];
                for (int step = 0; step < 150; step++) {
                    if (rnd.nextInt(20) == 0) {
                        links = links.copy();
                    }
                    if (rnd.nextInt(3) == 0) {
                        // undo the last step's changes (as the annealer does when it rejects a move),
                        // sometimes followed by a few more
                        for (int i = lastA.length - 1; i >= 0; i--) {
                            toggle(links, lastA[i], lastB[i]);
                        }
                    }
                    int k = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(3 * hosts)
                            : rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(3);
                    lastA = new int[k];
                    lastB = new int[k];
                    for (int i = 0; i < k; i++) {
                        int a = rnd.nextInt(hosts);
                        int b = rnd.nextInt(hosts);
                        if (rnd.nextInt(3) == 0 && links.size() > 0) {
                            int j = rnd.nextInt(links.size());
                            a = links.a(j);
                            b = links.b(j);
                        }
                        toggle(links, a, b);
                        lastA[i] = a;
                        lastB[i] = b;
                    }
                    if (rnd.nextInt(4) == 0) {
                        place[rnd.nextInt(vms)] = rnd.nextInt(hosts);
                    }
                    for (int s = 0; s < in.nodes; s++) {
                        assertArrayEquals(ref.parents(links, s), fast.parents(links, s),
                                kind + " seed " + seed + " step " + step + " tree " + s);
                    }
                    assertEquals(ref.evaluate(place, links), fast.evaluate(place, links));
                    checks++;
                }
                if (kind != Paths.ZERO_LATENCY) {
                    assertTrue(fast.treesRepaired > 0, kind + ": trees were repaired");
                    assertTrue(fast.undone > 0, kind + ": changes were undone from saved trees");
                } else {
                    assertEquals(0, fast.treesRepaired, "zero latencies: trees are rebuilt, never repaired");
                }
            }
        }
        assertEquals(4 * 6 * 150, checks);
    }
}
