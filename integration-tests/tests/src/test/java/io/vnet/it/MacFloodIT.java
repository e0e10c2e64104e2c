package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.machine.ProcessUsage;
import io.vnet.it.patterns.Patterns;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A tenant VM sends 1,000,000 frames from random source MACs at full speed (Debian's mausezahn)
 * to another VM of its network on another host. First with no VM registered on the agents (no
 * libvirt, no {@code vms}: nothing says which addresses are forged), so that both agents see a
 * million new addresses: the agents' memory stays bounded, the other VMs' pings go on, the agent
 * stays registered, and the manager keeps classifying another network while its VTTIF is offered
 * the flood. Then as a CloudStack host runs, its VMs registered and port security on by default:
 * the forged frames are dropped on the host's bridge and issue 15's targets hold.
 */
class MacFloodIT {
    static final int FLOODED = 100;
    static final int RING = 300;
    static final int FRAMES = 1_000_000;

    /** A flood's duration and the pings that ran through it. */
    record Flood(long millis, Vm.PingResult pings) {
    }

    /**
     * {@value #FRAMES} frames from random source MACs, at full speed, from {@code flooder} to {@code to}
     * while {@code pinger} pings {@code to} ({@code count} pings every {@code interval} s, started 1 s
     * before the flood); returns 2 s after the pings ended.
     */
    private static Flood flood(Vm flooder, Vm pinger, Vm to, int count, double interval) throws Exception {
        Vm.BackgroundPing ping = pinger.pingInBackground(to, count, interval);
        Thread.sleep(1000);
        long t0 = System.currentTimeMillis();
        Sh.Result flood = Sh.run(120, List.of("ip", "netns", "exec", flooder.ns(), "mausezahn", "eth0", "-a", "rand",
                "-b", to.mac(), "-c", Integer.toString(FRAMES), "-p", "60", "-q"));
        long ms = System.currentTimeMillis() - t0;
        assertEquals(0, flood.exit(), "mausezahn: " + flood.out());
        Vm.PingResult pings = ping.await(60);
        Thread.sleep(2000);
        return new Flood(ms, pings);
    }

    /** Frames the kernel dropped on their way to h's TAP of the flooded network (its queue was full). */
    private static long tapDropped(Host h) {
        return Long.parseLong(Sh.must("ip", "netns", "exec", h.ns(), "cat",
                "/sys/class/net/" + Host.tapName(FLOODED) + "/statistics/tx_dropped").trim());
    }

    @Test
    void aMillionRandomSourceMacsLeaveTheAgentsBoundedAndEveryoneElseServed() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host px = fabric.addHost("px");
            Vm flooder = fabric.addVm(h1, "f1", FLOODED, 1500);
            Vm a1 = fabric.addVm(h1, "a1", FLOODED, 1500);
            Vm a2 = fabric.addVm(h2, "a2", FLOODED, 1500);
            List<Vm> ring = List.of(fabric.addVm(h1, "r1", RING, 1500), fabric.addVm(h2, "r2", RING, 1500),
                    fabric.addVm(h1, "r3", RING, 1500), fabric.addVm(h2, "r4", RING, 1500));
            com.fasterxml.jackson.databind.node.ObjectNode cfg = Json.object();
            cfg.putObject("vttif").put("mode", "reactive").put("windowMs", 2000).put("evaluateMs", 500);
            ManagerProcess manager = fabric.startManager(mgr, cfg);
            List<AgentProcess> agents = Patterns.startStar(fabric, List.of(h1, h2, px), RING,
                    b -> b.network(FLOODED, 1500).manager(manager, 500));
            AgentProcess agent1 = agents.get(0);
            assertEquals(3, a1.ping(a2, 3).received());
            assertEquals(3, flooder.ping(a2, 3).received(), "the flooder's bridge knows a2 behind the agent");

            // the ring runs in the other network for the whole test
            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<Patterns.Result> run = bg.submit(() -> Patterns.run(fabric, ring, Patterns.Options.of("ring:45")
                    .withComputeMs(10).withMessageBytes(8 * 1024)));
            long deadline = System.currentTimeMillis() + 20_000;
            String before = "";
            while (!before.equals("RING") && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                ManagerProcess.Response r = manager.rest("GET", "/networks/" + RING + "/topology", null);
                before = r.status() == 200 ? r.body().path("class").asText() : "";
            }
            assertEquals("RING", before, "the ring is classified before the flood");

            long rss1 = ProcessUsage.rssKiB(agent1.pid());
            long managerRss = ProcessUsage.rssKiB(manager.pid());
            double cpu1 = ProcessUsage.cpuSeconds(agent1.pid());
            long tapDropped1 = tapDropped(h1);
            long rss2 = ProcessUsage.rssKiB(agents.get(1).pid());
            Flood first = flood(flooder, a1, a2, 150, 0.1);
            long floodMs = first.millis();
            Vm.PingResult during = first.pings();
            long grew1 = ProcessUsage.rssKiB(agent1.pid()) - rss1;
            double busy = ProcessUsage.cpuSeconds(agent1.pid()) - cpu1;
            long queueDrops = tapDropped(h1) - tapDropped1;
            long grew2 = ProcessUsage.rssKiB(agents.get(1).pid()) - rss2;
            JsonNode learned1 = agent1.stats("forwarder", "learned");
            JsonNode learned2 = agents.get(1).stats("forwarder", "learned");
            System.out.printf("flood: %d frames from random source MACs in %d ms; agent h1 RSS +%d KiB, learned %s;"
                            + " agent h2 RSS +%d KiB, learned %s; pings a1 -> a2 during it: %d of %d lost%n",
                    FRAMES, floodMs, grew1, learned1, grew2, learned2, during.lost(), during.sent());
            // the structure is bounded: each agent holds at most its cap per network, and counted the rest
            for (JsonNode learned : List.of(learned1, learned2)) {
                assertTrue(learned.path("framesIn").asLong() <= 2 * 4096L, "at most the caps: " + learned);
                assertTrue(learned.path("drops").path("evicted").asLong() >= FRAMES / 4, "evictions counted: " + learned);
            }
            // Issue 15's targets for this flood are RSS growth <= 64 MiB and <= 1% of the pings lost. With no VM
            // registered every flood frame crosses the agent and its TLS link to h2, like any flood of traffic
            // from a VM, and the other VMs' frames wait in the same TAP queue: the targets are not reached this
            // way (printed here; asserted below with the VMs registered, as libvirt registers them).
            // The loss here is bounded only loosely, so that a regression (the agent stalling) still fails.
            System.out.printf("MacFloodIT without registered VMs: RSS growth %d KiB (target <= %d), pings lost %d of %d"
                    + " (target <= 1%%)%n", Math.max(grew1, grew2), 64 * 1024, during.lost(), during.sent());
            // where the loss happens: the agent's CPU over the flood (one event loop: about 1 s per s means it is
            // saturated) and the frames h1's bridge could not hand to the agent's TAP (its queue was full)
            System.out.printf("MacFloodIT without registered VMs, profile: agent h1 used %.1f s of CPU in the %.1f s of the"
                    + " flood; h1's TAP queue dropped %d frames (of %d sent)%n", busy, floodMs / 1000.0, queueDrops, FRAMES);
            assertTrue(during.received() >= during.sent() / 2, "pings went on during the flood: " + during.output());
            assertTrue(Math.max(grew1, grew2) <= 256 * 1024, "RSS growth stays within the agent's heap: h1 +" + grew1
                    + " KiB, h2 +" + grew2 + " KiB");

            // the manager: its memory and its database stay bounded. The agents report their learned addresses every
            // 500 ms; during the flood no random one is in two reports in a row, so none is recorded; after it, the last
            // 4,096 stay learned (until they age out) and are recorded like any learned address: at most the caps
            // (before issue 15's fix every address of the flood was written, 3 GB of database)
            long managerGrew = ProcessUsage.rssKiB(manager.pid()) - managerRss;
            long dbBytes = Files.size(fabric.workDir().resolve("manager-db.mv.db"));
            int recorded = manager.get("/hosts/h1/vms").size() + manager.get("/hosts/h2/vms").size();
            System.out.printf("MacFloodIT manager: RSS +%d KiB over the flood, database %d KiB, %d VM rows for h1 and h2%n",
                    managerGrew, dbBytes / 1024, recorded);
            assertTrue(recorded <= 2 * 4096 + 16, "VM rows at most the agents' learning caps: " + recorded + " rows");
            assertTrue(dbBytes <= 128L << 20, "the manager's database stays bounded: " + dbBytes + " bytes");
            assertTrue(managerGrew <= 256 * 1024, "the manager's RSS grows at most 256 MiB (its heap's limit is 512 MiB): +"
                    + managerGrew + " KiB");

            // the agent stays registered and the ring stays classified
            boolean connected = false;
            for (JsonNode a : manager.get("/agents")) {
                if (a.path("hostId").asText().equals("h1")) {
                    connected = a.path("connected").asBoolean();
                }
            }
            assertTrue(connected, "h1 is still registered");
            ManagerProcess.Response after = manager.rest("GET", "/networks/" + RING + "/topology", null);
            assertEquals("RING", after.body().path("class").asText(), "the other network is still classified: "
                    + after.body());
            assertTrue(run.get().ok(), "the ring ran through the flood: " + run.get().failures());
            assertEquals(3, a1.ping(a2, 3).received(), "and the flooded network still works");
            bg.shutdownNow();

            // the same flood where h1's VMs are registered (as libvirt registers a KVM host's VMs), with port
            // security as it is by default (ownedSourcesOnly): the flooder may send only from its own address, so its forged
            // frames are dropped where they enter, and the targets hold
            agent1.stop();
            AgentProcess strict = fabric.startAgent(h1, io.vnet.it.fabric.AgentConfigBuilder.forHost(h1)
                    .network(RING, 1500).network(FLOODED, 1500).dial("to-px", px, true).manager(manager, 500)
                    .vm(a1).vm(flooder).build());
            strict.awaitLinkUp("to-px", 10_000);
            assertEquals(3, a1.ping(a2, 3).received(), "h1 forwards again");
            Thread.sleep(2000);
            JsonNode guard = strict.stats("guard", Host.tapName(FLOODED));
            assertEquals("checking", guard.path("state").asText(), "the kernel checks the sources the bridge forwards to"
                    + " h1's TAP: " + guard);
            long rss3 = ProcessUsage.rssKiB(strict.pid());
            long tapDropped3 = tapDropped(h1);
            Flood second = flood(flooder, a1, a2, 300, 0.05);
            long flood2Ms = second.millis();
            Vm.PingResult during2 = second.pings();
            long grew3 = ProcessUsage.rssKiB(strict.pid()) - rss3;
            long queueDrops2 = tapDropped(h1) - tapDropped3;
            JsonNode tap = strict.stats("interface", Host.tapName(FLOODED));
            guard = strict.stats("guard", Host.tapName(FLOODED));
            System.out.printf("MacFloodIT with the VMs registered (port security by default): %d frames in %d ms; agent h1 RSS"
                    + " +%d KiB (target <= %d), pings a1 -> a2 %d of %d lost (target <= 1%%); dropped on h1's bridge: %d,"
                    + " by the agent: %d, by the TAP's queue: %d%n", FRAMES, flood2Ms, grew3, 64 * 1024, during2.lost(),
                    during2.sent(), guard.path("drops").path("spoofed").asLong(), tap.path("drops").path("spoofed").asLong(),
                    queueDrops2);
            // the kernel drops the forged frames on the bridge, before the TAP's queue; any that slip through
            // (none are expected: the set is filled before the flood) are dropped by the agent
            assertTrue(guard.path("drops").path("spoofed").asLong() >= FRAMES * 9L / 10, "the forged frames were dropped"
                    + " on h1's bridge, counted spoofed: " + guard + "; the agent's TAP: " + tap);
            assertTrue(grew3 <= 64 * 1024, "agent RSS grows at most 64 MiB: +" + grew3 + " KiB");
            assertTrue(during2.lost() * 100 <= during2.sent(), "at most 1% of the other VMs' pings lost: " + during2.lost()
                    + " of " + during2.sent() + "\n" + during2.output());
            assertEquals(3, a1.ping(a2, 3).received());
        }
    }
}
