package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failover on the data plane (issue 19, item 2). Hosts ha and hb each reach the hub hc over a
 * flooding TCP link (the tree), and each other over a direct link (a fast path, TCP or VXLAN) that
 * a rule on each side sends the other VM's frames to. A ping runs from va (on ha) to vb (on hb)
 * every 50 ms; the underlay between ha and hb is then cut with iptables (100% loss both ways; the
 * tree through hc stays whole), and restored 3.5 s later. Each end marks the fast path down within
 * the detection time, 3 keepalive intervals here (keepaliveMs 500, linkTimeoutMs not set), and its
 * frames take the tree at once: the pings go unanswered for about that long and no longer. Once the
 * underlay is back the link comes up again by itself (a TCP link is dialled again with its backoff; a
 * VXLAN link answers the next probe) and carries the pings again.
 */
class LinkFailoverIT {
    static final int VNI = 100;
    static final int MTU = 1450;
    static final long KEEPALIVE_MS = 500;
    /** The default detection time: 3 keepalive intervals. */
    static final long DETECTION_MS = 3 * KEEPALIVE_MS;
    static final double PING_INTERVAL_S = 0.05;
    /** What the failover may take beyond the detection time: VXLAN's judging tick (a quarter interval), the poll. */
    static final long SLACK_MS = 300;
    /** The link must carry again within this after the underlay is back (TCP: backoff up to 5 s, a SYN retransmitted). */
    static final long RETURN_MS = 10_000;

    @ParameterizedTest(name = "{0} fast path")
    @ValueSource(strings = {"tcp", "vxlan"})
    void aCutFastPathFailsOverToTheTreeWithinTheDetectionTimeAndComesBack(String transport) throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host ha = fabric.addHost("ha");
            Host hb = fabric.addHost("hb");
            Host hc = fabric.addHost("hc");
            Vm va = fabric.addVm(ha, "va", VNI, MTU);
            Vm vb = fabric.addVm(hb, "vb", VNI, MTU);
            fabric.startAgent(hc, forHost(hc).network(VNI, MTU).set("keepaliveMs", (int) KEEPALIVE_MS)
                    .accept("from-a", ha.name(), true, VNI).accept("from-b", hb.name(), true, VNI).build());
            AgentConfigBuilder a = forHost(ha).network(VNI, MTU).set("keepaliveMs", (int) KEEPALIVE_MS)
                    .dial("to-c", hc, true, VNI).rule(VNI, "any", vb.mac(), "link:fast");
            AgentConfigBuilder b = forHost(hb).network(VNI, MTU).set("keepaliveMs", (int) KEEPALIVE_MS)
                    .dial("to-c", hc, true, VNI).rule(VNI, "any", va.mac(), "link:fast");
            if (transport.equals("tcp")) {
                a.dial("fast", hb, false, VNI);
                b.accept("fast", ha.name(), false, VNI);
            } else {
                a.vxlanListen(ha).vxlan("fast", hb, false, VNI);
                b.vxlanListen(hb).vxlan("fast", ha, false, VNI);
            }
            AgentProcess agentA = fabric.startAgent(ha, a.build());
            AgentProcess agentB = fabric.startAgent(hb, b.build());
            agentA.awaitLinkUp("to-c", 10_000);
            agentB.awaitLinkUp("to-c", 10_000);
            if (transport.equals("tcp")) {
                agentA.awaitLinkUp("fast", 10_000);
            }
            assertEquals(5, va.ping(vb, 5).received(), "the fast path carries before the cut");
            if (transport.equals("vxlan")) {
                awaitAnswering(agentA, 5_000); // a probe answered: the peer is an agent, judged by its echoes
                awaitAnswering(agentB, 5_000);
            }
            long fastBefore = agentA.stats("link", "fast").path("framesOut").asLong();
            assertEquals(5, va.ping(vb, 5).received());
            assertTrue(agentA.stats("link", "fast").path("framesOut").asLong() >= fastBefore + 5,
                    "the pings go by the fast path: " + agentA.stats("link", "fast"));

