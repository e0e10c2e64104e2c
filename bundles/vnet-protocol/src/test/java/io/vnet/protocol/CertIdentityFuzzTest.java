package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.api.Ids;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate's subject as a peer presents it ({@link CertIdentity#parse}): either text, or a
 * DER-encoded name as the JDK reads it from a certificate and writes it (RFC 2253). Refused only
 * with an IllegalArgumentException that says why; an identity it returns is a valid one (an id,
 * a known role, a tenant exactly for a proxy).
 */
@Fuzzing
class CertIdentityFuzzTest {
    @FuzzTest
    @DictionaryEntries({"CN=", "OU=", "O=", "proxy", "host", "manager", ",", "+", "\\", "#", "\\,"})
    void subject(FuzzedDataProvider data) {
        String subject;
        if (data.consumeBoolean()) {
            byte[] der = data.consumeRemainingAsBytes();
            Optional<String> name = Rejections.onlyIllegalArgument(() -> new X500Principal(der).getName());
            if (name.isEmpty()) {
                return;
            }
            subject = name.get();
        } else {
            subject = data.consumeRemainingAsString();
        }
        Rejections.onlyIllegalArgument(() -> CertIdentity.parse(subject)).ifPresent(id -> {
            assertEquals(id.id(), Ids.check("id", id.id()));
            assertTrue(Set.of("host", "proxy", "manager").contains(id.role()), id.toString());
            assertEquals(id.role().equals("proxy"), id.tenant() != null, id.toString());
            assertTrue(subject.length() <= CertIdentity.MAX_SUBJECT, "a subject over the bound was read");
        });
    }
}
