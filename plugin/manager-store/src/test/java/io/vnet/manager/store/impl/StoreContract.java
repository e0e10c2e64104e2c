package io.vnet.manager.store.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.store.AdaptationSetting;
import io.vnet.manager.store.AuditRecord;
import io.vnet.manager.store.CloudStackNetwork;
import io.vnet.manager.store.DecisionRecord;
import io.vnet.manager.store.DesiredStateRecord;
import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.Host;
import io.vnet.manager.store.Network;
import io.vnet.manager.store.TopologyRecord;
import io.vnet.manager.store.TrafficMatrixRecord;
import io.vnet.manager.store.Vm;
import io.vnet.manager.store.VniQuarantine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's behaviour, run against each database by a subclass. */
abstract class StoreContract {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");

    /** A URL for an empty database (or schema) of this test; printed in the log. */
    abstract String freshUrl() throws Exception;

    abstract String user();

    abstract String password();

    String url;
    JdbcManagerStore store;

    @BeforeEach
    void open() throws Exception {
        url = freshUrl();
        System.out.println(getClass().getSimpleName() + ": JDBC URL " + DataSources.redact(url));
        store = reopen();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    JdbcManagerStore reopen() {
        return new JdbcManagerStore(url, user(), password());
    }

    @Test
    void migratesAnEmptyDatabaseToTheCurrentSchema() {
        assertEquals(9, store.migrationsApplied());
        assertEquals("9", store.schemaVersion());
    }

    @Test
    void aSessionIsFoundByItsTokenHashUntilItExpiresOrEnds() {
        io.vnet.manager.store.SessionRecord s = new io.vnet.manager.store.SessionRecord("0a".repeat(32),
                "{\"user\":\"admin\",\"admin\":true}", T0, T0.plusSeconds(3600));
        store.addSession(s);
        assertEquals(Optional.of(s), store.session("0a".repeat(32), T0.plusSeconds(10)));
        assertThrows(StoreException.class, () -> store.addSession(s), "a token hash is unique");
        assertEquals(Optional.empty(), store.session("0a".repeat(32), T0.plusSeconds(3600)), "expired at its end");
        assertEquals(Optional.empty(), store.session("0b".repeat(32), T0), "an unknown hash");
        store.addSession(new io.vnet.manager.store.SessionRecord("0b".repeat(32), "{}", T0, T0.plusSeconds(60)));
        assertEquals(2, store.sessionCount(T0));
        assertEquals(1, store.sessionCount(T0.plusSeconds(61)));
        assertEquals(1, store.pruneSessions(T0.plusSeconds(61)), "the expired one is pruned");
        assertTrue(store.deleteSession("0a".repeat(32)));
        assertFalse(store.deleteSession("0a".repeat(32)), "ended once");
        assertEquals(0, store.sessionCount(T0));
        assertThrows(IllegalArgumentException.class, () -> new io.vnet.manager.store.SessionRecord("0A".repeat(32), "{}",
                T0, T0), "hex digits in lower case only");
        assertThrows(IllegalArgumentException.class, () -> new io.vnet.manager.store.SessionRecord("0a".repeat(32),
                "x".repeat(io.vnet.manager.store.SessionStore.MAX_IDENTITY + 1), T0, T0));
    }

    @Test
    void anEnrolmentTokenIsSpentOnceAndNotAfterItExpires() throws Exception {
        io.vnet.manager.store.Enrolment e = new io.vnet.manager.store.Enrolment("a1b2c3d4e5f60718", "kvm-9", "host", null,
                "ab".repeat(32), "local:admin", T0, T0.plusSeconds(3600), null);
        store.addEnrolment(e);
        assertEquals(Optional.of(e), store.enrolment("a1b2c3d4e5f60718"));
        assertThrows(StoreException.class, () -> store.addEnrolment(e), "an id is unique");
        // many at once: exactly one spends it
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Boolean>> tries = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            tries.add(pool.submit(() -> store.useEnrolment("a1b2c3d4e5f60718", T0.plusSeconds(10))));
        }
        int spent = 0;
        for (java.util.concurrent.Future<Boolean> f : tries) {
            spent += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, spent, "one of 16 concurrent uses spends the token");
        assertEquals(T0.plusSeconds(10), store.enrolment("a1b2c3d4e5f60718").orElseThrow().usedAt());
        io.vnet.manager.store.Enrolment late = new io.vnet.manager.store.Enrolment("0000000000000002", "px", "proxy",
                "tenant-a", "cd".repeat(32), "local:admin", T0, T0.plusSeconds(60), null);
        store.addEnrolment(late);
        assertFalse(store.useEnrolment("0000000000000002", T0.plusSeconds(61)), "an expired token enrols nobody");
        assertFalse(store.useEnrolment("no-such-token", T0), "nor does an unknown one");
        assertEquals(List.of("0000000000000002", "a1b2c3d4e5f60718"), store.enrolments(10).stream()
                .map(io.vnet.manager.store.Enrolment::id).sorted().toList());
        assertEquals(2, store.pruneEnrolments(T0.plusSeconds(7200)));
        assertEquals(List.of(), store.enrolments(10));
    }

