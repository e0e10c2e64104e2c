package io.vnet.it.fabric.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class DomainSpecTest {
    private static final GuestImage IMAGE = new GuestImage(Path.of("/g/vmlinuz"), Path.of("/g/initramfs.gz"));

    private static DomainSpec.Builder spec() {
        return DomainSpec.builder("g1")
                .type(new DomainType("qemu", "test"))
                .emulator("/usr/bin/qemu-system-x86_64")
                .boot(IMAGE, GuestImage.kernelArgs("10.77.0.11/24", 20))
                .nic("52:54:00:AA:00:11", "br310", "gst0")
                .console(Path.of("/tmp/w/console & log.txt"));
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theXmlIsADisklessDirectKernelBootWithOneVirtioNicOnTheBridgeAndTheConsoleInAFile() throws Exception {
        Document d = parse(spec().build().toXml());
        XPath x = XPathFactory.newInstance().newXPath();
        assertEquals("qemu", x.evaluate("/domain/@type", d));
        assertEquals("g1", x.evaluate("/domain/name", d));
        assertEquals("128", x.evaluate("/domain/memory", d));
        assertEquals("MiB", x.evaluate("/domain/memory/@unit", d));
        assertEquals("1", x.evaluate("/domain/vcpu", d));
        assertEquals("/g/vmlinuz", x.evaluate("/domain/os/kernel", d));
        assertEquals("/g/initramfs.gz", x.evaluate("/domain/os/initrd", d));
        assertEquals("console=ttyS0 vnet.ip=10.77.0.11/24 vnet.send_mib=20", x.evaluate("/domain/os/cmdline", d));
        assertEquals("bridge", x.evaluate("/domain/devices/interface/@type", d));
        assertEquals("52:54:00:aa:00:11", x.evaluate("/domain/devices/interface/mac/@address", d));
        assertEquals("br310", x.evaluate("/domain/devices/interface/source/@bridge", d));
        assertEquals("gst0", x.evaluate("/domain/devices/interface/target/@dev", d));
        assertEquals("virtio", x.evaluate("/domain/devices/interface/model/@type", d));
        assertEquals("/tmp/w/console & log.txt", x.evaluate("/domain/devices/serial/source/@path", d), "escaped and read back");
        assertEquals("on", x.evaluate("/domain/devices/serial/source/@append", d));
        assertEquals("0", x.evaluate("count(/domain/devices/disk)", d));
        assertEquals("0", x.evaluate("count(/domain/devices/graphics)", d));
        assertEquals("none", x.evaluate("/domain/devices/memballoon/@model", d));
    }

    @Test
    void aTargetDevLibvirtReservesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec().nic("52:54:00:aa:00:11", "br310", "vnet7").build());
        assertTrue(e.getMessage().contains("vnet"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> spec().nic("52:54:00:aa:00:11", "br310", "macvtap0").build());
        assertThrows(IllegalArgumentException.class,
                () -> spec().nic("52:54:00:aa:00:11", "br310", "a-name-longer-than-15").build());
    }

    @Test
    void badMacsNamesAndSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> spec().nic("52:54:00:aa:00", "br310", "gst0").build());
        IllegalArgumentException multicast = assertThrows(IllegalArgumentException.class,
                () -> spec().nic("01:00:5e:00:00:01", "br310", "gst0").build());
        assertTrue(multicast.getMessage().contains("multicast"), multicast.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DomainSpec.builder("bad name").type(new DomainType("qemu", ""))
                .emulator("q").boot(IMAGE, "x").nic("52:54:00:aa:00:11", "br1", "t0").console(Path.of("c")).build());
        assertThrows(IllegalArgumentException.class, () -> spec().memoryMiB(8).build());
        assertThrows(IllegalArgumentException.class, () -> spec().vcpus(0).build());
        assertThrows(NullPointerException.class, () -> spec().console(null).build());
    }

    @Test
    void xmlSpecialCharactersAreEscaped() {
        assertEquals("a&amp;b&lt;c&gt;d&apos;e&quot;", DomainSpec.xml("a&b<c>d'e\""));
        assertFalse(spec().build().toXml().contains("console & log"));
    }
}
