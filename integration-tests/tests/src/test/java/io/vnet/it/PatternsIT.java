package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Pattern;
import io.vnet.it.patterns.Patterns;
import io.vnet.it.patterns.RankLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The patterns workload on the overlay: 8 VMs (one rank each, its own JVM) on 3 hosts in a
 * star through hc, as in StarIT, with the real agents. A ring phase switches to all-to-all on
 * schedule; every rank finishes, both phases run, and the agents' link counters carry the
 * traffic the patterns predict.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatternsIT {
    static final int VNI = 300;
    static final int MESSAGE = 16 * 1024;

    Fabric fabric;
    List<Host> hosts;
    final List<Vm> vms = new ArrayList<>();
    AgentProcess agentA;
    AgentProcess agentB;
    AgentProcess agentC;

    @BeforeAll
    void up() throws Exception {
        fabric = Fabric.create(Fabric.repo());
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Host c = fabric.addHost("hc");
        hosts = List.of(a, b, c);
        for (int i = 0; i < 8; i++) {
            vms.add(fabric.addVm(hosts.get(i % 3), "p" + i, VNI, 1500)); // p0 ha, p1 hb, p2 hc, p3 ha, ...
        }
        agentC = fabric.startAgent(c, forHost(c).role("proxy").network(VNI, 1500)
                .accept("from-a", "ha", true).accept("from-b", "hb", true).build());
        agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-c", c, true).build());
        agentB = fabric.startAgent(b, forHost(b).network(VNI, 1500).dial("to-c", c, true).build());
        agentA.awaitLinkUp("to-c", 10_000);
        agentB.awaitLinkUp("to-c", 10_000);
    }

    @AfterAll
    void down() {
        if (fabric != null) {
            List<String> created = fabric.namespaces();
            fabric.close();
            String left = Sh.run("ip", "netns", "list").out();
            assertTrue(created.stream().noneMatch(left::contains), "no namespace left behind:\n" + left);
        }
    }

    /** Payload bytes the ranks on {@code host} send to ranks on other hosts during {@code r}. */
    private long offHostPayload(Patterns.Result r, Host host) {
        long bytes = 0;
        int n = vms.size();
        for (RankLog.PhaseTotal ph : r.phases()) {
            boolean[][] m = ph.pattern().matrix(n, null);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (m[i][j] && vms.get(i).host() == host && vms.get(j).host() != host) {
                        bytes += ph.iterations() * (long) MESSAGE;
                    }
                }
            }
        }
        return bytes;
    }

    private static void printIterations(Patterns.Result r) {
        for (RankLog.PhaseTotal ph : r.phases()) {
            List<RankLog.Iteration> its = r.rank0().iterationsOf(ph.index());
            double[] t = its.stream().mapToDouble(RankLog.Iteration::timeMs).sorted().toArray();
            System.out.printf(Locale.ROOT, "phase %d %s: %d iterations, median %.2f ms, p95 %.2f ms; first and last:%n",
                    ph.index(), ph.pattern().id(), its.size(), t[t.length / 2], t[(int) Math.min(t.length - 1, t.length * 0.95)]);
            for (int i = 0; i < its.size(); i++) {
                if (i < 4 || i >= its.size() - 2) {
                    RankLog.Iteration it = its.get(i);
                    System.out.printf(Locale.ROOT, "  iter %d pattern %s time_ms %.3f (exchange %.3f, barrier %.3f)%n",
                            it.index(), it.pattern().id(), it.timeMs(), it.commMs(), it.syncMs());
                }
            }
        }
    }

    private static void assertRanksAgree(Patterns.Result r) {
        RankLog r0 = r.rank0();
        for (Patterns.RankRun run : r.ranks()) {
            RankLog l = run.output();
            assertEquals(r0.totalIterations(), l.totalIterations(), "rank " + run.rank() + " ran as many iterations");
            assertEquals(r0.phases().size(), l.phases().size(), "rank " + run.rank() + " ran as many phases");
            for (int p = 0; p < r0.phases().size(); p++) {
                assertEquals(r0.phases().get(p).iterations(), l.phases().get(p).iterations(),
                        "rank " + run.rank() + " switched at the same iteration");
            }
            assertEquals(l.totalIterations(), l.iterations().size(), "rank " + run.rank() + " printed every iteration");
            for (int k = 0; k < l.iterations().size(); k++) {
                RankLog.Iteration it = l.iterations().get(k);
                assertEquals(k, it.index());
                assertEquals(r0.phases().get(it.phase()).pattern(), it.pattern());
                assertTrue(it.timeMs() >= 20.0 && it.timeMs() < 30_000, "computes 20 ms, then communicates: " + it);
            }
        }
    }

    @Test
    void ringThenAllToAllOnEightVms() throws Exception {
        long outA = agentA.stats("link", "to-c").path("bytesOut").asLong();
        long outB = agentB.stats("link", "to-c").path("bytesOut").asLong();
        Patterns.Result r = Patterns.run(fabric, vms, Patterns.Options.of("ring:4,all:4").withComputeMs(20)
                .withMessageBytes(MESSAGE));
        outA = agentA.stats("link", "to-c").path("bytesOut").asLong() - outA;
        outB = agentB.stats("link", "to-c").path("bytesOut").asLong() - outB;
        System.out.print(r.summary());
        assertTrue(r.ok(), "every rank exited 0:\n" + r.failures());
        printIterations(r);

        assertEquals(2, r.phases().size(), r.rank0().tail(5));
        RankLog.PhaseTotal ring = r.phases().get(0);
        RankLog.PhaseTotal all = r.phases().get(1);
        assertEquals(Pattern.RING, ring.pattern());
        assertEquals(Pattern.ALL_TO_ALL, all.pattern());
        assertTrue(ring.iterations() >= 20, "ring ran >= 20 iterations in 4 s: " + ring);
        assertTrue(all.iterations() >= 10, "all-to-all ran >= 10 iterations in 4 s: " + all);
        assertTrue(ring.timeMs() >= 4000 && all.timeMs() >= 4000, "each phase ran its 4 s");
        assertRanksAgree(r);

        // the overlay carried what the patterns predict: payload plus headers, ACKs and the barrier
        Host a = hosts.get(0);
        Host b = hosts.get(1);
        double ratioA = (double) outA / offHostPayload(r, a);
        double ratioB = (double) outB / offHostPayload(r, b);
        System.out.printf(Locale.ROOT, "link bytes out / predicted off-host payload: ha %d / %d = %.3f, hb %d / %d = %.3f%n",
                outA, offHostPayload(r, a), ratioA, outB, offHostPayload(r, b), ratioB);
        assertTrue(ratioA >= 1.0 && ratioA <= 1.3, "ha: " + ratioA);
        assertTrue(ratioB >= 1.0 && ratioB <= 1.3, "hb: " + ratioB);
    }

    @Test
    void meshTorusTreeAndBroadcastRunForTheirIterations() throws Exception {
        Patterns.Result r = Patterns.run(fabric, vms, Patterns.Options.of("mesh:25it,torus:25it,tree:25it,bcast:25it")
                .withComputeMs(20).withMessageBytes(MESSAGE));
        System.out.print(r.summary());
        assertTrue(r.ok(), "every rank exited 0:\n" + r.failures());
        List<Pattern> expected = List.of(Pattern.MESH_2D, Pattern.TORUS_2D, Pattern.TREE_REDUCTION, Pattern.BROADCAST);
        assertEquals(4, r.phases().size());
        for (int p = 0; p < 4; p++) {
            assertEquals(expected.get(p), r.phases().get(p).pattern());
            assertEquals(25, r.phases().get(p).iterations());
        }
        assertRanksAgree(r);
    }
}
