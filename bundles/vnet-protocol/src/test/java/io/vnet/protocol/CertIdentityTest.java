package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class CertIdentityTest {
    @Test
    void aHostAProxyWithItsTenantAndTheManagerAreRead() {
        CertIdentity h = CertIdentity.parse("CN=h1,OU=host");
        assertEquals(new CertIdentity("h1", "host", null, false), h);
        CertIdentity p = CertIdentity.parse("O=alice,OU=proxy,CN=p1");
        assertEquals("p1", p.id());
        assertEquals("proxy", p.role());
        assertEquals("alice", p.tenant());
        assertEquals("proxy p1 of tenant alice", p.toString());
        assertEquals("manager", CertIdentity.parse("CN=manager,OU=manager").role());
    }

    @Test
    void aSubjectAsTheJdkWritesItIsRead() {
        String subject = new X500Principal("CN=p1, OU=proxy, O=acct.7@example-org, C=DE").getName();
        CertIdentity p = CertIdentity.parse(subject);
        assertEquals("acct.7@example-org", p.tenant());
        assertEquals("p1", p.id());
    }

    @Test
    void aCertificateWithoutARoleIsAHostsAndSaysSo() {
        CertIdentity old = CertIdentity.parse("CN=h1");
        assertEquals("host", old.role());
        assertTrue(old.legacy());
        assertNull(old.tenant());
        // an organisation on a host's certificate (another tool's habit) is no tenant
        assertNull(CertIdentity.parse("CN=h1,O=Example Corp").tenant());
        assertFalse(CertIdentity.parse("CN=h1,OU=host").legacy());
    }

    @Test
    void hostileOrBrokenSubjectsAreRefusedWithAReason() {
        String[][] cases = {
                {null, "no subject"},
                {"", "no subject"},
                {"OU=proxy,O=alice", "no CN"},
                {"CN=p1,OU=proxy", "tenant"},
                {"CN=p1,OU=proxy,O=", "tenant"},
                {"CN=p1,OU=proxy,O=al ice", "tenant"},
                {"CN=p1,OU=proxy,O=" + "a".repeat(65), "tenant"},
                {"CN=p1,OU=admin", "expected a role"},
                {"CN=h1,CN=h2", "CN twice"},
                {"CN=h1,OU=host,OU=proxy,O=alice", "OU twice"},
                {"CN=p1,OU=proxy,O=alice,O=bob", "O twice"},
                {"CN=h1+OU=host", "multi-valued"},
                {"CN=#0403683131", "hex-encoded"},
                {"CN=h\\31", "hex escape"},
                {"CN=h\\,2", "certificate CN"},
                {"CN=h1,", "ends in a comma"},
                {"CN=h1\\", "ends in an escape"},
                {"h1", "TYPE=VALUE"},
                {"=h1", "TYPE=VALUE"},
                {"CN=../../etc", "certificate CN"},
                {"CN=" + "h".repeat(64), "certificate CN"},
                {"CN=h1," + "C=DE,".repeat(16), "more than 16 attributes"},
                {"CN=" + "x".repeat(1100), "longer than 1024"},
                {"CN=h1,OU=host\u0000", "expected a role"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CertIdentity.parse(c[0]),
                    "refused: " + c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void onlyAProxyNamesATenant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CertIdentity("h1", "host", "alice", false));
        assertTrue(e.getMessage().contains("names no tenant"), e.getMessage());
        assertEquals("alice", CertIdentity.checkTenant("tenant", "alice"));
        assertThrows(IllegalArgumentException.class, () -> CertIdentity.checkTenant("tenant", "-alice"));
    }
}
