package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import io.vnet.manager.rest.Identity;
import java.nio.charset.StandardCharsets;

/**
 * A user as the shared session table keeps it ({@link SessionIdentity}), as whoever can write the
 * database may have left it: read, it is taken whole or refused with an
 * {@link IllegalArgumentException}; what is taken is within the bounds and writes back as it was read.
 */
@Fuzzing
class SessionIdentityFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"user\"", "\"admin\"", "\"account\"", "\"domainId\"", "\"source\"", "\"networks\"", "true",
            "false", "\"cloudstack\"", "\"local\""})
    void read(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        Rejections.onlyIllegalArgument(() -> {
            Identity who = SessionIdentity.read(json);
            assertTrue(who.networks().size() <= SessionIdentity.MAX_NETWORKS);
            assertTrue(who.user().length() <= SessionIdentity.MAX_TEXT && !who.user().isEmpty());
            assertEquals(who, SessionIdentity.read(SessionIdentity.write(who)), "written back as read");
            return who;
        });
    }
}
