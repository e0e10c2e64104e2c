package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/cloudstack/webhook with the recorded 4.20 deliveries. */
class WebhookTest {
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

    Answer post(Fixtures.Delivery d, boolean loopback) {
        return bed.call("POST", "/webhook", d.headers(), d.body(), loopback);
    }

    @Test
    void aWrongSignatureIsRefusedAndNothingHappens() {
        Answer a = post(Fixtures.delivery("4.20/webhook-vm-start-wrong-signature.json"), false);
        assertEquals(401, a.status());
        assertTrue(a.body().path("error").asText().startsWith("X-CS-Signature: does not match"), a.body().toString());
        Fixtures.Delivery good = Fixtures.delivery("4.20/webhook-vm-start.json");
        Map<String, String> unsigned = new HashMap<>(good.headers());
        unsigned.remove("x-cs-signature");
        assertEquals(401, bed.call("POST", "/webhook", unsigned, good.body(), true).status());
        assertTrue(bed.cs.calls("listVirtualMachines").isEmpty(), "CloudStack was not asked");
        assertTrue(bed.wiring.inventory.vms().isEmpty());
        assertEquals(2, bed.wiring.webhook.counters().path("refused").asLong());
        assertEquals(0, bed.wiring.events.handled());
    }

    @Test
    void aRightDeliveryIsHandledOnceEvenWhenDeliveredTwice() {
        Fixtures.Delivery d = Fixtures.delivery("4.20/webhook-vm-start.json");
        Answer first = post(d, false); // from any address: it is signed
        assertEquals(200, first.status(), first.body().toString());
        assertFalse(first.body().path("duplicate").asBoolean());
        assertEquals(TestBed.VM1, first.body().path("vm").asText());
        assertEquals("VM.START", first.body().path("event").asText());
        assertEquals(1, bed.cs.calls("listVirtualMachines").stream().filter(c -> TestBed.VM1.equals(c.get("id"))
                && c.get("projectid") == null).count(), "the VM was read from CloudStack");
        assertEquals("Running", bed.wiring.inventory.vm(TestBed.VM1).orElseThrow().state());

        Answer again = post(d, false);
        assertEquals(200, again.status());
        assertTrue(again.body().path("duplicate").asBoolean(), again.body().toString());
        assertEquals(1, bed.cs.calls("listVirtualMachines").stream().filter(c -> c.get("projectid") == null).count(),
                "the repeated delivery was not handled again");
        assertEquals(1, bed.wiring.events.handled());
        assertEquals(1, bed.wiring.webhook.counters().path("duplicates").asLong());
    }

    @Test
    void otherEventsAreAnsweredIgnoredAndCounted() {
        Answer a = post(Fixtures.delivery("4.20/webhook-network-create.json"), true);
        assertEquals(200, a.status());
        assertTrue(a.body().path("ignored").asBoolean());
        assertEquals(1, bed.wiring.events.ignored("NETWORK.CREATE"));
        assertTrue(bed.cs.calls("listVirtualMachines").isEmpty());
        assertEquals(1, bed.get("/status").body().path("handling").path("ignored").path("NETWORK.CREATE").asLong());
    }

    @Test
    void destroyForgetsTheVmAndStartedEventsWait() throws Exception {
        bed.wiring.inventory.refresh(TestBed.VM1).orElseThrow();
        WebhookReceiver r = bed.wiring.webhook;
        byte[] started = ("{\"event\":\"VM.DESTROY\",\"status\":\"Started\",\"entityuuid\":\"" + TestBed.VM1 + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(200, r.receive(headers("id-1", "VM.DESTROY", r.signatureOf(started)), started).status());
        assertTrue(bed.wiring.inventory.vm(TestBed.VM1).isPresent(), "a Started destroy waits for its Completed event");
        byte[] done = ("{\"event\":\"VM.DESTROY\",\"status\":\"Completed\",\"entityuuid\":\"" + TestBed.VM1 + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(200, r.receive(headers("id-2", "VM.DESTROY", r.signatureOf(done)), done).status());
        assertTrue(bed.wiring.inventory.vm(TestBed.VM1).isEmpty());
    }

    static Map<String, String> headers(String id, String event, String signature) {
        return Map.of("x-cs-event-id", id, "x-cs-event", event, "x-cs-signature", signature);
    }

    @Test
    void theMemoryOfIdsIsBounded() {
        RecentIds ids = new RecentIds(3);
        assertTrue(ids.firstTime("a"));
        assertFalse(ids.firstTime("a"));
        assertTrue(ids.firstTime("b"));
        assertTrue(ids.firstTime("c"));
        assertTrue(ids.firstTime("d"));
        assertEquals(3, ids.size());
        assertTrue(ids.firstTime("a"), "the oldest id was forgotten");
        assertFalse(ids.firstTime("d"));
    }
}