    @Test
    void hostsAreUpsertedByHostId() {
        store.putHost(new Host("kvm-2", "10.0.0.2:5800", "host", T0));
        store.putHost(new Host("kvm-1", "10.0.0.1:5800", "host", T0));
        store.putHost(new Host("kvm-1", "10.0.0.9:5800", "proxy", T0.plusSeconds(5)));
        assertEquals(List.of(new Host("kvm-1", "10.0.0.9:5800", "proxy", T0.plusSeconds(5)),
                new Host("kvm-2", "10.0.0.2:5800", "host", T0)), store.hosts());
        assertEquals(Optional.of(new Host("kvm-2", "10.0.0.2:5800", "host", T0)), store.host("kvm-2"));
        assertTrue(store.deleteHost("kvm-2"));
        assertFalse(store.deleteHost("kvm-2"));
        assertEquals(Optional.empty(), store.host("kvm-2"));
    }

    /**
     * The store writer's transactions of several writes: all take effect together, or none, even where a
     * write failed and its caller caught the failure and went on; afterwards each call is its own again.
     */
    @Test
    void writesInOneTransactionTakeEffectTogetherOrNotAtAll() {
        assertTrue(store.writesTogether());
        store.inOneTransaction(() -> {
            store.putHost(new Host("kvm-1", "10.0.0.1:5800", "host", T0));
            store.appendAudit(new AuditRecord(1, T0, "api", "mode", "network 300", "automatic"));
            store.inOneTransaction(() -> store.putHost(new Host("kvm-2", "10.0.0.2:5800", "host", T0))); // part of it
        });
        assertEquals(List.of("kvm-1", "kvm-2"), store.hosts().stream().map(Host::hostId).toList());
        assertEquals(1, store.lastAuditId());

        io.vnet.manager.store.SessionRecord session = new io.vnet.manager.store.SessionRecord("0c".repeat(32), "{}", T0,
                T0.plusSeconds(60));
        store.addSession(session);
        List<String> seen = new java.util.ArrayList<>();
        StoreException e = assertThrows(StoreException.class, () -> store.inOneTransaction(() -> {
            store.putHost(new Host("kvm-3", "10.0.0.3:5800", "host", T0));
            store.appendAudit(new AuditRecord(2, T0, "api", "x", "y", ""));
            try {
                store.addSession(session); // a token hash is unique: the database refuses it
            } catch (StoreException caught) {
                seen.add("refused");
            }
            try {
                store.putHost(new Host("kvm-4", "10.0.0.4:5800", "host", T0));
            } catch (StoreException notTried) {
                seen.add(notTried.getMessage().contains("not tried") ? "not tried" : notTried.getMessage());
            }
        }));
        assertEquals(List.of("refused", "not tried"), seen);
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("session"), "the first failure is thrown: "
                + e.getMessage());
        assertEquals(List.of("kvm-1", "kvm-2"), store.hosts().stream().map(Host::hostId).toList(), "none of it took effect");
        assertEquals(1, store.lastAuditId());

