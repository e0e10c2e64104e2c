package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "host-a", "h.1_2-3", "0abc"})
    void acceptsValidIds(String id) {
        assertEquals(id, Ids.check("host id", id));
    }

    @Test
    void acceptsSixtyThreeCharactersButNotSixtyFour() {
        String max = "a".repeat(63);
        assertEquals(max, Ids.check("link id", max));
        String tooLong = "a".repeat(64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ids.check("link id", tooLong));
        assertTrue(e.getMessage().contains("'" + tooLong + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-lead", ".lead", "has space", "slash/x", "colon:x", "ümlaut"})
    void rejectsInvalidIdsNamingWhatAndValue(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ids.check("host id", id));
        assertTrue(e.getMessage().startsWith("invalid host id '" + id + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("1-63 characters"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ids.check("link id", null));
        assertTrue(e.getMessage().contains("invalid link id 'null'"), e.getMessage());
    }

    @Test
    void deviceNamesAreAtMostFifteenCharacters() {
        assertEquals("vnet16777215abc", Ids.checkDevice("TAP device name", "vnet16777215abc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ids.checkDevice("TAP device name", "vnet16777215abcd"));
        assertTrue(e.getMessage().contains("invalid TAP device name 'vnet16777215abcd'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ids.checkDevice("bridge name", "br 0"));
        assertThrows(IllegalArgumentException.class, () -> Ids.checkDevice("bridge name", null));
    }
}
