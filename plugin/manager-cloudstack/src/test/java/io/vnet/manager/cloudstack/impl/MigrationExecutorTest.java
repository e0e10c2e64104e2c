package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A migration through CloudStack: migrateVirtualMachine, then queryAsyncJobResult until done or failed. */
class MigrationExecutorTest {
    static final String KVM2 = "2c6d9a1f-4b3e-4d8c-8f7a-1b2c3d4e5f60";
    @TempDir
    java.nio.file.Path dir;
    TestBed bed;
    final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        bed = new TestBed(dir);
        bed.cs.onFixture("migrateVirtualMachine", "4.20/migrateVirtualMachine.json");
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    CloudStackMigrationExecutor executor(Map<String, String> hostMap, Duration timeout, Clock clock) {
        return new CloudStackMigrationExecutor(bed.wiring.client, bed.wiring.inventory, hostMap, timeout,
                Duration.ofMillis(250), clock, sleeps::add);
    }

    @Test
    void aMigrationRunsUntilItsJobIsDone() throws Exception {
        bed.cs.onSequence("queryAsyncJobResult", "4.20/queryAsyncJobResult-pending.json",
                "4.20/queryAsyncJobResult-done.json");
        CloudStackMigrationExecutor m = executor(Map.of("kvm-host-1", "kvm1.example.org", "kvm-host-2", "kvm2.example.org"), Duration.ofMinutes(1),
                Clock.systemUTC());
        // the inventory is empty: the VM is found by a full sync
        bed.cs.on("listVirtualMachines", p -> new FakeCloudStack.Reply(200, Fixtures.text(
                TestBed.VM1.equals(p.get("id")) ? "4.20/listVirtualMachines-vm1-migrated.json"
                        : "-1".equals(p.get("projectid")) ? "4.20/listVirtualMachines-empty.json"
                        : "4.20/listVirtualMachines.json")));
        m.migrate(NetworkId.of(100_000), MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm-host-1", "kvm-host-2");
        Map<String, String> call = bed.cs.calls("migrateVirtualMachine").get(0);
        assertEquals(TestBed.VM1, call.get("virtualmachineid"));
        assertEquals(KVM2, call.get("hostid"));
        assertEquals(2, bed.cs.calls("queryAsyncJobResult").size(), "jobstatus 0, then 1");
        assertEquals(List.of(Duration.ofMillis(250)), sleeps);
        assertEquals("kvm2.example.org", bed.wiring.inventory.vm(TestBed.VM1).orElseThrow().hostName(),
                "the VM was read again after the move");
    }

    @Test
    void aFailedJobSurfacesCloudStacksErrorText() throws Exception {
        bed.wiring.inventory.fullSync();
        bed.cs.onSequence("queryAsyncJobResult", "4.20/queryAsyncJobResult-pending.json",
                "4.20/queryAsyncJobResult-failed.json");
        CloudStackMigrationExecutor m = executor(Map.of(), Duration.ofMinutes(1), Clock.systemUTC());
        Exception e = assertThrows(Exception.class, () -> m.migrate(NetworkId.of(100_000),
                MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm1", "kvm2"));
        assertTrue(e.getMessage().contains("Unable to migrate due to Timed out in waiting for the migration to finish"),
                e.getMessage());
        assertTrue(e.getMessage().contains("errorcode 530"), e.getMessage());
        assertEquals(KVM2, bed.cs.calls("migrateVirtualMachine").get(0).get("hostid"), "kvm2 is kvm2.example.org's short name");
    }

    @Test
    void aQuestionThatFailsWithAServerErrorIsAskedAgainWhileTheJobGoesOn() throws Exception {
        bed.wiring.inventory.fullSync();
        // CloudStack's internal error on one question (as CI run 10's stand-in answered), then the job as it is
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        bed.cs.on("queryAsyncJobResult", p -> switch (asked.incrementAndGet()) {
            case 1 -> new FakeCloudStack.Reply(200, Fixtures.text("4.20/queryAsyncJobResult-pending.json"));
            case 2 -> new FakeCloudStack.Reply(530, "{\"queryasyncjobresultresponse\":{\"uuidList\":[],"
                    + "\"errorcode\":530,\"cserrorcode\":9999,\"errortext\":\"Internal error\"}}");
            default -> new FakeCloudStack.Reply(200, Fixtures.text("4.20/queryAsyncJobResult-done.json"));
        });
        CloudStackMigrationExecutor m = executor(Map.of(), Duration.ofMinutes(1), Clock.systemUTC());
        m.migrate(NetworkId.of(100_000), MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm1", "kvm2");
        assertEquals(3, bed.cs.calls("queryAsyncJobResult").size(), "pending, the failed question, done");
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(250)), sleeps, "the failed question waited a poll");
    }

    @Test
    void aQuestionCloudStackRefusesEndsTheWaitAtOnce() throws Exception {
        bed.wiring.inventory.fullSync();
        bed.cs.on("queryAsyncJobResult", p -> new FakeCloudStack.Reply(431, "{\"queryasyncjobresultresponse\":{"
                + "\"uuidList\":[],\"errorcode\":431,\"cserrorcode\":9999,\"errortext\":\"Unable to find job\"}}"));
        CloudStackMigrationExecutor m = executor(Map.of(), Duration.ofMinutes(1), Clock.systemUTC());
        io.vnet.manager.cloudstack.CloudStackException e = assertThrows(io.vnet.manager.cloudstack.CloudStackException.class,
                () -> m.migrate(NetworkId.of(100_000), MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm1", "kvm2"));
        assertEquals(431, e.errorCode());
        assertEquals(1, bed.cs.calls("queryAsyncJobResult").size(), "a 4xx is not asked again");
        assertEquals(List.of(), sleeps);
    }

    @Test
    void aJobStillPendingAtTheTimeoutFails() throws Exception {
        bed.wiring.inventory.fullSync();
        bed.cs.onFixture("queryAsyncJobResult", "4.20/queryAsyncJobResult-pending.json");
        Instant t0 = Instant.parse("2025-01-14T11:00:00Z");
        Instant[] now = {t0};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        CloudStackMigrationExecutor m = new CloudStackMigrationExecutor(bed.wiring.client, bed.wiring.inventory, Map.of(),
                Duration.ofSeconds(1), Duration.ofMillis(250), clock, d -> now[0] = now[0].plus(d));
        Exception e = assertThrows(Exception.class, () -> m.migrate(NetworkId.of(100_000),
                MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm1.example.org", "kvm2.example.org"));
        assertTrue(e.getMessage().contains("did not finish migrating VM " + TestBed.VM1 + " within 1000 ms"), e.getMessage());
        assertEquals(5, bed.cs.calls("queryAsyncJobResult").size(), "asked at 0, 250, 500, 750 and 1000 ms");
    }

    @Test
    void aVmThatIsNotOnTheDecisionsNetworkOrSourceHostIsNotMoved() throws Exception {
        bed.wiring.inventory.fullSync();
        CloudStackMigrationExecutor m = executor(Map.of(), Duration.ofMinutes(1), Clock.systemUTC());
        // a tenant VM of network 7 spoofed VM1's MAC, and a decision for network 7 names it
        Exception net = assertThrows(IllegalArgumentException.class, () -> m.migrate(NetworkId.of(7),
                MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm1", "kvm2"));
        assertTrue(net.getMessage().contains("refused") && net.getMessage().contains("VNI 100000")
                && net.getMessage().contains("not on the decision's network 7"), net.getMessage());
        // the MAC was reported from kvm2, where VM1 does not run
        Exception host = assertThrows(IllegalArgumentException.class, () -> m.migrate(NetworkId.of(100_000),
                MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm2", "kvm1"));
        assertTrue(host.getMessage().contains("runs on CloudStack host kvm1.example.org")
                && host.getMessage().contains("not on kvm2"), host.getMessage());
        assertTrue(bed.cs.calls("migrateVirtualMachine").isEmpty(), "nothing was moved");
    }

    @Test
    void unknownMacsAndHostsAreNamed() throws Exception {
        bed.wiring.inventory.fullSync();
        CloudStackMigrationExecutor m = executor(Map.of(), Duration.ofMinutes(1), Clock.systemUTC());
        Exception mac = assertThrows(IllegalArgumentException.class, () -> m.migrate(NetworkId.of(1),
                MacAddress.parse("02:00:00:00:99:99"), "a", "kvm2"));
        assertTrue(mac.getMessage().contains("02:00:00:00:99:99"));
        Exception host = assertThrows(IllegalArgumentException.class, () -> m.migrate(NetworkId.of(100_000),
                MacAddress.parse(TestBed.VM1_HOME_MAC), "kvm1", "kvm-9"));
        assertTrue(host.getMessage().contains("cloudstack.hostMap.kvm-9"), host.getMessage());
        assertTrue(bed.cs.calls("migrateVirtualMachine").isEmpty());
        assertTrue(m.describe().startsWith("CloudStack live migration at http://127.0.0.1:"));
    }
}
