package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listEvents fallback with the recorded 4.20 and 4.19 answers. */
class EventPollerTest {
    @TempDir
    java.nio.file.Path dir;
    TestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = new TestBed(dir);
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    EventPoller poller(Instant now, ZoneId zone) {
        return new EventPoller(bed.wiring.client, bed.wiring.seen, bed.wiring.events, bed.wiring.inventory,
                Clock.fixed(now, ZoneOffset.UTC), zone, Duration.ofMinutes(1));
    }

    @Test
    void handlesCompletedVmEventsOnceAndSkipsTheRest() throws Exception {
        bed.cs.onFixture("listEvents", "4.20/listEvents.json");
        EventPoller p = poller(Instant.parse("2025-01-14T10:40:00Z"), ZoneId.of("UTC"));
        assertEquals("2025-01-14 10:39:00", p.startDate(), "since the start, less the overlap");
        assertEquals(1, p.poll(), "VM.STOP Completed; VM.STOP Started waits; USER.LOGIN is not a VM event");
        assertEquals("Running", bed.wiring.inventory.vm(TestBed.VM2).orElseThrow().state(),
                "VM2 was read again from CloudStack (the fixture still says Running)");
        assertEquals(1, bed.wiring.events.ignored("USER.LOGIN"));
        assertEquals("2025-01-14 10:40:07", p.startDate(), "the next poll starts from the newest event");
        assertEquals(0, p.poll(), "the same events again: nothing is handled twice");
        assertEquals(1, bed.wiring.events.handled());
        assertEquals(1, bed.wiring.events.ignored("USER.LOGIN"));
        assertEquals(2, bed.cs.calls("listEvents").size());
        assertEquals("true", bed.cs.calls("listEvents").get(0).get("listall"));
    }

    @Test
    void readsThe419ShapeAndUsesTheServersTimeZone() throws Exception {
        bed.wiring.inventory.fullSync();
        assertTrue(bed.wiring.inventory.vm(TestBed.VM2).isPresent());
        bed.cs.onFixture("listEvents", "4.19/listEvents.json");
        EventPoller p = poller(Instant.parse("2024-06-03T08:00:00Z"), ZoneId.of("Europe/Berlin"));
        assertEquals("2024-06-03 09:59:00", p.startDate(), "08:00 UTC less a minute, in Berlin's summer time");
        assertEquals(2, p.poll());
        assertTrue(bed.wiring.inventory.vm(TestBed.VM2).isEmpty(), "VM.DESTROY Completed forgot VM2");
        assertTrue(bed.wiring.inventory.vm(TestBed.VM1).isPresent(), "VM.MIGRATE read VM1 again");
    }

    @Test
    void anEventWithoutResourceIdLeadsToAFullSync() throws Exception {
        bed.cs.on("listEvents", q -> new FakeCloudStack.Reply(200, Fixtures.text("4.19/listEvents.json")
                .replace("\"resourceid\":\"6a2b4c8d-0e1f-4a3b-8c5d-7e9f0a1b2c3d\",", "")));
        EventPoller p = poller(Instant.parse("2024-06-03T08:00:00Z"), ZoneId.of("UTC"));
        p.poll();
        assertEquals(2, bed.wiring.inventory.vms().size() , "the full sync read every VM");
        assertTrue(bed.cs.calls("listVirtualMachines").stream().anyMatch(c -> c.get("id") == null));
    }
}
