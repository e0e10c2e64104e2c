package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.HostPair;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An agent crash (issue 19, item 3): under iperf3 load over a fast path the manager gave, the agent
 * of the sending VM's host is killed with SIGKILL and started again while the manager is frozen
 * (SIGSTOP): traffic flows again within 3 s of the restart, over the fast path of its saved desired
 * state; once the manager runs again it sees the agent back at the generation it wants and pushes
 * nothing new.
 */
class AgentCrashIT {
    static final double RECOVERY_S = 3.0;

    @Test
    void aKilledAgentForwardsWithinThreeSecondsOfItsRestartFromItsSavedStateWithoutTheManager() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            AdaptTestbed tb = AdaptTestbed.small(fabric, 0);
            ManagerProcess manager = tb.manager();
            Host h1 = tb.vmHosts().get(0);
            Host h2 = tb.vmHosts().get(1);
            Map<String, Long> gens = tb.applyDirectLinks(List.of(new HostPair(h1, h2)));
            Vm a = tb.vms().get(0); // on h1
            Vm b = tb.vms().get(1); // on h2
            assertEquals(h1.name(), a.host().name());
            assertEquals(h2.name(), b.host().name());
            AgentProcess agent = tb.agent(h1);
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(Files.readString(agent.configFile()));
            long auditBefore = ClosedLoopIT.lastAuditId(manager);

            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<Vm.IperfResult> load = bg.submit(() -> a.iperf(b, 14, 2));
            Thread.sleep(3000);
            Vm.BackgroundPing ping = a.pingInBackgroundTimed(b, 100, 0.1);
            Thread.sleep(1000);
            manager.signal("STOP"); // no manager while the agent comes back
            try {
                agent.signal("KILL");
                assertTrue(agent.process().waitFor(10, TimeUnit.SECONDS), "the agent died");
                Thread.sleep(1000);
                double restartedAt = System.currentTimeMillis() / 1000.0;
                AgentProcess again = fabric.startAgent(h1, config);
                again.awaitLog("restored desired state generation " + gens.get(h1.name()), 10_000);
                Vm.PingResult pings = ping.await(30);
                Double firstAnswered = null;
                for (double sent : pings.sendTimes().values()) {
                    if (sent >= restartedAt && (firstAnswered == null || sent < firstAnswered)) {
                        firstAnswered = sent;
                    }
                }
                assertTrue(firstAnswered != null, "no ping sent after the restart was answered:\n" + pings.output());
                double recovery = firstAnswered - restartedAt;
                long overFast = again.stats("link", AdaptTestbed.FAST_PREFIX + h2.name()).path("bytesOut").asLong();
                System.out.printf("agent %s killed under iperf3 load and restarted without the manager: the first ping"
                        + " sent after the restart and answered was sent %.2f s after it (%d of %d pings answered in all);"
                        + " %,d bytes over the restored fast path since%n", h1.name(), recovery, pings.received(),
                        pings.sent(), overFast);
                assertTrue(recovery <= RECOVERY_S, "traffic flowed again " + recovery + " s after the restart");
                assertTrue(overFast > 0, "the restored fast path carries the traffic");
            } finally {
                manager.signal("CONT");
            }
            Vm.IperfResult r = load.get(60, TimeUnit.SECONDS);
            bg.shutdown();
            assertTrue(r.bytesReceived() > 0, "iperf3 ran through the crash");

            // the manager sees the agent back at the generation it wants, and pushes nothing new
            long deadline = System.currentTimeMillis() + 15_000;
            JsonNode h1Info = null;
            while (System.currentTimeMillis() < deadline) {
                for (JsonNode ag : manager.get("/agents")) {
                    if (ag.path("hostId").asText().equals(h1.name())) {
                        h1Info = ag;
                    }
                }
                if (h1Info != null && h1Info.path("connected").asBoolean()
                        && h1Info.path("appliedGeneration").asLong() == gens.get(h1.name())) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(h1Info != null && h1Info.path("connected").asBoolean(), "the agent is back: " + h1Info);
            assertEquals(gens.get(h1.name()).longValue(), h1Info.path("appliedGeneration").asLong(), h1Info.toString());
            assertEquals(gens.get(h1.name()).longValue(), h1Info.path("desiredGeneration").asLong(), h1Info.toString());
            for (JsonNode e : manager.get("/audit?limit=200")) {
                assertTrue(e.path("id").asLong() <= auditBefore || !e.path("action").asText().equals("desired-state"),
                        "no desired state was pushed after the crash: " + e);
            }
        }
    }
}