            // the state of the fast path at ha, polled every 20 ms
            LinkStates states = new LinkStates(agentA);
            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<?> poll = bg.submit(states);
            int count = (int) Math.round(9 / PING_INTERVAL_S);
            Vm.BackgroundPing ping = va.pingInBackgroundTimed(vb, count, PING_INTERVAL_S);
            try {
                Thread.sleep(1500);
                long cutAt = System.currentTimeMillis();
                cut(ha, hb, "-A");
                Thread.sleep(3500);
                long restoredAt = System.currentTimeMillis();
                cut(ha, hb, "-D");
                Vm.PingResult pings = ping.await(30);
                long upAgain = states.awaitUpAfter(restoredAt, RETURN_MS);
                states.stop.set(true);
                poll.get();
                long downAt = states.firstDownAfter(cutAt);
                double outage = longestOutage(pings);
                long treeFrames = agentA.stats("link", "to-c").path("framesOut").asLong();
                JsonNode fast = agentA.stats("link", "fast");
                System.out.printf("%s fast path cut for 3.5 s (keepalive %d ms, detection %d ms): marked down %d ms after"
                        + " the cut; pings unanswered for %.2f s at most (%d of %d answered); up again %d ms after the"
                        + " underlay came back; the fast path at ha: %s%n", transport, KEEPALIVE_MS, DETECTION_MS,
                        downAt - cutAt, outage, pings.received(), pings.sent(), upAgain - restoredAt, fast);
                assertTrue(downAt - cutAt <= DETECTION_MS + SLACK_MS, "marked down " + (downAt - cutAt)
                        + " ms after the cut; the detection time is " + DETECTION_MS + " ms");
                assertTrue(outage * 1000 <= DETECTION_MS + SLACK_MS, "the pings went unanswered for " + outage
                        + " s: the tree should take them once the link is down\n" + pings.output());
                assertTrue(treeFrames > 0);
                // after the return, the fast path carries the pings again
                long before = agentA.stats("link", "fast").path("framesOut").asLong();
                assertEquals(10, va.ping(vb, 10, 0.05, 56).received());
                long after = agentA.stats("link", "fast").path("framesOut").asLong();
                assertTrue(after >= before + 10, "the fast path returned: " + before + " -> " + after + " frames out");
            } finally {
                states.stop.set(true);
                bg.shutdownNow();
            }
        }
    }

    /** Cuts ({@code -A}) or restores ({@code -D}) the underlay between two hosts, both ways, at {@code a}. */
    static void cut(Host a, Host b, String op) {
        Sh.must("ip", "netns", "exec", a.ns(), "iptables", op, "INPUT", "-s", b.ip(), "-j", "DROP");
        Sh.must("ip", "netns", "exec", a.ns(), "iptables", op, "OUTPUT", "-d", b.ip(), "-j", "DROP");
    }

    /** Waits until the VXLAN link "fast" says its peer answers probes. */
    private static void awaitAnswering(AgentProcess agent, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonNode s = agent.stats("link", "fast");
        while (!s.path("peer").asText().contains("probes answered")) {
            assertTrue(System.currentTimeMillis() < deadline, "no probe of " + agent.host().name() + " answered: " + s);
            Thread.sleep(100);
            s = agent.stats("link", "fast");
        }
    }

    /** The longest run of unanswered pings, in seconds (the interval times the count). */
    static double longestOutage(Vm.PingResult pings) {
        List<Integer> missing = pings.missing();
        int longest = 0;
        int run = 0;
        int prev = -2;
        for (int seq : missing) {
            run = seq == prev + 1 ? run + 1 : 1;
            longest = Math.max(longest, run);
            prev = seq;
        }
        return longest * PING_INTERVAL_S;
    }

    /** Polls the state of link "fast" at one agent, recording when it changes. */
    static final class LinkStates implements Runnable {
        final AgentProcess agent;
        final AtomicBoolean stop = new AtomicBoolean();
        /** (time, up) of every change seen. */
        final List<long[]> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

        LinkStates(AgentProcess agent) {
            this.agent = agent;
        }

        @Override
        public void run() {
            Boolean last = null;
            while (!stop.get()) {
                try {
                    boolean up = agent.stats("link", "fast").path("state").asText().equals("up");
                    if (last == null || up != last) {
                        changes.add(new long[] {System.currentTimeMillis(), up ? 1 : 0});
                        last = up;
                    }
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (java.io.IOException | RuntimeException e) {
                    // the control socket is busy or the link is being replaced: poll again
                }
            }
        }

        long firstDownAfter(long t) {
            for (long[] c : changes) {
                if (c[0] >= t && c[1] == 0) {
                    return c[0];
                }
            }
            throw new AssertionError("the fast path was never seen down after the cut: " + describe());
        }

        long awaitUpAfter(long t, long timeoutMs) throws InterruptedException {
            long deadline = t + timeoutMs;
            while (System.currentTimeMillis() < deadline) {
                for (long[] c : changes) {
                    if (c[0] >= t && c[1] == 1) {
                        return c[0];
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the fast path was not up again within " + timeoutMs + " ms of the underlay's"
                    + " return: " + describe());
        }

        private String describe() {
            StringBuilder sb = new StringBuilder();
            changes.forEach(c -> sb.append(c[0]).append(c[1] == 1 ? " up; " : " down; "));
            return sb.toString();
        }
    }
}
