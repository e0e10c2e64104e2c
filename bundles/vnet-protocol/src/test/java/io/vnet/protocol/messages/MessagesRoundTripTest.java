package io.vnet.protocol.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import io.vnet.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every agent–manager message: written as JSON and read back (through the dispatching readers), it is the same record. */
class MessagesRoundTripTest {
    static final NetworkId N100 = NetworkId.of(100);
    static final NetworkId N200 = NetworkId.of(200);
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:02");

    static Inventory inventory() {
        return new Inventory(List.of(N100, N200), List.of(new Inventory.VmAddress(N100, A), new Inventory.VmAddress(N200, B)),
                3, List.of(new Inventory.RegisteredVm("8f1c-uuid", "web-1", "libvirt",
                        List.of(new Inventory.RegisteredVm.Nic(N100, A, "vnet0", "br100"),
                                new Inventory.RegisteredVm.Nic(N200, B, null, null)))), List.of(), 0);
    }

    static Hello hello() {
        return new Hello(Hello.PROTOCOL, "0.1.0.SNAPSHOT", "kvm-1", "host", 42, "10.0.0.1:5800", true, true,
                "0123456789abcdef", inventory());
    }

    static Report report() {
        return new Report("kvm-1", 7, 500L, List.of(new PairCount(N100, A, B, 10, 15_000, false)),
                List.of(new UnpairedTraffic(N100, 2, 5, 700)), 4, 0, inventory(),
                List.of(new Report.LinkReport("to-kvm-2", "kvm-2", "tls", true, 420, 380, 1_000_000, 2_000, List.of(N100))));
    }

