package io.vnet.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.NetworkId;
import io.vnet.manager.ClusterService;
import io.vnet.manager.store.Fence;
import io.vnet.manager.store.FencedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Two and three managers sharing networks through leases, on a clock the test moves. */
class LeaseClusterTest {
    static final long LEASE = 5000;
    static final long TICK = 1000;
    final AtomicLong clock = new AtomicLong(1_000_000);
    final MemoryClusterStore store = new MemoryClusterStore(clock::get);
    final Set<NetworkId> networks = new TreeSet<>();

    LeaseClusterTest() {
        for (int v = 100; v < 140; v++) {
            networks.add(NetworkId.of(v));
        }
    }

    LeaseCluster manager(String id, Set<NetworkId> carries) {
        return new LeaseCluster(store, new ClusterConfig(id, "127.0.0.1:5900", null, LEASE, TICK), () -> carries,
                clock::get, Runnable::run); // listeners told on the ticking thread: the test reads what they heard at once
    }

    /** A listener that writes down what it hears. */
    static final class Heard implements ClusterService.OwnershipListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void acquired(NetworkId network, long epoch) {
            events.add("+" + network.vni() + "@" + epoch);
        }

        @Override
        public void lost(NetworkId network) {
            events.add("-" + network.vni());
        }
    }

    /** Every manager ticks once, then the clock moves a tick. */
    void round(LeaseCluster... managers) {
        for (LeaseCluster m : managers) {
            m.tick();
        }
        clock.addAndGet(TICK);
    }

    static Set<NetworkId> owned(LeaseCluster m, Set<NetworkId> of) {
        Set<NetworkId> out = new TreeSet<>();
        of.stream().filter(m::owns).forEach(out::add);
        return out;
    }

    @Test
    void twoManagersShareTheNetworksWithoutOverlapAndAManagerThatJoinsGetsItsShare() {
        LeaseCluster a = manager("mgr-a", networks);
        LeaseCluster b = manager("mgr-b", Set.of()); // its agents carry nothing: it learns the networks from the store
        round(a);
        assertEquals(networks, owned(a, networks), "alone, mgr-a owns every network at once");
        for (int i = 0; i < 2 * LEASE / TICK + 2; i++) {
            round(a, b);
            Set<NetworkId> both = owned(a, networks);
            both.retainAll(owned(b, networks));
            assertEquals(Set.of(), both, "never two owners");
        }
        Set<NetworkId> union = owned(a, networks);
        union.addAll(owned(b, networks));
        assertEquals(networks, union, "every network has an owner");
        int bShare = owned(b, networks).size();
        assertTrue(bShare >= 10 && bShare <= 30, "mgr-b got its share by rendezvous hashing: " + bShare + " of 40");
        for (NetworkId n : networks) {
            String preferred = Rendezvous.preferred(n.vni(), List.of("mgr-a", "mgr-b")).orElseThrow();
            assertEquals(preferred, a.owns(n) ? "mgr-a" : "mgr-b", "network " + n + " is with its preferred manager");
            assertEquals(a.owns(n) ? "mgr-a" : "mgr-b", b.owners().get(n), "both see the same owners");
        }
        assertEquals(List.of("mgr-a", "mgr-b"), a.members().stream().map(ClusterService.Member::id).toList());
    }

    @Test
    void aManagerThatDiesIsTakenOverWithinTheLeaseAndItsOldEpochIsFenced() {
        LeaseCluster a = manager("mgr-a", networks);
        LeaseCluster b = manager("mgr-b", networks);
        Heard heardByB = new Heard();
        b.addListener(heardByB);
        for (int i = 0; i < 2 * LEASE / TICK + 2; i++) {
            round(a, b);
        }
        Set<NetworkId> ofA = owned(a, networks);
        assertFalse(ofA.isEmpty());
        NetworkId one = ofA.iterator().next();
        Fence stale = new Fence(one.vni(), "mgr-a", a.epoch(one).getAsLong());
        heardByB.events.clear();
        // mgr-a stops (killed, or paused): mgr-b alone ticks
        long diedAt = clock.get();
        long takenAfter = -1;
        for (int i = 0; i < 10 && takenAfter < 0; i++) {
            round(b);
            if (owned(b, networks).equals(networks)) {
                takenAfter = clock.get() - diedAt;
            }
        }
        assertTrue(takenAfter > 0 && takenAfter <= LEASE + 2 * TICK, "taken over within the lease and two rounds: "
                + takenAfter + " ms");
        assertEquals(ofA.size(), heardByB.events.size(), "mgr-b heard of each network it took: " + heardByB.events);
        assertTrue(heardByB.events.stream().allMatch(e -> e.startsWith("+") && e.endsWith("@2")), heardByB.events.toString());
        // mgr-a wakes: it no longer counts itself owner, and what it writes under its old epoch is refused
        assertFalse(a.owns(one), "past its lease, mgr-a does not count itself the owner");
        assertThrows(FencedException.class, () -> store.putDesiredPart(stale, "kvm-1", "{}", 0));
        Heard heardByA = new Heard();
        a.addListener(heardByA);
        a.tick();
        assertEquals(ofA.size(), heardByA.events.size(), "mgr-a is told it lost them: " + heardByA.events);
        assertTrue(heardByA.events.stream().allMatch(e -> e.startsWith("-")));
    }

    @Test
    void aManagerThatCannotReachTheDatabaseStopsCountingItselfOwnerWhenItsLeasesRunOut() {
        LeaseCluster a = manager("mgr-a", networks);
        round(a);
        Heard heard = new Heard();
        a.addListener(heard);
        NetworkId one = networks.iterator().next();
        assertTrue(a.owns(one));
        store.down = true;
        long t0 = clock.get();
        while (a.owns(one)) {
            assertEquals(List.of(), heard.events, "while its leases count, nothing is lost");
            a.tickQuietly(); // fails, counted
            clock.addAndGet(TICK);
        }
        assertTrue(clock.get() - t0 <= LEASE, "it stopped counting itself the owner before the lease ran out in the"
                + " database: " + (clock.get() - t0) + " ms");
        a.tickQuietly();
        assertEquals(networks.size(), heard.events.size(), "then it is told it lost them all: " + heard.events);
        assertTrue(a.ticksFailed() >= 4, "" + a.ticksFailed());
        store.down = false;
        a.tickQuietly();
        assertTrue(a.owns(one), "back with the database, it takes its networks again (nobody else did)");
    }

    @Test
    void aManagerThatLeavesGivesItsNetworksUpAtOnce() {
        LeaseCluster a = manager("mgr-a", networks);
        LeaseCluster b = manager("mgr-b", networks);
        round(a, b);
        assertEquals(networks, owned(a, networks));
        a.close();
        round(b);
        assertEquals(networks, owned(b, networks), "taken at the next round, not after the lease");
    }

    @Test
    void theConfigurationIsCheckedFieldByField() {
        assertEquals(null, ClusterConfig.parse(null));
        ClusterConfig c = ClusterConfig.parse(io.vnet.protocol.Json.MAPPER.valueToTree(java.util.Map.of("id", "m1",
                "agentAddress", "10.0.0.1:5900")));
        assertEquals(ClusterConfig.DEFAULT_LEASE_MS, c.leaseMs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(
                io.vnet.protocol.Json.MAPPER.valueToTree(java.util.Map.of("id", "m1", "agentAddress", "10.0.0.1:5900",
                        "leaseMs", 3000, "tickMs", 1500))));
        assertTrue(e.getMessage().contains("tickMs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(io.vnet.protocol.Json.MAPPER.valueToTree(
                java.util.Map.of("id", "m1", "agentAddress", "10.0.0.1:5900", "lease", 3000))));
        assertTrue(e.getMessage().contains("lease"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(io.vnet.protocol.Json.MAPPER.valueToTree(
                java.util.Map.of("id", "m 1", "agentAddress", "10.0.0.1:5900"))));
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(io.vnet.protocol.Json.MAPPER.valueToTree(
                java.util.Map.of("id", "m1", "agentAddress", "nowhere"))));
    }

    /** Listeners are told on a thread of their own: one that takes its time holds no round back. */
    @Test
    void aSlowListenerDoesNotHoldTheRoundsBack() throws Exception {
        LeaseCluster a = new LeaseCluster(store, new ClusterConfig("mgr-a", "127.0.0.1:5900", null, LEASE, TICK),
                () -> networks, clock::get);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger heard = new java.util.concurrent.atomic.AtomicInteger();
        a.addListener(new ClusterService.OwnershipListener() {
            @Override
            public void acquired(NetworkId network, long epoch) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                heard.incrementAndGet();
            }

            @Override
            public void lost(NetworkId network) {
            }
        });
        long t0 = System.nanoTime();
        round(a);
        round(a);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the rounds did not wait for the listener");
        assertEquals(networks, owned(a, networks));
        release.countDown();
        long end = System.currentTimeMillis() + 5000;
        while (heard.get() < networks.size() && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertEquals(networks.size(), heard.get(), "and it heard of every network, in the end");
        a.close();
    }
}