        store.putHost(new Host("kvm-5", "10.0.0.5:5800", "host", T0));
        assertEquals(3, store.hosts().size(), "a call after it is its own transaction again");
        assertThrows(IllegalStateException.class, () -> store.inOneTransaction(() -> {
            store.putHost(new Host("kvm-6", "10.0.0.6:5800", "host", T0));
            throw new IllegalStateException("a bug in a write");
        }));
        assertEquals(Optional.empty(), store.host("kvm-6"), "rolled back");
    }

    @Test
    void timesKeepMicroseconds() {
        Instant t = Instant.parse("2026-03-04T05:06:07.123456789Z");
        store.putHost(new Host("h", "a", "host", t));
        assertEquals(Instant.parse("2026-03-04T05:06:07.123456Z"), store.host("h").orElseThrow().lastSeen());
    }

    @Test
    void networksAndVms() {
        store.putNetwork(new Network(100, "tenant-a"));
        store.putNetwork(new Network(7, "tenant-b"));
        store.putNetwork(new Network(100, "tenant-a2"));
        assertEquals(List.of(new Network(7, "tenant-b"), new Network(100, "tenant-a2")), store.networks());

        store.putVm(new Vm("02:00:00:00:00:0B", 100, "kvm-1"));
        store.putVm(new Vm("02:00:00:00:00:0a", 100, "kvm-2"));
        store.putVm(new Vm("02:00:00:00:00:0c", 7, "kvm-1"));
        store.putVm(new Vm("02-00-00-00-00-0a", 100, "kvm-1")); // the VM moved
        assertEquals(List.of(new Vm("02:00:00:00:00:0a", 100, "kvm-1"), new Vm("02:00:00:00:00:0b", 100, "kvm-1")),
                store.vmsOfNetwork(100));
        assertEquals(3, store.vmsOnHost("kvm-1").size());
        assertEquals(List.of(), store.vmsOnHost("kvm-2"));
        assertEquals(Optional.of(new Vm("02:00:00:00:00:0c", 7, "kvm-1")), store.vm("02:00:00:00:00:0C"));
        assertTrue(store.deleteVm("02:00:00:00:00:0c"));
        assertTrue(store.deleteNetwork(7));
        assertEquals(List.of(new Network(100, "tenant-a2")), store.networks());
    }

    @Test
    void desiredStatesKeepTheirGenerations() {
        for (int g = 1; g <= 5; g++) {
            store.putDesiredState(new DesiredStateRecord("kvm-1", g, "{\"links\":[],\"rules\":[],\"g\":" + g + "}", T0.plusSeconds(g)));
        }
        store.putDesiredState(new DesiredStateRecord("kvm-1", 5, "{\"links\":[\"x\"]}", T0.plusSeconds(9)));
        store.putDesiredState(new DesiredStateRecord("kvm-2", 1, "{}", T0));
        assertEquals(new DesiredStateRecord("kvm-1", 5, "{\"links\":[\"x\"]}", T0.plusSeconds(9)), store.desiredState("kvm-1").orElseThrow());
        List<DesiredStateRecord> h = store.desiredStateHistory("kvm-1", 3);
        assertEquals(List.of(5L, 4L, 3L), h.stream().map(DesiredStateRecord::generation).toList());
        assertEquals(Optional.empty(), store.desiredState("nobody"));
    }

    @Test
    void topologyHistoryIsNewestFirstWithinTimes() {
        for (int i = 0; i < 10; i++) {
            store.putTopology(new TopologyRecord(100, T0.plusSeconds(60L * i), i % 2 == 0 ? "ring" : "star",
                    "{\"nodes\":[],\"edges\":[],\"i\":" + i + "}"));
        }
        store.putTopology(new TopologyRecord(200, T0, "mesh", "{}"));
        List<TopologyRecord> all = store.topologies(100, null, null, 100);
        assertEquals(10, all.size());
        assertEquals(T0.plusSeconds(540), all.get(0).time());
        List<TopologyRecord> window = store.topologies(100, T0.plusSeconds(120), T0.plusSeconds(360), 2);
        assertEquals(List.of(T0.plusSeconds(360), T0.plusSeconds(300)), window.stream().map(TopologyRecord::time).toList());
        assertEquals("star", store.latestTopology(100).orElseThrow().topologyClass());
        assertEquals(Optional.empty(), store.latestTopology(300));
        // same (vni, time): replaced, not duplicated
        store.putTopology(new TopologyRecord(100, T0, "tree", "{\"again\":true}"));
        assertEquals(10, store.topologies(100, null, null, 100).size());
        assertEquals("tree", store.topologies(100, T0, T0, 5).get(0).topologyClass());
    }

    @Test
    void trafficMatricesAndPruning() {
        String big = "[" + "{\"src\":\"02:00:00:00:00:01\",\"dst\":\"02:00:00:00:00:02\",\"bytes\":123456789},".repeat(5000) + "{}]";
        store.putTrafficMatrix(new TrafficMatrixRecord(100, T0, big));
        store.putTrafficMatrix(new TrafficMatrixRecord(100, T0.plusSeconds(10), "[]"));
        store.putTopology(new TopologyRecord(100, T0, "ring", "{}"));
        assertEquals(big, store.trafficMatrices(100, null, T0, 1).get(0).document());
        assertEquals("[]", store.latestTrafficMatrix(100).orElseThrow().document());
        assertEquals(2, store.pruneHistory(T0.plusSeconds(1)));
        assertEquals(1, store.trafficMatrices(100, null, null, 10).size());
    }

    @Test
    void pruningKeepsEachHostsNewestDesiredState() {
        for (int g = 1; g <= 4; g++) {
            store.putDesiredState(new DesiredStateRecord("kvm-1", g, "{\"g\":" + g + "}", T0.plusSeconds(g)));
        }
        store.putDesiredState(new DesiredStateRecord("kvm-2", 7, "{}", T0)); // old, but its host's newest
        store.putTopology(new TopologyRecord(100, T0.plusSeconds(2), "ring", "{}"));
        store.putTopology(new TopologyRecord(100, T0.plusSeconds(20), "star", "{}"));
        // kvm-1's generations 1 to 3 (before T0+10 s, not the newest) and the older topology
        assertEquals(4, store.pruneHistory(T0.plusSeconds(10)));
        assertEquals(List.of(4L), store.desiredStateHistory("kvm-1", 10).stream().map(DesiredStateRecord::generation).toList());
        assertEquals(7, store.desiredState("kvm-2").orElseThrow().generation());
        assertEquals(List.of("star"), store.topologies(100, null, null, 10).stream().map(TopologyRecord::topologyClass).toList());
        assertEquals(0, store.pruneHistory(T0.plusSeconds(10)), "nothing more to prune");
    }

    @Test
    void pruningKeepsEachNetworksNewestHundredDecisionsAndItsNewestAppliedOne() {
        store.putDecision(new DecisionRecord(300, 1, T0, "{\"applied\":true}", true));
        store.putDecision(new DecisionRecord(300, 2, T0, "{\"applied\":true}", true)); // what is installed
        for (int id = 3; id <= 2 + JdbcManagerStore.DECISIONS_KEPT + 20; id++) { // the traffic changing, nothing applied
            store.putDecision(new DecisionRecord(300, id, T0.plusSeconds(id), "{\"applied\":false}"));
        }
        store.putDecision(new DecisionRecord(100, 1, T0, "{}")); // another network's only one
        assertEquals(2, store.latestAppliedDecision(300).orElseThrow().id(), "however many came after it");
        assertTrue(store.latestAppliedDecision(300).orElseThrow().applied());
        assertEquals(Optional.empty(), store.latestAppliedDecision(100));
        // a rewrite (the realised gain measured) keeps the flag it is given
        store.putDecision(new DecisionRecord(100, 1, T0, "{\"applied\":true}", true));
        assertEquals(1, store.latestAppliedDecision(100).orElseThrow().id());

        // everything is old: network 300 keeps its newest 100 (ids 23..122) and decision 2; decision 1 and ids 3..22 go
        assertEquals(21, store.pruneHistory(T0.plusSeconds(100_000)));
        List<Long> left = store.decisions(300, 1000).stream().map(DecisionRecord::id).toList();
        assertEquals(JdbcManagerStore.DECISIONS_KEPT + 1, left.size(), left.toString());
        assertEquals(122L, left.get(0));
        assertEquals(List.of(23L, 2L), left.subList(left.size() - 2, left.size()));
        assertEquals(1, store.decisions(100, 10).size(), "a network's only decision stays");
        assertEquals(0, store.pruneHistory(T0.plusSeconds(100_000)), "nothing more to prune");
        // newer than the time given: kept whatever their number
        store.putDecision(new DecisionRecord(300, 500, T0.plusSeconds(200_000), "{}"));
        assertEquals(0, store.pruneHistory(T0.plusSeconds(10)), "older than the time given only");
        // the newest 100 count by number: 500 is one, and 23..122 are no longer among them
        assertEquals(100, store.pruneHistory(T0.plusSeconds(100_000)));
        assertEquals(List.of(500L, 2L), store.decisions(300, 1000).stream().map(DecisionRecord::id).toList());
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("limit: 0 is not in 1..10000",
                assertThrows(IllegalArgumentException.class, () -> store.topologies(1, null, null, 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> store.topologies(1, T0.plusSeconds(1), T0, 1)).getMessage().startsWith("from:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Network(1 << 24, "x")).getMessage().startsWith("vni:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vm("nope", 1, "h")).getMessage().startsWith("mac:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Host("h", "a", "router", T0)).getMessage().startsWith("role:"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TopologyRecord(1, T0, "ring", "not json")).getMessage().startsWith("graph:"));
    }

    @Test
    void aRestartedStoreHasEverythingAndMigratesNothing() throws Exception {
        store.putHost(new Host("kvm-1", "10.0.0.1:5800", "host", T0));
        store.putNetwork(new Network(100, "tenant-a"));
        store.putVm(new Vm("02:00:00:00:00:01", 100, "kvm-1"));
        store.putDesiredState(new DesiredStateRecord("kvm-1", 3, "{\"links\":[],\"rules\":[]}", T0));
        store.putTrafficMatrix(new TrafficMatrixRecord(100, T0, "[{\"src\":\"a\",\"dst\":\"b\",\"bytes\":1}]"));
        store.putTopology(new TopologyRecord(100, T0, "ring", "{\"nodes\":[\"a\",\"b\"]}"));
        store.close();

        store = reopen();
        assertEquals(0, store.migrationsApplied());
        assertEquals("9", store.schemaVersion());
        assertEquals(List.of(new Host("kvm-1", "10.0.0.1:5800", "host", T0)), store.hosts());
        assertEquals(List.of(new Network(100, "tenant-a")), store.networks());
        assertEquals(List.of(new Vm("02:00:00:00:00:01", 100, "kvm-1")), store.vmsOfNetwork(100));
        assertEquals(3, store.desiredState("kvm-1").orElseThrow().generation());
        assertEquals(1, store.trafficMatrices(100, null, null, 10).size());
        assertEquals(new TopologyRecord(100, T0, "ring", "{\"nodes\":[\"a\",\"b\"]}"), store.latestTopology(100).orElseThrow());
    }

    @Test
    void adaptationSettingsDecisionsAndTheAuditLogPersist() throws Exception {
        store.putAdaptationSetting(new AdaptationSetting(300, "{\"mode\":\"recommend\"}", T0));
        store.putAdaptationSetting(new AdaptationSetting(300, "{\"mode\":\"automatic\"}", T0.plusSeconds(1)));
        store.putAdaptationSetting(new AdaptationSetting(100, "{\"mode\":\"off\"}", T0));
        store.putDecision(new DecisionRecord(300, 1, T0, "{\"trigger\":\"mode set -> RING\"}"));
        store.putDecision(new DecisionRecord(300, 2, T0.plusSeconds(5), "{\"trigger\":\"RING -> ALL_TO_ALL\"}"));
        store.putDecision(new DecisionRecord(300, 2, T0.plusSeconds(5), "{\"realisedGain\":2.1}"));
        assertEquals(0, store.lastAuditId());
        store.appendAudit(new AuditRecord(1, T0, "api", "mode", "network 300", "automatic"));
        store.appendAudit(new AuditRecord(2, T0.plusSeconds(6), "adaptation", "desired-state", "host h1", "gen 7"));
        // another manager of a cluster numbered an entry 2 too: it is kept, after the highest
        store.appendAudit(new AuditRecord(2, T0.plusSeconds(7), "api", "x", "y", ""));
        assertEquals(3, store.lastAuditId(), "an audit entry is never overwritten");
        assertEquals("host h1", store.audit(null, null, 10).get(1).target(), "entry 2 is as it was");
        // one numbered past the highest keeps its number
        store.appendAudit(new AuditRecord(9, T0.plusSeconds(8), "api", "z", "w", ""));
        assertEquals(9, store.lastAuditId());
        // the same entries written again (a commit whose answer was lost, tried again): each stays stored once,
        // also the one stored under the next free id
        store.appendAudit(new AuditRecord(9, T0.plusSeconds(8), "api", "z", "w", ""));
        store.appendAudit(new AuditRecord(2, T0.plusSeconds(7), "api", "x", "y", ""));
        assertEquals(9, store.lastAuditId(), "an entry written again is not stored twice");
        assertEquals(4, store.audit(null, null, 10).size());
        store.close();

        store = reopen();
        assertEquals(List.of(100, 300), store.adaptationSettings().stream().map(AdaptationSetting::vni).toList());
        assertEquals("{\"mode\":\"automatic\"}", store.adaptationSettings().get(1).document());
        assertEquals("{\"mode\":\"automatic\"}", store.adaptationSetting(300).orElseThrow().document(), "one network's");
        assertEquals(Optional.empty(), store.adaptationSetting(200), "a network without settings");
        List<DecisionRecord> ds = store.decisions(300, 10);
        assertEquals(List.of(2L, 1L), ds.stream().map(DecisionRecord::id).toList());
        assertEquals("{\"realisedGain\":2.1}", ds.get(0).document());
        assertEquals(1, store.decisions(300, 1).size());
        assertEquals(9, store.lastAuditId());
        List<AuditRecord> log = store.audit(null, null, 10);
        assertEquals(List.of(9L, 3L, 2L, 1L), log.stream().map(AuditRecord::id).toList());
        assertEquals(List.of("z", "x", "desired-state", "mode"), log.stream().map(AuditRecord::action).toList());
        assertEquals(3, store.audit(T0.plusSeconds(1), null, 10).size());
        assertThrows(IllegalArgumentException.class, () -> new DecisionRecord(300, 0, T0, "{}"));
        assertThrows(IllegalArgumentException.class, () -> new AuditRecord(1, T0, "", "x", "y", ""));
    }

    @Test
    void releasedVnisAreQuarantinedAndTheirHistoryForgotten() {
        store.putVm(new Vm("02:00:00:00:00:01", 300, "kvm-1"));
        store.putVm(new Vm("02:00:00:00:00:02", 301, "kvm-1"));
        store.putTopology(new TopologyRecord(300, T0, "ring", "{}"));
        store.putTopology(new TopologyRecord(301, T0, "ring", "{}"));
        store.putAdaptationSetting(new AdaptationSetting(300, "{\"mode\":\"automatic\"}", T0));
        store.putDecision(new DecisionRecord(300, 1, T0, "{}"));
        assertEquals(4, store.forgetNetworkHistory(300), "its VM, topology, setting and decision");
        assertEquals(List.of(), store.topologies(300, null, null, 10));
        assertEquals(List.of(), store.decisions(300, 10));
        assertTrue(store.adaptationSettings().stream().noneMatch(a -> a.vni() == 300));
        assertEquals(List.of(), store.vmsOfNetwork(300));
        assertEquals(1, store.topologies(301, null, null, 10).size(), "other networks keep theirs");

        String u = "7b3e8f1c-2f4d-4c55-9d6e-0a1b2c3d4e5f";
        store.quarantineVni(new VniQuarantine(300, u, T0, T0.plus(java.time.Duration.ofDays(7))));
        store.quarantineVni(new VniQuarantine(302, u, T0, T0.plusSeconds(10)));
        assertEquals(List.of(300, 302), store.quarantinedVnis(T0).stream().map(VniQuarantine::vni).toList());
        assertEquals(List.of(300), store.quarantinedVnis(T0.plusSeconds(10)).stream().map(VniQuarantine::vni).toList(),
                "a quarantine that ended is not listed");
        assertThrows(IllegalArgumentException.class, () -> new VniQuarantine(1, u, T0, T0.minusSeconds(1)));
    }

    @Test
    void cloudStackNetworksMapUuidsToUniqueVnisAndPersist() throws Exception {
        String a = "7b3e8f1c-2f4d-4c55-9d6e-0a1b2c3d4e5f";
        String b = "0c9d8e7f-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
        store.putCloudStackNetwork(new CloudStackNetwork(a, 100_001, 42L, "home-a", T0));
        store.putCloudStackNetwork(new CloudStackNetwork(b, 100_000, null, "home-b", T0.plusSeconds(1)));
        assertEquals(List.of(b, a), store.cloudStackNetworks().stream().map(CloudStackNetwork::networkUuid).toList(),
                "ordered by VNI");
        assertEquals(Optional.of(new CloudStackNetwork(a, 100_001, 42L, "home-a", T0)), store.cloudStackNetwork(a));
        assertEquals(Optional.of(new CloudStackNetwork(b, 100_000, null, "home-b", T0.plusSeconds(1))),
                store.cloudStackNetworkByVni(100_000));
        assertEquals(Optional.empty(), store.cloudStackNetworkByVni(100_002));
        assertThrows(StoreException.class, () -> store.putCloudStackNetwork(new CloudStackNetwork(
                "11111111-2222-4333-8444-555555555555", 100_001, null, "other", T0)), "a VNI belongs to one network");
        store.putCloudStackNetwork(new CloudStackNetwork(b, 100_000, 43L, "home-b renamed", T0.plusSeconds(1)));
        store.close();

        store = reopen();
        assertEquals(Optional.of(43L), store.cloudStackNetwork(b).map(CloudStackNetwork::internalId));
        assertEquals("home-b renamed", store.cloudStackNetworkByVni(100_000).orElseThrow().name());
        assertTrue(store.deleteCloudStackNetwork(a));
        assertFalse(store.deleteCloudStackNetwork(a));
        assertEquals(Optional.empty(), store.cloudStackNetworkByVni(100_001));
        assertEquals(1, store.cloudStackNetworks().size());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CloudStackNetwork(a, 1 << 24, null, "x", T0))
                .getMessage().startsWith("vni:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CloudStackNetwork(a, 5, 0L, "x", T0))
                .getMessage().startsWith("internalId:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CloudStackNetwork("", 5, null, "x", T0))
                .getMessage().startsWith("networkUuid:"));
    }

    @Test
    void migrationsAreIdempotent() throws Exception {
        javax.sql.DataSource ds = DataSources.create(url, user(), password());
        int rows = historyRows(ds, "");
        assertEquals(0, Migrations.migrate(ds).migrationsExecuted);
        assertEquals(0, Migrations.migrate(ds).migrationsExecuted);
        assertEquals(rows, historyRows(ds, ""));
        assertEquals(1, historyRows(ds, " WHERE \"version\" = '1' AND \"success\" = TRUE"));
        assertEquals(1, historyRows(ds, " WHERE \"version\" = '2' AND \"success\" = TRUE"));
        assertEquals(1, historyRows(ds, " WHERE \"version\" = '3' AND \"success\" = TRUE"));
    }

    private static int historyRows(javax.sql.DataSource ds, String where) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"" + Migrations.HISTORY_TABLE + "\"" + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ---- the cluster's part (leases, fencing, desired parts)

    @Test
    void aNetworkIsOwnedByOneManagerAtATimeAndChangesOwnerOnlyWhenItsLeaseExpires() throws Exception {
        JdbcClusterStore cluster = new JdbcClusterStore(store);
        assertEquals(Optional.empty(), cluster.claim(100, "m1", 60_000), "a network never seen has no lease to take");
        cluster.networksSeen(List.of(100, 101));
        cluster.networksSeen(List.of(100));
        assertEquals(2, cluster.leases().size());
        io.vnet.manager.store.NetworkLease l = cluster.claim(100, "m1", 400).orElseThrow();
        assertEquals("m1", l.owner());
        assertEquals(1, l.epoch());
        assertEquals(Optional.empty(), cluster.claim(100, "m2", 60_000), "held: m2 cannot take it");
        assertTrue(cluster.holds(l.fence()));
        assertEquals(List.of(100), cluster.renew("m1", 400).stream().map(io.vnet.manager.store.NetworkLease::vni).toList());
        Thread.sleep(600);
        assertFalse(cluster.holds(l.fence()), "expired");
        assertEquals(List.of(), cluster.renew("m1", 400), "an expired lease is not renewed: it is lost");
        io.vnet.manager.store.NetworkLease taken = cluster.claim(100, "m2", 60_000).orElseThrow();
        assertEquals(2, taken.epoch(), "a new owner, a new epoch");
        assertFalse(cluster.holds(l.fence()));
        // the old owner's writes are refused from now on, however late
        io.vnet.manager.store.FencedException refused = assertThrows(io.vnet.manager.store.FencedException.class,
                () -> cluster.putDesiredPart(l.fence(), "kvm-1", "{\"links\":[]}", 0));
        assertTrue(refused.getMessage().contains("no longer holds"), refused.getMessage());
        assertThrows(io.vnet.manager.store.FencedException.class, () -> cluster.putDecision(l.fence(),
                new DecisionRecord(100, 1, T0, "{}")));
        assertEquals(List.of(), store.decisions(100, 10));
        assertEquals(List.of(), cluster.desiredParts("kvm-1"));
        // the new owner writes; releasing hands it on at once, with the next epoch
        cluster.putDecision(taken.fence(), new DecisionRecord(100, 1, T0, "{\"n\":1}"));
        assertEquals(1, store.decisions(100, 10).size());
        assertTrue(cluster.release(taken.fence()));
        assertFalse(cluster.release(taken.fence()), "released once");
        assertEquals(3, cluster.claim(100, "m1", 60_000).orElseThrow().epoch());
    }

    @Test
    void aDesiredPartsGenerationGrowsAcrossOwnersAndWhatTheHostAppliedIsKept() {
        JdbcClusterStore cluster = new JdbcClusterStore(store);
        cluster.networksSeen(List.of(7, 8));
        io.vnet.manager.store.Fence f1 = cluster.claim(7, "m1", 60_000).orElseThrow().fence();
        io.vnet.manager.store.DesiredPart p1 = cluster.putDesiredPart(f1, "kvm-1", "{\"v\":1}", 1000);
        assertEquals(1000, p1.generation(), "at least the floor given");
        assertEquals(-1, p1.appliedGeneration());
        assertEquals(1001, cluster.putDesiredPart(f1, "kvm-1", "{\"v\":2}", 5).generation(), "one more than the last");
        assertEquals(1, cluster.partsApplied("kvm-1", java.util.Map.of(7, 1001L)));
        assertEquals(0, cluster.partsApplied("kvm-1", java.util.Map.of(7, 1000L)), "an older ack changes nothing");
        cluster.release(f1);
        io.vnet.manager.store.Fence f2 = cluster.claim(7, "m2", 60_000).orElseThrow().fence();
        io.vnet.manager.store.DesiredPart p3 = cluster.putDesiredPart(f2, "kvm-1", "{\"v\":3}", 0);
        assertEquals(1002, p3.generation(), "the next owner goes on from the last generation");
        assertEquals(1001, p3.appliedGeneration(), "what the host applied stays");
        assertEquals("m2", p3.owner());
        io.vnet.manager.store.Fence f8 = cluster.claim(8, "m1", 60_000).orElseThrow().fence();
        cluster.putDesiredPart(f8, "kvm-1", "{\"v\":8}", 0);
        cluster.putDesiredPart(f8, "kvm-2", "{\"v\":8}", 0);
        assertEquals(List.of(7, 8), cluster.desiredParts("kvm-1").stream().map(io.vnet.manager.store.DesiredPart::vni).toList());
        assertEquals(List.of("kvm-1", "kvm-2"), cluster.desiredPartsOfNetwork(8).stream()
                .map(io.vnet.manager.store.DesiredPart::hostId).toList());
        assertEquals("{\"v\":3}", cluster.desiredParts("kvm-1").get(0).document());
    }

    @Test
    void manyNetworksAreClaimedAtOnceAndOnlyThoseNobodyHolds() throws Exception {
        JdbcClusterStore cluster = new JdbcClusterStore(store);
        List<Integer> all = new java.util.ArrayList<>();
        for (int v = 1000; v < 1700; v++) {
            all.add(v); // more than one chunk of 500
        }
        cluster.networksSeen(all);
        assertEquals(List.of(1000, 1001), cluster.claimAll(List.of(1001, 1000), "m2", 60_000).stream()
                .map(io.vnet.manager.store.NetworkLease::vni).toList());
        List<io.vnet.manager.store.NetworkLease> got = cluster.claimAll(all, "m1", 60_000);
        assertEquals(698, got.size(), "all but m2's two");
        assertTrue(got.stream().allMatch(l -> l.owner().equals("m1") && l.epoch() == 1 && l.vni() >= 1002));
        assertEquals(List.of(), cluster.claimAll(all, "m1", 60_000), "nothing more to take: m1's own are not taken again");
        assertEquals(List.of(), cluster.claimAll(List.of(), "m1", 60_000));
        assertEquals(700, cluster.renew("m1", 60_000).size() + cluster.renew("m2", 60_000).size());
    }

    @Test
    void managersRacingForNetworksEachGetDisjointOnesAndLiveMembersAreListed() throws Exception {
        JdbcClusterStore cluster = new JdbcClusterStore(store);
        List<Integer> vnis = new java.util.ArrayList<>();
        for (int v = 200; v < 240; v++) {
            vnis.add(v);
        }
        cluster.networksSeen(vnis);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.Map<Integer, List<String>> winners = new java.util.concurrent.ConcurrentHashMap<>();
        List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
        for (String m : List.of("m1", "m2", "m3", "m4")) {
            runs.add(pool.submit(() -> {
                for (int v : vnis) {
                    cluster.claim(v, m, 60_000).ifPresent(l -> winners.computeIfAbsent(v,
                            k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(l.owner()));
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : runs) {
            f.get();
        }
        pool.shutdown();
        assertEquals(vnis.size(), winners.size(), "every network was taken");
        winners.forEach((v, w) -> assertEquals(1, w.size(), "network " + v + " taken by " + w));
        for (io.vnet.manager.store.NetworkLease l : cluster.leases()) {
            assertEquals(1, l.epoch());
            assertEquals(winners.get(l.vni()).get(0), l.owner());
        }
        io.vnet.manager.store.ManagerMember m1 = new io.vnet.manager.store.ManagerMember("m1", "10.0.0.1:9500",
                "http://10.0.0.1:8080", 0, 0);
        io.vnet.manager.store.ManagerMember m2 = new io.vnet.manager.store.ManagerMember("m2", "10.0.0.2:9500", null, 0, 0);
        assertEquals(List.of("m1"), cluster.heartbeat(m1, 60_000).stream().map(io.vnet.manager.store.ManagerMember::id).toList());
        assertEquals(List.of("m1", "m2"), cluster.heartbeat(m2, 60_000).stream()
                .map(io.vnet.manager.store.ManagerMember::id).toList());
        Thread.sleep(50);
        assertEquals(List.of("m2"), cluster.heartbeat(m2, 40).stream().map(io.vnet.manager.store.ManagerMember::id).toList(),
                "m1's heartbeat is older than the live time");
        String owned = winners.entrySet().stream().filter(e -> e.getValue().get(0).equals("m1")).findFirst()
                .map(e -> "" + e.getKey()).orElse(null);
        cluster.leave("m1");
        assertEquals(List.of("m2"), cluster.members().stream().map(io.vnet.manager.store.ManagerMember::id).toList());
        if (owned != null) {
            assertEquals(2, cluster.claim(Integer.parseInt(owned), "m2", 60_000).orElseThrow().epoch(),
                    "a manager that leaves gives its networks up at once");
        }
        assertThrows(IllegalArgumentException.class, () -> cluster.claim(1 << 24, "m1", 1000));
        assertThrows(IllegalArgumentException.class, () -> cluster.claim(5, "m1", 0));
        assertThrows(IllegalArgumentException.class, () -> cluster.networksSeen(List.of(-1)));
    }
}