    static StateMessage state() {
        return new StateMessage(43, List.of(Json.link(parse("{\"id\": \"to-px\", \"peer\": \"px\", \"connect\":"
                + " \"10.0.0.9:5800\", \"vnis\": [100]}"), "links[0]")),
                List.of(Json.rule(parse("{\"vni\": 100, \"dst\": \"02:00:00:00:00:02\", \"to\": \"link:to-px\"}"), "rules[0]")));
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Through the text on the wire, not only the tree. */
    static JsonNode wire(JsonNode j) {
        return parse(j.toString());
    }

    @Test
    void agentMessagesComeBackAsTheyWent() {
        for (AgentMessage m : List.of(hello(), report(), new VmsUpdate("kvm-1", inventory()),
                new Ack("kvm-1", 43, false, List.of("links[0]: peer px unknown")), new Ack("kvm-1", 44, true, List.of()))) {
            assertEquals(m, AgentMessage.read(wire(m.toJson())), m.type());
        }
    }

    @Test
    void managerMessagesComeBackAsTheyWent() {
        StateMessage s = state();
        assertEquals(s, StateMessage.read(wire(s.toJson())));
        ManagerMessage read = ManagerMessage.read(wire(s.toJson()));
        StateMessage.Lenient lenient = assertInstanceOf(StateMessage.Lenient.class, read);
        assertEquals(s, lenient.valid());
        assertFalse(lenient.refused());
        Revoked r = new Revoked(List.of("ab".repeat(32)));
        assertEquals(r, ManagerMessage.read(wire(r.toJson())));
        Refused no = new Refused("the agent speaks protocol 2");
        assertEquals(no, ManagerMessage.read(wire(no.toJson())));
        assertInstanceOf(ManagerMessage.Owners.class, ManagerMessage.read(io.vnet.protocol.OwnersMessage.write(java.util.Map.of())));
        assertEquals("later", assertInstanceOf(ManagerMessage.Unknown.class, ManagerMessage.read(parse("{\"type\": \"later\"}"))).type());
    }

    @Test
    void aReportOrVmsMessageMayLeaveListsOutAndAHelloReadsThemAsEmpty() {
        Report r = Report.read(parse("{\"type\": \"report\", \"hostId\": \"h\", \"intervalMs\": 1000}"));
        assertNull(r.inventory().networks());
        assertNull(r.inventory().macs());
        assertNull(r.inventory().vms());
        assertNull(r.links());
        assertEquals(1000L, r.intervalMs());
        assertEquals(r, AgentMessage.read(wire(r.toJson())));
        Hello h = Hello.read(parse("{\"type\": \"hello\", \"hostId\": \"h\"}"));
        assertEquals(List.of(), h.inventory().networks());
        assertEquals(List.of(), h.inventory().macs());
        assertEquals("host", h.role());
        assertEquals(-1, h.generation());
        assertEquals(0, h.protocol(), "an agent from before versions");
        assertNull(h.software());
    }

    @Test
    void aHellosSoftwareAndARefusalsReasonAreBoundedAndPrintable() {
        Hello h = Hello.read(parse("{\"type\": \"hello\", \"hostId\": \"h\", \"protocol\": 1, \"software\": \""
                + "1.0\\u001b[31m" + "x".repeat(10_000) + "\"}"));
        assertEquals(Hello.MAX_SOFTWARE, h.software().length());
        assertTrue(h.software().startsWith("1.0?[31m"), h.software());
        Refused r = Refused.read(parse("{\"type\": \"refused\", \"reason\": \"a\\nb" + "y".repeat(5_000) + "\"}"));
        assertEquals(Refused.MAX_REASON, r.reason().length());
        assertTrue(r.reason().startsWith("a b"), r.reason().substring(0, 5));
        assertEquals("", Refused.read(parse("{\"type\": \"refused\"}")).reason());
    }

    @Test
    void aManagerServesTheProtocolsItSpeaksAndSaysWhichSideToUpgradeOtherwise() {
        assertNull(Hello.incompatible(Hello.PROTOCOL, "0.1.0"));
        assertNull(Hello.incompatible(Hello.MIN_PROTOCOL, null));
        String newer = Hello.incompatible(Hello.PROTOCOL + 1, "9.0.0");
        assertTrue(newer.contains("protocol " + (Hello.PROTOCOL + 1) + " (software 9.0.0)") && newer.contains("upgrade the manager first"),
                newer);
        String older = Hello.incompatible(Hello.MIN_PROTOCOL - 1, null);
        assertTrue(older.contains("upgrade the agent"), older);
    }

    @Test
    void aFrameOfBadVmRegistrationsKeepsAFewToLogAndCountsTheRest() {
        StringBuilder vms = new StringBuilder("[");
        String longName = "x".repeat(10_000);
        for (int i = 0; i < 1000; i++) {
            vms.append(i == 0 ? "" : ",").append("{\"name\": \"").append(longName).append("\"}");
        }
        Inventory i = Inventory.read(parse("{\"vms\": " + vms + "]}"));
        assertEquals(List.of(), i.vms());
        assertEquals(Inventory.BAD_VMS_KEPT, i.badVms().size(), "the first few are kept");
        assertEquals(1000 - Inventory.BAD_VMS_KEPT, i.badVmsOmitted(), "the rest are counted");
        for (String bad : i.badVms()) {
            assertTrue(bad.length() <= Inventory.BAD_VM_CHARS + 3 + ": no uuid".length(), bad.length() + " characters");
            assertTrue(bad.endsWith("...: no uuid"), bad.substring(bad.length() - 20));
        }
    }

    @Test
    void whatTheManagerCannotActOnIsRefusedAndWhatItCanDoWithoutIsSkipped() {
        assertThrows(IllegalArgumentException.class, () -> AgentMessage.read(parse("{\"type\": \"hello\", \"hostId\": \"h\","
                + " \"macs\": [{\"vni\": 100, \"mac\": \"nonsense\"}]}")));
        assertThrows(IllegalArgumentException.class, () -> AgentMessage.read(parse("{\"type\": \"vms\", \"networks\": [0]}")));
        Report r = Report.read(parse("{\"type\": \"report\", \"pairs\": [{\"vni\": 100, \"src\": \"x\", \"dst\":"
                + " \"02:00:00:00:00:02\", \"frames\": 1, \"bytes\": 60}], \"rest\": [{\"vni\": 100, \"pairs\": -1}],"
                + " \"links\": [{\"peer\": \"no id\"}], \"vms\": [{\"name\": \"no uuid\"}]}"));
        assertEquals(2, r.skipped());
        assertEquals(List.of(), r.links());
        assertEquals(List.of(), r.inventory().vms());
        assertTrue(r.inventory().badVms().get(0).endsWith(": no uuid"), r.inventory().badVms().toString());
        StateMessage.Lenient l = StateMessage.readLenient(parse("{\"generation\": 5, \"links\": [{\"id\": \"x\"}],"
                + " \"rules\": []}"));
        assertEquals(1, l.errors().size());
        assertTrue(l.errors().get(0).startsWith("links[0]"), l.errors().toString());
        assertThrows(IllegalArgumentException.class, () -> StateMessage.read(parse("{\"generation\": 5, \"links\":"
                + " [{\"id\": \"x\"}], \"rules\": []}")));
        assertTrue(StateMessage.readLenient(parse("{\"generation\": 5, \"links\": 1, \"rules\": []}")).refused());
        assertFalse(Revoked.read(parse("{\"fingerprints\": [\"ab\", 7]}")).valid());
    }
}
