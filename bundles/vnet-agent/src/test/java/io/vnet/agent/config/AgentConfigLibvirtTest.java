package io.vnet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libvirt and attach sections: defaults, and clear errors. */
class AgentConfigLibvirtTest {
    @TempDir
    Path dir;

    private AgentConfig load(String rest) throws Exception {
        Path f = dir.resolve("agent.json");
        Files.writeString(f, "{\"hostId\": \"kvm-1\", \"insecure\": true" + rest + "}");
        return AgentConfig.load(f);
    }

    private String fails(String rest) {
        return assertThrows(ConfigException.class, () -> load(rest)).getMessage();
    }

    @Test
    void withoutTheSectionsLibvirtIsNotFollowedAndNetworksAttachAsVnbrN() throws Exception {
        AgentConfig c = load("");
        assertNull(c.libvirt());
        assertEquals("vnbr42", c.attach().bridge(42));
        assertEquals("vntap42", c.attach().tap(42));
        assertEquals(1500, c.attach().mtu());
    }

    @Test
    void theLibvirtSectionDefaultsToTheSystemDaemon() throws Exception {
        AgentConfig c = load(", \"libvirt\": {}");
        assertEquals("qemu:///system", c.libvirt().uri());
        assertEquals(30_000, c.libvirt().resyncMs());
        c = load(", \"libvirt\": {\"uri\": \"qemu+unix:///system?socket=/tmp/x/libvirt-sock\", \"resyncMs\": 2000},"
                + " \"attach\": {\"bridgePrefix\": \"tn\", \"tapPrefix\": \"tt\", \"mtu\": 9000}");
        assertEquals("qemu+unix:///system?socket=/tmp/x/libvirt-sock", c.libvirt().uri());
        assertEquals("tn7", c.attach().bridge(7));
        assertEquals(9000, c.attach().mtu());
    }

    @Test
    void badSectionsSayWhatIsWrong() {
        assertTrue(fails(", \"libvirt\": \"qemu:///system\"").contains("libvirt: expected an object"));
        assertTrue(fails(", \"libvirt\": {\"url\": \"x\"}").contains("url"));
        assertTrue(fails(", \"libvirt\": {\"uri\": \"system\"}").contains("libvirt.uri"));
        assertTrue(fails(", \"libvirt\": {\"resyncMs\": 5}").contains("resyncMs"));
        assertTrue(fails(", \"attach\": {\"bridgePrefix\": \"toolongprefix\"}").contains("bridgePrefix"));
        assertTrue(fails(", \"attach\": {\"bridgePrefix\": \"x\", \"tapPrefix\": \"x\"}").contains("must differ"));
    }
}
