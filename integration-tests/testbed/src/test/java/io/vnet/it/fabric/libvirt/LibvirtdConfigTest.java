package io.vnet.it.fabric.libvirt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class LibvirtdConfigTest {
    private final UUID uuid = UUID.fromString("3f2b6c2e-51a4-4d0e-9a0c-6a1b0e9c7d11");
    private final LibvirtdConfig config = new LibvirtdConfig("10.250.0.2", uuid);

    @Test
    void libvirtdListensOnTcpWithoutAuthenticationOnTheUnderlayAddressWithItsOwnHostUuid() {
        String c = config.libvirtdConf();
        assertTrue(c.contains("listen_tcp = 1\n"), c);
        assertTrue(c.contains("listen_tls = 0\n"), c);
        assertTrue(c.contains("listen_addr = \"10.250.0.2\"\n"), c);
        assertTrue(c.contains("auth_tcp = \"none\"\n"), c);
        assertTrue(c.contains("host_uuid = \"3f2b6c2e-51a4-4d0e-9a0c-6a1b0e9c7d11\"\n"), c);
    }

    @Test
    void qemuRunsAsRootWithoutSecurityDriverCgroupsNamespacesOrVirtlogdAndMigratesOnTheUnderlay() {
        String q = config.qemuConf();
        for (String line : new String[] {"user = \"root\"", "group = \"root\"", "security_driver = \"none\"",
                "cgroup_controllers = [ ]", "namespaces = [ ]", "stdio_handler = \"file\"",
                "migration_address = \"10.250.0.2\"", "migration_host = \"10.250.0.2\""}) {
            assertTrue(q.contains(line + "\n"), line + " in\n" + q);
        }
    }

    @Test
    void aListenAddressMustBeAnIpv4Address() {
        assertThrows(IllegalArgumentException.class, () -> new LibvirtdConfig("ha", uuid));
        assertThrows(IllegalArgumentException.class, () -> new LibvirtdConfig(null, uuid));
        assertThrows(NullPointerException.class, () -> new LibvirtdConfig("10.250.0.2", null));
    }
}
