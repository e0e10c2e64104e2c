package io.vnet.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** DomainXml on real libvirt and CloudStack domain XML (see samples/FIXTURES.md) and on bad input. */
class DomainXmlTest {

    static String sample(String name) throws IOException {
        try (InputStream in = DomainXmlTest.class.getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IOException("no sample " + name + " next to " + DomainXmlTest.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Nic nic(String mac, String type, String bridge, String dev, String model) {
        return new Nic(MacAddress.parse(mac), type, bridge, dev, model);
    }

    @Test
    void aRunningLibvirtDomainHasEveryNicWithItsTargetDevice() throws IOException {
        DomainInfo d = DomainXml.parse(sample("libvirt-9.0.0-running.xml"));
        assertEquals("6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90", d.uuid());
        assertEquals("vnet-sample", d.name());
        assertEquals(List.of(
                nic("02:00:5e:10:00:01", "bridge", "vnbr123", "vnet0", "virtio"),
                nic("52:54:00:f5:37:d2", "bridge", "cloudbr0", "vnet1", "e1000"),
                nic("02:00:5e:10:00:03", "ethernet", null, "vnsample3", "virtio"),
                nic("02:00:5e:10:00:04", "direct", null, "macvtap0", "virtio")), d.nics());
    }

    @Test
    void anInactiveDefinitionHasNoTargetDevicesYet() throws IOException {
        DomainInfo d = DomainXml.parse(sample("libvirt-9.0.0-inactive.xml"));
        assertEquals(4, d.nics().size());
        assertEquals(nic("02:00:5e:10:00:01", "bridge", "vnbr123", null, "virtio"), d.nics().get(0));
        assertEquals(nic("02:00:5e:10:00:03", "ethernet", null, "vnsample3", "virtio"), d.nics().get(2));
    }

    @Test
    void aNicWithoutMacIsSkipped() throws IOException {
        DomainInfo d = DomainXml.parse(sample("libvirt-9.0.0-definition-input.xml"));
        assertEquals(List.of("02:00:5e:10:00:01", "02:00:5e:10:00:03", "02:00:5e:10:00:04"),
                d.nics().stream().map(n -> n.mac().toString()).toList(),
                "the cloudbr0 NIC has no <mac> before libvirt assigns one");
    }

    @Test
    void aRunningCloudStackUserVm() throws IOException {
        DomainInfo d = DomainXml.parse(sample("cloudstack-i-2-3-VM-running.xml"));
        assertEquals("91860126-7dda-4876-ac1e-48d06cd4b2eb", d.uuid());
        assertEquals("i-2-3-VM", d.name());
        assertEquals(List.of(nic("02:00:4c:5f:00:01", "bridge", "breth1-511", "vnet6", "e1000")), d.nics());
    }

    @Test
    void aCloudStackVmWithADpdkNicHasNoSourceBridge() throws IOException {
        DomainInfo d = DomainXml.parse(sample("cloudstack-i-2-33-VM-dpdk-running.xml"));
        assertEquals(List.of(nic("02:00:18:91:00:10", "vhostuser", null, "csdpdk-1", "virtio")), d.nics());
    }

    @Test
    void aCloudStackSystemVmWithNamespacedMetadata() throws IOException {
        DomainInfo d = DomainXml.parse(sample("cloudstack-s-2970-VM-running.xml"));
        assertEquals("s-2970-VM", d.name());
        assertEquals(List.of("cloud0", "cloudbr1", "cloudbr0", "cloudbr1"),
                d.nics().stream().map(Nic::sourceBridge).toList());
        assertEquals(List.of("vnet0", "vnet1", "vnet2", "vnet3"), d.nics().stream().map(Nic::targetDev).toList());
        assertEquals(MacAddress.parse("0e:00:a9:fe:02:00"), d.nics().get(0).mac());
    }

    @Test
    void cloudStackGeneratedXmlHasItsNicsInTheSecondDevicesElement() throws IOException {
        DomainInfo d = DomainXml.parse(sample("cloudstack-prestart-composed.xml"));
        assertEquals("4670a80a-9857-4104-8148-2348cd1fc8ba", d.uuid());
        assertEquals(List.of(
                nic("02:01:00:cc:00:01", "bridge", "breth1-1338", null, "virtio"),
                nic("02:01:00:cc:00:02", "bridge", "cloudbr0", null, "virtio"),
                nic("02:01:00:cc:00:03", "bridge", "cloudbr0", null, "virtio")), d.nics());
    }

    @Test
    void interfacesOutsideDevicesAreNotNics() {
        DomainInfo d = DomainXml.parse("<domain><name>n</name><uuid>6F1C8A524D2E4B7A9F3C2A1D5E8B7C90</uuid>"
                + "<metadata><nuage-extension xmlns='nuagenetworks.net/nuage/cna'><interface mac='02:00:00:00:00:09'"
                + " vsp-vr-ip='ip1'></interface></nuage-extension></metadata><devices/></domain>");
        assertEquals(List.of(), d.nics());
        assertEquals("6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90", d.uuid(), "32 hex digits are put in canonical form");
    }

    @Test
    void notXmlIsRefusedWithWhereItBroke() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.parse("<domain><name>x</name>\n<uuid>oops</domain>"));
        assertTrue(e.getMessage().startsWith("domain XML is not acceptable at line 2"), e.getMessage());
        assertEquals("domain XML is empty",
                assertThrows(IllegalArgumentException.class, () -> DomainXml.parse("  ")).getMessage());
    }

    @Test
    void anotherDocumentIsNotADomain() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.parse("<network><name>default</name><uuid>6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90</uuid></network>"));
        assertEquals("not a libvirt domain: the root element is <network>, expected <domain>", e.getMessage());
    }

    @Test
    void aDoctypeIsRefusedSoNoEntityIsEverExpanded() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<domain><name>&x;</name><uuid>6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90</uuid></domain>";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(xxe));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void aMissingOrMalformedUuidIsNamed() {
        assertEquals("domain 'web': no <uuid> element", assertThrows(IllegalArgumentException.class,
                () -> DomainXml.parse("<domain><name>web</name></domain>")).getMessage());
        assertEquals("domain 'web': invalid <uuid> 'not-a-uuid': expected 32 hex digits like"
                + " 6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90", assertThrows(IllegalArgumentException.class,
                () -> DomainXml.parse("<domain><name>web</name><uuid>not-a-uuid</uuid></domain>")).getMessage());
        assertEquals("domain 6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90: no <name> element", assertThrows(
                IllegalArgumentException.class,
                () -> DomainXml.parse("<domain><uuid>6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90</uuid></domain>")).getMessage());
    }

    @Test
    void aBadMacOrAMissingTypeNamesTheInterface() {
        String head = "<domain><name>web</name><uuid>6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90</uuid><devices>";
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(head
                + "<interface type='bridge'><mac address='02:00:00:00:00:01'/></interface>"
                + "<interface type='bridge'><mac address='02:00:00:00:01'/></interface></devices></domain>"));
        assertEquals("domain 'web', interface #1 (type bridge): invalid MAC address '02:00:00:00:01': expected six hex"
                + " octets like 02:00:00:00:00:01", bad.getMessage());
        IllegalArgumentException noAddress = assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(head
                + "<interface type='network'><mac/></interface></devices></domain>"));
        assertEquals("domain 'web', interface #0 (type network): <mac> has no address attribute", noAddress.getMessage());
        IllegalArgumentException noType = assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(head
                + "<interface><mac address='02:00:00:00:00:01'/></interface></devices></domain>"));
        assertEquals("domain 'web', interface #0: no type attribute (expected bridge, network, ethernet, ...)",
                noType.getMessage());
    }

    @Test
    void bridgeVniReadsOnlyPrefixAndAPlainVni() {
        assertEquals(OptionalInt.of(123), DomainXml.bridgeVni("vnbr123", "vnbr"));
        assertEquals(OptionalInt.of(16_777_215), DomainXml.bridgeVni("vnbr16777215", "vnbr"));
        assertEquals(OptionalInt.of(7), DomainXml.bridgeVni("home7", "home"));
        for (String notOne : new String[] {"vnbr", "vnbr0", "vnbr0123", "vnbr16777216", "vnbr123456789", "vnbr12a",
                "vnbr-5", "cloudbr0", "breth1-511", "VNBR5"}) {
            assertEquals(OptionalInt.empty(), DomainXml.bridgeVni(notOne, "vnbr"), notOne);
        }
        assertEquals(OptionalInt.empty(), DomainXml.bridgeVni(null, "vnbr"));
        assertEquals("bridge prefix must not be empty",
                assertThrows(IllegalArgumentException.class, () -> DomainXml.bridgeVni("vnbr5", "")).getMessage());
    }

    @Test
    void aNicNeedsAMacAndAType() {
        assertThrows(NullPointerException.class, () -> new Nic(null, "bridge", "vnbr5", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Nic(MacAddress.parse("02:00:00:00:00:01"), " ", null, null, null));
        assertNull(DomainXml.parse("<domain><name>n</name><uuid>6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90</uuid><devices>"
                + "<interface type='network'><mac address='02:00:00:00:00:01'/><source network='default' bridge='virbr0'/>"
                + "</interface></devices></domain>").nics().get(0).sourceBridge(), "only type bridge has a source bridge");
    }
}
