package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackNic;
import io.vnet.manager.cloudstack.CloudStackVm;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The signed client against the fake CloudStack (which checks every signature) and the recorded answers. */
class CloudStackClientTest {
    FakeCloudStack cs;
    CloudStackClient client;

    @BeforeEach
    void start() throws Exception {
        cs = new FakeCloudStack();
        client = client(cs.url(), FakeCloudStack.SECRET_KEY, 500);
    }

    @AfterEach
    void stop() {
        cs.close();
    }

    static CloudStackClient client(URI url, String secret, int pageSize) {
        return new CloudStackClient(new CloudStackClient.Settings(url, FakeCloudStack.API_KEY, secret,
                Duration.ofMinutes(5), Duration.ofSeconds(5), pageSize), Clock.systemUTC());
    }

    @Test
    void listsVirtualMachinesWithTheirNicsOverSignedRequests() throws Exception {
        cs.onList("listVirtualMachines", "4.20/listVirtualMachines.json", "virtualmachine", Map.of());
        List<CloudStackVm> vms = client.listVirtualMachines(Map.of());
        assertEquals(0, cs.refused(), "every request was signed right");
        assertEquals(List.of(TestBed.VM1, TestBed.VM2), vms.stream().map(CloudStackVm::uuid).toList());
        CloudStackVm vm1 = vms.get(0);
        assertEquals("alice-vm1", vm1.name());
        assertEquals("alice", vm1.account());
        assertEquals("ROOT", vm1.domain());
        assertEquals("Running", vm1.state());
        assertEquals("1b5c8f0e-3a2d-4c7b-9e6f-0a1b2c3d4e5f", vm1.hostId());
        assertEquals("kvm1.example.org", vm1.hostName());
        assertEquals("i-2-7-VM", vm1.instanceName());
        assertEquals(List.of(new CloudStackNic("8c0d2e4f-6a7b-4c9d-8e1f-3a5b7c9d1e2f", TestBed.VM1_HOME_MAC, TestBed.HOME,
                "alice-home", true, "vlan://1207", null), new CloudStackNic("9d1e3f5a-7b8c-4d0e-9f2a-4b6c8d0e2f3a",
                TestBed.VM1_OTHER_MAC, TestBed.ISOLATED, "alice-isolated", false, "vlan://1208", null)), vm1.nics());
        Map<String, String> first = cs.calls("listVirtualMachines").get(0);
        assertEquals("true", first.get("listall"));
        assertEquals("json", first.get("response"));
        assertEquals("3", first.get("signatureVersion"));
        assertTrue(first.get("expires").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+0000"), first.get("expires"));
        assertEquals("-1", cs.calls("listVirtualMachines").get(1).get("projectid"), "project VMs are asked too");
    }

    @Test
    void pagesThroughLongLists() throws Exception {
        cs.onList("listVirtualMachines", "4.20/listVirtualMachines.json", "virtualmachine", Map.of());
        CloudStackClient small = client(cs.url(), FakeCloudStack.SECRET_KEY, 1);
        assertEquals(List.of(TestBed.VM1, TestBed.VM2), small.listVirtualMachines(Map.of()).stream()
                .map(CloudStackVm::uuid).toList());
        List<Map<String, String>> calls = cs.calls("listVirtualMachines");
        assertEquals(List.of("1", "2", "1"), calls.stream().map(c -> c.get("page")).toList(),
                "two pages of one VM, then the (empty) project query");
        assertEquals("1", calls.get(0).get("pagesize"));
    }

    @Test
    void readsOneVmAndAnswersEmptyWhenCloudStackHasNone() throws Exception {
        cs.onList("listVirtualMachines", "4.20/listVirtualMachines.json", "virtualmachine", Map.of());
        assertEquals("alice-vm2", client.virtualMachine(TestBed.VM2).orElseThrow().name());
        assertEquals(TestBed.VM2, cs.calls("listVirtualMachines").get(0).get("id"));
        assertTrue(client.virtualMachine("00000000-0000-4000-8000-000000000000").isEmpty());
        cs.onFixture("listVirtualMachines", "4.20/listVirtualMachines-empty.json");
        assertTrue(client.listVirtualMachines(Map.of()).isEmpty(), "the empty answer has no list at all");
    }

    @Test
    void listsRoutingHostsNetworksAndOfferings() throws Exception {
        cs.onList("listHosts", "4.20/listHosts.json", "host", Map.of());
        cs.onList("listNetworks", "4.20/listNetworks.json", "network", Map.of("204", TestBed.HOME));
        cs.onList("listNetworkOfferings", "4.20/listNetworkOfferings.json", "networkoffering", Map.of());
        List<CsHost> hosts = client.listRoutingHosts();
        assertEquals(List.of("kvm1.example.org", "kvm2.example.org"), hosts.stream().map(CsHost::name).toList());
        assertEquals("Routing", cs.calls("listHosts").get(0).get("type"));
        assertEquals(new CsHost("2c6d9a1f-4b3e-4d8c-8f7a-1b2c3d4e5f60", "kvm2.example.org", "Up", "Routing",
                "192.0.2.12", "KVM", "4.20.0.0"), hosts.get(1));
        CsNetwork home = client.network(TestBed.HOME).orElseThrow();
        assertEquals("Home Network (VNET)", home.offeringName());
        assertEquals("vlan://1207", home.broadcastUri());
        assertEquals("L2", home.type());
        assertEquals(TestBed.HOME, client.network("204").orElseThrow().id(), "by the numeric id too");
        assertEquals(2, client.listNetworks(Map.of()).size());
        CsOffering o = client.listNetworkOfferings("Home Network (VNET)").get(0);
        assertEquals(new CsOffering("5e2a7c9b-1d3f-4a6c-b8e0-2f4a6c8e0b1d", "Home Network (VNET)", "Disabled", "L2",
                "Guest"), o);
    }

    @Test
    void anErrorAnswerBecomesAnExceptionWithCodeTextAndCommand() {
        cs.on("listVirtualMachines", p -> new FakeCloudStack.Reply(431, Fixtures.text("4.20/error-431.json")));
        CloudStackException e = assertThrows(CloudStackException.class,
                () -> client.virtualMachine("6a2b4c8d-0e1f-4a3b-8c5d-000000000000"));
        assertEquals("listVirtualMachines", e.command());
        assertEquals(431, e.errorCode());
        assertEquals(431, e.httpStatus());
        assertTrue(e.errorText().startsWith("Unable to execute API command listvirtualmachines due to invalid value"));
        assertFalse(e.unreachable());
        assertTrue(e.getMessage().contains("listVirtualMachines") && e.getMessage().contains("431"), e.getMessage());
    }

    @Test
    void aWrongSecretIsRefusedWith401() {
        cs.onList("listHosts", "4.20/listHosts.json", "host", Map.of());
        CloudStackClient wrong = client(cs.url(), "not-the-secret", 500);
        CloudStackException e = assertThrows(CloudStackException.class, wrong::listRoutingHosts);
        assertEquals(401, e.errorCode());
        assertEquals("listHosts", e.command());
        assertEquals("unable to verify user credentials and/or request signature", e.errorText());
        assertEquals(1, cs.refused());
    }

    @Test
    void aConnectionFailureIsUnreachableNotAnErrorAnswer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CloudStackClient down = client(URI.create("http://127.0.0.1:" + port + "/client/api"), "x", 500);
        CloudStackException e = assertThrows(CloudStackException.class, down::listRoutingHosts);
        assertTrue(e.unreachable());
        assertEquals(0, e.errorCode());
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }

