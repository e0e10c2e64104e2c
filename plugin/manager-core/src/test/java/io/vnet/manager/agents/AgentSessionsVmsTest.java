package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.HostInfo;
import io.vnet.manager.Recorder;
import io.vnet.manager.VmInstance;
import io.vnet.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VMs agents register by name: from hello, vms messages and reports. */
class AgentSessionsVmsTest {
    private static final String UUID = "0a5e2f6c-9b1d-4c1e-8f00-00000000000a";

    private final AgentSessions sessions = new AgentSessions(Recorder.NONE);

    private static String vms(String mac) {
        return "[{\"uuid\":\"" + UUID + "\",\"name\":\"web\",\"source\":\"libvirt\",\"nics\":[{\"vni\":100,\"mac\":\"" + mac
                + "\",\"tap\":\"lv1\",\"bridge\":\"br100\"}]}]";
    }

    @Test
    void aVmRegisteredByNameKeepsItsRegistrationTimeUntilItChanges() throws Exception {
        sessions.hello(new EmbeddedChannel(), Json.MAPPER.readTree("{\"type\":\"hello\",\"hostId\":\"kvm-1\","
                + "\"networks\":[100],\"macs\":[],\"vms\":[]}"));
        assertTrue(sessions.host("kvm-1").orElseThrow().instances().isEmpty());
        sessions.inventory("kvm-1", Json.MAPPER.readTree("{\"type\":\"vms\",\"networks\":[100],"
                + "\"macs\":[{\"vni\":100,\"mac\":\"52:54:00:00:00:0a\"}],\"vms\":" + vms("52:54:00:00:00:0a") + "}"));
        HostInfo h = sessions.host("kvm-1").orElseThrow();
        VmInstance v = h.instances().get(0);
        assertEquals("web", v.name());
        assertEquals("kvm-1", v.hostId());
        assertEquals(List.of(new VmInstance.Nic(NetworkId.of(100), MacAddress.parse("52:54:00:00:00:0a"), "lv1", "br100")),
                v.nics());
        assertEquals(List.of(MacAddress.parse("52:54:00:00:00:0a")), h.vms().get(NetworkId.of(100)));
        Thread.sleep(5);
        // the next report repeats it: the same registration, with its first time
        sessions.report("kvm-1", Json.MAPPER.readTree("{\"type\":\"report\",\"vms\":" + vms("52:54:00:00:00:0a") + "}"));
        assertSame(v, sessions.host("kvm-1").orElseThrow().instances().get(0));
        // its NIC changed: a new registration
        sessions.report("kvm-1", Json.MAPPER.readTree("{\"type\":\"report\",\"vms\":" + vms("52:54:00:00:00:0b") + "}"));
        VmInstance w = sessions.host("kvm-1").orElseThrow().instances().get(0);
        assertTrue(w.registeredAt().isAfter(v.registeredAt()), w + " after " + v);
        // withdrawn
        sessions.inventory("kvm-1", Json.MAPPER.readTree("{\"type\":\"vms\",\"vms\":[]}"));
        assertTrue(sessions.host("kvm-1").orElseThrow().instances().isEmpty());
    }

    @Test
    void entriesAnAgentCannotHaveMeantAreSkipped() throws Exception {
        List<VmInstance> got = AgentSessions.instances("kvm-1", Json.MAPPER.readTree("[{\"name\":\"no-uuid\",\"nics\":[]},"
                + "{\"uuid\":\"u1\",\"nics\":[{\"vni\":0,\"mac\":\"52:54:00:00:00:01\"}]},"
                + "{\"uuid\":\"u2\",\"nics\":[{\"vni\":5,\"mac\":\"not-a-mac\"}]},"
                + "{\"uuid\":\"u3\",\"name\":\"ok\",\"nics\":[{\"vni\":5,\"mac\":\"52:54:00:00:00:03\"}]}]"));
        assertEquals(1, got.size());
        assertEquals("ok", got.get(0).name());
        assertEquals("agent", got.get(0).source(), "no source given");
    }
}
