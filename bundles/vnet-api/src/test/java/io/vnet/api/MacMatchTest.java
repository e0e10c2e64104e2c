package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacMatchTest {
    private static final long UNICAST = 0x0200_0000_0001L;
    private static final long MULTICAST = 0x0100_5E00_00FBL;

    @Test
    void parsesKeywordsInAnyCase() {
        assertSame(MacMatch.ANY, MacMatch.parse("any"));
        assertSame(MacMatch.ANY, MacMatch.parse(" ANY "));
        assertSame(MacMatch.ANY, MacMatch.parse("*"));
        assertSame(MacMatch.BROADCAST, MacMatch.parse("broadcast"));
        assertSame(MacMatch.BROADCAST, MacMatch.parse("BCast"));
    }

    @Test
    void parsesAndFormatsExactAddresses() {
        MacMatch m = MacMatch.parse("02:00:00:00:00:01");
        assertEquals(MacMatch.Kind.EXACT, m.kind());
        assertEquals(MacAddress.of(UNICAST), m.address());
        assertEquals("02:00:00:00:00:01", m.toString());
        for (MacMatch x : new MacMatch[] {MacMatch.ANY, MacMatch.BROADCAST, m}) {
            assertEquals(x, MacMatch.parse(x.toString()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "02:00:00:00:00", "02:00:00:00:00:zz", ""})
    void rejectsBadTextNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacMatch.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected any, broadcast or a MAC address"), e.getMessage());
    }

    @Test
    void rejectsNullAndInconsistentConstruction() {
        assertThrows(IllegalArgumentException.class, () -> MacMatch.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new MacMatch(null, null));
        assertThrows(IllegalArgumentException.class, () -> new MacMatch(MacMatch.Kind.EXACT, null));
        assertThrows(IllegalArgumentException.class,
                () -> new MacMatch(MacMatch.Kind.ANY, MacAddress.of(UNICAST)));
    }

    @Test
    void matching() {
        assertTrue(MacMatch.ANY.matches(UNICAST));
        assertTrue(MacMatch.ANY.matches(MacAddress.BROADCAST_BITS));
        assertTrue(MacMatch.BROADCAST.matches(MacAddress.BROADCAST_BITS));
        assertTrue(MacMatch.BROADCAST.matches(MULTICAST), "broadcast matches every group address");
        assertFalse(MacMatch.BROADCAST.matches(UNICAST));
        MacMatch exact = MacMatch.exact(MacAddress.of(UNICAST));
        assertTrue(exact.matches(UNICAST));
        assertFalse(exact.matches(UNICAST + 1));
    }

    @Test
    void specificityIsExactOverBroadcastOverAny() {
        assertEquals(2, MacMatch.exact(MacAddress.of(UNICAST)).specificity());
        assertEquals(1, MacMatch.BROADCAST.specificity());
        assertEquals(0, MacMatch.ANY.specificity());
    }
}