    @Test
    void aNonJsonAnswerIsNamed() {
        cs.on("listZones", p -> new FakeCloudStack.Reply(502, "<html>Bad Gateway</html>"));
        CloudStackException e = assertThrows(CloudStackException.class, () -> client.call("listZones", Map.of()));
        assertEquals(502, e.httpStatus());
        assertTrue(e.errorText().contains("not a JSON answer"), e.errorText());
    }

    @Test
    void migratesAndReadsTheThreeJobStates() throws Exception {
        cs.onFixture("migrateVirtualMachine", "4.20/migrateVirtualMachine.json");
        String job = client.migrateVirtualMachine(TestBed.VM1, "2c6d9a1f-4b3e-4d8c-8f7a-1b2c3d4e5f60");
        assertEquals("4f8a2c6e-0b1d-4e3f-9a5c-7e9b1d3f5a6c", job);
        assertEquals(TestBed.VM1, cs.calls("migrateVirtualMachine").get(0).get("virtualmachineid"));
        assertEquals("2c6d9a1f-4b3e-4d8c-8f7a-1b2c3d4e5f60", cs.calls("migrateVirtualMachine").get(0).get("hostid"));
        cs.onSequence("queryAsyncJobResult", "4.20/queryAsyncJobResult-pending.json", "4.20/queryAsyncJobResult-done.json",
                "4.20/queryAsyncJobResult-failed.json");
        CsJob pending = client.queryAsyncJobResult(job);
        assertEquals(CsJob.PENDING, pending.status());
        assertNull(pending.errorText());
        CsJob done = client.queryAsyncJobResult(job);
        assertEquals(CsJob.SUCCEEDED, done.status());
        assertEquals("kvm2.example.org", done.result().path("virtualmachine").path("hostname").asText());
        CsJob failed = client.queryAsyncJobResult(job);
        assertEquals(CsJob.FAILED, failed.status());
        assertEquals(530, failed.errorCode());
        assertTrue(failed.errorText().startsWith("Failed to migrate VM[User|i-2-7-VM]"), failed.errorText());
        assertEquals(job, cs.calls("queryAsyncJobResult").get(0).get("jobid"));
    }

    @Test
    void listsEventsOf420And419() throws Exception {
        cs.onFixture("listEvents", "4.20/listEvents.json");
        List<CsEvent> events = client.listEvents("2025-01-14 10:40:00", null);
        assertEquals(3, events.size());
        CsEvent stop = events.get(0);
        assertEquals(new CsEvent("0d2e4f6a-8b9c-4d1e-8f3a-5b7c9d1e3f4a", "VM.STOP", "Completed", TestBed.VM2,
                "VirtualMachine", Instant.parse("2025-01-14T10:41:07Z"), "Successfully completed stopping VM. VM Id: 8"),
                stop);
        assertEquals("2025-01-14 10:40:00", cs.calls("listEvents").get(0).get("startdate"));
        cs.onFixture("listEvents", "4.19/listEvents.json");
        List<CsEvent> old = client.listEvents("2024-06-03 08:00:00", "VM.MIGRATE");
        assertEquals(List.of("VM.MIGRATE", "VM.DESTROY"), old.stream().map(CsEvent::type).toList());
        assertEquals(TestBed.VM1, old.get(0).resourceId());
        assertEquals("VM.MIGRATE", cs.calls("listEvents").get(1).get("type"));
    }

    @Test
    void createsANetworkOffering() throws Exception {
        cs.onFixture("createNetworkOffering", "4.20/createNetworkOffering.json");
        CsOffering o = client.createNetworkOffering(Map.of("name", "Home Network (VNET)", "guestiptype", "L2"));
        assertEquals("Disabled", o.state());
        assertEquals("L2", o.guestIpType());
        assertEquals("Home Network (VNET)", cs.calls("createNetworkOffering").get(0).get("name"),
                "a value with spaces and parentheses is signed and sent right");
    }
}
