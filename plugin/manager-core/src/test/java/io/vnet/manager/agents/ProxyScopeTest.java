package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.RuleTarget;
import io.vnet.manager.DesiredState;
import io.vnet.manager.HostInfo;
import io.vnet.manager.Recorder;
import io.vnet.api.UnpairedTraffic;
import io.vnet.protocol.CertIdentity;
import io.vnet.protocol.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A proxy carries only its tenant's networks: what it reports of others is ignored, what it is sent is narrowed. */
class ProxyScopeTest {
    static final NetworkId A = NetworkId.of(100);
    static final NetworkId B = NetworkId.of(200);
    static final CertIdentity ALICE_PROXY = new CertIdentity("pxa", "proxy", "alice", false);
    static final CertIdentity HOST = new CertIdentity("kvm", "host", null, false);

    private final ProxyScope scope = new ProxyScope(TenantNetworks.of(Map.of("alice", Set.of(A), "bob", Set.of(B))));

    @Test
    void onlyAProxyOfAKnownDirectoryIsNarrowed() {
        assertEquals(Set.of(A), scope.allowed(ALICE_PROXY));
        assertEquals(Set.of(), scope.allowed(new CertIdentity("pxm", "proxy", "mallory", false)), "unknown tenant: nothing");
        assertNull(scope.allowed(HOST));
        assertNull(scope.allowed(null), "no certificate (insecure): not narrowed");
        assertNull(ProxyScope.unscoped().allowed(ALICE_PROXY), "no tenant directory: not narrowed");
    }

    @Test
    void aProxysHelloForAnotherTenantsNetworkIsIgnoredAndCounted() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE, scope);
        sessions.hello(new EmbeddedChannel(), Json.MAPPER.readTree("{\"type\":\"hello\",\"hostId\":\"pxa\",\"role\":\"proxy\","
                + "\"networks\":[100,200],\"macs\":[{\"vni\":100,\"mac\":\"02:00:00:00:00:01\"},"
                + "{\"vni\":200,\"mac\":\"02:00:00:00:00:02\"},{\"vni\":200,\"mac\":\"02:00:00:00:00:03\"}],"
                + "\"vms\":[{\"uuid\":\"u1\",\"nics\":[{\"vni\":100,\"mac\":\"02:00:00:00:00:01\"},"
                + "{\"vni\":200,\"mac\":\"02:00:00:00:00:02\"}]}]}"), ALICE_PROXY);
        HostInfo h = sessions.host("pxa").orElseThrow();
        assertEquals(List.of(A), h.networks());
        assertEquals(Set.of(A), h.vms().keySet());
        assertEquals(List.of(A), h.instances().get(0).nics().stream().map(n -> n.network()).toList());
        assertEquals(4, sessions.ignoredOutsideTenant(), "network 200, its two addresses and one NIC");
        // a later inventory claiming 200 again is ignored too
        sessions.inventory("pxa", Json.MAPPER.readTree("{\"type\":\"vms\",\"networks\":[200]}"));
        assertEquals(List.of(), sessions.host("pxa").orElseThrow().networks());
        assertEquals(5, sessions.ignoredOutsideTenant());
    }

    @Test
    void aHostIsNotNarrowed() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE, scope);
        sessions.hello(new EmbeddedChannel(), Json.MAPPER.readTree("{\"type\":\"hello\",\"hostId\":\"kvm\","
                + "\"networks\":[100,200],\"macs\":[]}"), HOST);
        assertEquals(List.of(A, B), sessions.host("kvm").orElseThrow().networks());
        assertEquals(0, sessions.ignoredOutsideTenant());
    }

    @Test
    void theDesiredStateSentToAProxyCarriesOnlyItsTenantsNetworks() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE, scope);
        EmbeddedChannel ch = new EmbeddedChannel();
        sessions.hello(ch, Json.MAPPER.readTree("{\"type\":\"hello\",\"hostId\":\"pxa\",\"role\":\"proxy\","
                + "\"networks\":[100],\"macs\":[]}"), ALICE_PROXY);
        LinkSpec both = LinkSpec.dial("to-kvm", "kvm", Endpoint.parse("10.0.0.1:5800"), true, List.of(A, B));
        LinkSpec onlyB = LinkSpec.dial("to-kvm2", "kvm2", Endpoint.parse("10.0.0.2:5800"), true, List.of(B));
        ForwardingRule ruleA = new ForwardingRule(A, MacMatch.ANY, MacMatch.parse("02:00:00:00:00:01"),
                RuleTarget.link("to-kvm"));
        ForwardingRule ruleB = new ForwardingRule(B, MacMatch.ANY, MacMatch.parse("02:00:00:00:00:02"),
                RuleTarget.link("to-kvm"));
        sessions.desire(new DesiredState("pxa", 7, List.of(both, onlyB), List.of(ruleA, ruleB)));
        com.fasterxml.jackson.databind.JsonNode sent = ch.readOutbound();
        while (sent != null && !"state".equals(sent.path("type").asText())) {
            sent = ch.readOutbound(); // the owners message the hello sent first
        }
        assertEquals(1, sent.path("links").size(), sent.toString());
        assertEquals("to-kvm", sent.path("links").get(0).path("id").asText());
        assertEquals("[100]", sent.path("links").get(0).path("vnis").toString());
        assertEquals(1, sent.path("rules").size(), sent.toString());
        assertEquals(100, sent.path("rules").get(0).path("vni").asInt());
        assertEquals(3, sessions.ignoredOutsideTenant(), "200 on two links, one rule");
    }

    @Test
    void aDesiredStateWithinTheTenantIsSentAsItIs() {
        DesiredState d = new DesiredState("pxa", 3, List.of(LinkSpec.accept("from-kvm", "kvm", true, List.of(A))), List.of());
        assertSame(d, scope.desired(Set.of(A), d));
        assertSame(d, scope.desired(null, d));
    }

    @Test
    void trafficOfAnotherTenantsNetworkIsIgnored() {
        MacAddress m1 = MacAddress.parse("02:00:00:00:00:01");
        MacAddress m2 = MacAddress.parse("02:00:00:00:00:02");
        TrafficReport r = new TrafficReport(List.of(new PairCount(A, m1, m2, 1, 100, false),
                new PairCount(B, m1, m2, 2, 200, false)), List.of(new UnpairedTraffic(B, 1, 1, 1)), 0, 0);
        TrafficReport kept = scope.traffic(Set.of(A), r);
        assertEquals(List.of(A), kept.pairs().stream().map(PairCount::network).toList());
        assertTrue(kept.rest().isEmpty());
        assertEquals(2, scope.ignored());
        assertSame(r, scope.traffic(null, r));
    }
}
