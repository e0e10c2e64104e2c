package io.vnet.it.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rank protocol end to end, without namespaces: the ranks run as threads of this JVM on
 * the loopback addresses 127.0.0.1, 127.0.0.2, ... (all of 127/8 is local on Linux).
 */
class RankLoopbackTest {
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static List<String> loopback(int n) {
        List<String> ips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ips.add("127.0.0." + (i + 1));
        }
        return ips;
    }

    /** Runs n ranks as threads; returns each rank's parsed output (failures rethrown). */
    private static List<RankLog> runAll(int n, String schedule, double computeMs, int bytes, long maxIterations, Grid grid)
            throws Exception {
        int port = freePort();
        String hosts = String.join(",", loopback(n));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<ByteArrayOutputStream> outs = new ArrayList<>();
            List<Future<Rank.Summary>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of("--rank", Integer.toString(i), "--hosts", hosts, "--port",
                        Integer.toString(port), "--schedule", schedule, "--compute-ms", Double.toString(computeMs),
                        "--message-bytes", Integer.toString(bytes), "--timeout-ms", "10000"));
                if (maxIterations > 0) {
                    args.addAll(List.of("--iterations", Long.toString(maxIterations)));
                }
                if (grid != null) {
                    args.addAll(List.of("--grid", grid.toString()));
                }
                Rank.Config c = Rank.Config.parse(args.toArray(String[]::new));
                assertEquals(c, Rank.Config.parse(c.toArgs().toArray(String[]::new)), "toArgs and parse are inverse");
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                outs.add(b);
                PrintStream ps = new PrintStream(b, true, StandardCharsets.UTF_8);
                fs.add(pool.submit(() -> Rank.run(c, ps)));
            }
            List<RankLog> logs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Rank.Summary s = fs.get(i).get(60, TimeUnit.SECONDS);
                RankLog log = RankLog.parse(outs.get(i).toString(StandardCharsets.UTF_8));
                assertTrue(log.done(), log.text());
                assertEquals(s.iterations(), log.totalIterations());
                logs.add(log);
            }
            return logs;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyPatternOnEightRanksWithCountedPhases() throws Exception {
        String schedule = "ring:6it,mesh:5it,torus:5it,all:4it,tree:5it,bcast:5it,ring:3it";
        List<RankLog> logs = runAll(8, schedule, 1, 4096, 0, null);
        long[] expected = {6, 5, 5, 4, 5, 5, 3};
        Pattern[] pats = {Pattern.RING, Pattern.MESH_2D, Pattern.TORUS_2D, Pattern.ALL_TO_ALL, Pattern.TREE_REDUCTION,
            Pattern.BROADCAST, Pattern.RING};
        for (RankLog log : logs) {
            assertEquals(33, log.totalIterations(), log.text());
            assertEquals(33, log.iterations().size());
            assertEquals(7, log.phases().size(), log.text());
            for (int p = 0; p < 7; p++) {
                RankLog.PhaseTotal t = log.phases().get(p);
                assertEquals(p, t.index());
                assertEquals(pats[p], t.pattern());
                assertEquals(expected[p], t.iterations(), log.text());
                assertTrue(t.minMs() >= 1.0, "each iteration computes 1 ms: " + t);
            }
            for (int k = 0; k < 33; k++) {
                RankLog.Iteration it = log.iterations().get(k);
                assertEquals(k, it.index());
                assertEquals(pats[it.phase()], it.pattern());
            }
        }
    }

    @Test
    void timedPhasesSwitchAtTheSameIterationOnEveryRank() throws Exception {
        List<RankLog> logs = runAll(5, "ring:0.4,all:0.3", 10, 1000, 0, null);
        RankLog r0 = logs.get(0);
        assertEquals(2, r0.phases().size(), r0.text());
        RankLog.PhaseTotal ring = r0.phases().get(0);
        assertTrue(ring.timeMs() >= 400 && ring.iterations() >= 10, "ring ran its 0.4 s: " + ring);
        assertTrue(r0.phases().get(1).timeMs() >= 300, r0.phases().get(1).toString());
        for (RankLog l : logs) {
            assertEquals(r0.phases().get(0).iterations(), l.phases().get(0).iterations(), "same switch point: " + l.text());
            assertEquals(r0.totalIterations(), l.totalIterations());
        }
    }

    @Test
    void theIterationCapStopsEarlyAndAPrimeRankCountWorksWithAnExplicitGrid() throws Exception {
        List<RankLog> logs = runAll(3, "mesh:100it,torus:100it", 0, 0, 7, new Grid(1, 3));
        for (RankLog l : logs) {
            assertEquals(7, l.totalIterations(), l.text());
            assertEquals(1, l.phases().size());
        }
        List<RankLog> one = runAll(1, "all:3it,bcast:2it", 0, 10, 0, null);
        assertEquals(5, one.get(0).totalIterations());
    }

    @Test
    void anUnreachablePeerFailsNamingIt() throws Exception {
        int port = freePort();
        Rank.Config c = Rank.Config.parse(new String[] {"--rank", "1", "--hosts", "127.0.0.1,127.0.0.2", "--port",
            Integer.toString(port), "--pattern", "ring", "--timeout-ms", "800"});
        long t0 = System.nanoTime();
        PeerException e = assertThrows(PeerException.class, () -> Rank.run(c, new PrintStream(new ByteArrayOutputStream())));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, e.peer());
        assertTrue(e.getMessage().startsWith("rank 0 (127.0.0.1:" + port + ") unreachable for 800 ms"), e.getMessage());
        assertTrue(ms >= 700 && ms < 5000, ms + " ms");
        // rank 0 waiting for a rank that never dials
        Rank.Config c0 = Rank.Config.parse(new String[] {"--rank", "0", "--hosts", "127.0.0.1,127.0.0.2", "--port",
            Integer.toString(port), "--pattern", "ring", "--timeout-ms", "800"});
        PeerException e0 = assertThrows(PeerException.class, () -> Rank.run(c0, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e0.getMessage().startsWith("rank 1 (127.0.0.2:" + port + ") did not connect"), e0.getMessage());
    }

    @Test
    void aPeerThatGoesAwayFailsNamingIt() throws Exception {
        int port = freePort();
        // a fake rank 0 that says hello and then closes the connection
        try (ServerSocket fake = new ServerSocket()) {
            fake.bind(new InetSocketAddress("127.0.0.1", port));
            Thread t = new Thread(() -> {
                try (Socket s = fake.accept()) {
                    DataInputStream in = Peer.input(s);
                    DataOutputStream out = Peer.output(s);
                    Peer.readHello(in, 2);
                    Peer.writeHello(out, 0, 2);
                    Thread.sleep(100);
                } catch (Exception ignored) {
                    // the test checks the rank's side
                }
            });
            t.start();
            Rank.Config c = Rank.Config.parse(new String[] {"--rank", "1", "--hosts", "127.0.0.1,127.0.0.2", "--port",
                Integer.toString(port), "--pattern", "ring", "--timeout-ms", "5000"});
            long t0 = System.nanoTime();
            PeerException e = assertThrows(PeerException.class,
                    () -> Rank.run(c, new PrintStream(new ByteArrayOutputStream())));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 4000, "an ended connection fails at once");
            assertTrue(e.getMessage().startsWith("rank 0 (127.0.0.1:" + port + ") connection lost"), e.getMessage());
            assertTrue(e.getMessage().contains("the start barrier"), e.getMessage());
            t.join(2000);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        String[][] bad = {
            {"--hosts", "127.0.0.1", "--pattern", "ring"},
            {"--rank", "2", "--hosts", "127.0.0.1,127.0.0.2", "--pattern", "ring"},
            {"--rank", "0", "--hosts", "127.0.0.1", "--pattern", "ring", "--schedule", "ring:1"},
            {"--rank", "0", "--hosts", "a,b,c,d,e", "--pattern", "mesh"},
            {"--rank", "0", "--hosts", "127.0.0.1", "--pattern", "ring", "--message-bytes", "-1"},
            {"--rank", "0", "--hosts", "127.0.0.1", "--pattern", "ring", "--compute", "burn"},
            {"--rank", "0", "--hosts", "127.0.0.1", "--pattern", "ring", "--bogus", "1"},
            {"--rank", "0", "--hosts", "127.0.0.1", "--pattern"},
        };
        for (String[] a : bad) {
            assertThrows(IllegalArgumentException.class, () -> Rank.Config.parse(a), String.join(" ", a));
        }
    }
}
