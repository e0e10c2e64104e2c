package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleTargetTest {

    @Test
    void parsesLinksAndInterfaces() {
        assertEquals(RuleTarget.link("to-c"), RuleTarget.parse("link:to-c"));
        assertEquals(RuleTarget.iface("tap0"), RuleTarget.parse("interface:tap0"));
        assertEquals(RuleTarget.iface("tap0"), RuleTarget.parse("if:tap0"));
        assertEquals(RuleTarget.link("x"), RuleTarget.parse(" LINK : x "));
    }

    @Test
    void toStringRoundTrips() {
        assertEquals("link:to-c", RuleTarget.link("to-c").toString());
        assertEquals("interface:tap0", RuleTarget.iface("tap0").toString());
        for (RuleTarget t : new RuleTarget[] {RuleTarget.link("a.b_c-1"), RuleTarget.iface("vnet100")}) {
            assertEquals(t, RuleTarget.parse(t.toString()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"to-c", ":to-c", "port:x", "", "link"})
    void rejectsBadFormNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuleTarget.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("link:ID or interface:ID"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuleTarget.parse(null));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void rejectsBadIdNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuleTarget.parse("link:bad id"));
        assertTrue(e.getMessage().contains("invalid link id 'bad id'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RuleTarget.parse("interface:"));
        assertTrue(e.getMessage().contains("invalid interface id ''"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RuleTarget(null, "x"));
    }
}
