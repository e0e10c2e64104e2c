package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.manager.Recorder;
import io.vnet.protocol.Json;
import org.junit.jupiter.api.Test;

/** Which session counts as live, so that a second certificate for its host id is refused. */
class AgentSessionsLiveTest {
    @Test
    void anOpenSessionHeardFromIsLiveAndAClosedOneIsNot() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        assertNull(sessions.liveChannel("kvm"), "no session");
        EmbeddedChannel ch = new EmbeddedChannel();
        sessions.hello(ch, Json.MAPPER.readTree("{\"type\":\"hello\",\"hostId\":\"kvm\",\"networks\":[100],\"macs\":[]}"));
        assertSame(ch, sessions.liveChannel("kvm"));
        sessions.report("kvm", Json.MAPPER.readTree("{\"type\":\"report\",\"intervalMs\":1000}"));
        assertSame(ch, sessions.liveChannel("kvm"));
        ch.close();
        assertNull(sessions.liveChannel("kvm"), "its connection closed: a new one may register");
    }
}
