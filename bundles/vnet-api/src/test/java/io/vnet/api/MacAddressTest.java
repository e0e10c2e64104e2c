package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @Test
    void parsesColonsAndDashesInAnyCase() {
        MacAddress a = MacAddress.parse("02:00:5E:10:00:01");
        MacAddress b = MacAddress.parse("02-00-5e-10-00-01");
        assertEquals(0x02005E100001L, a.bits());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void toStringIsLowerCaseColonFormAndRoundTrips() {
        MacAddress a = MacAddress.parse(" 0A:1b:2C:3d:4E:5f ");
        assertEquals("0a:1b:2c:3d:4e:5f", a.toString());
        assertEquals(a, MacAddress.parse(a.toString()));
        assertEquals(a, MacAddress.of(a.bits()));
        assertEquals("00:00:00:00:00:01", MacAddress.format(1));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0\u0663:00:00:00:00:01", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:0g",
            "02:00:00:00:00:001", "2:00:00:00:00:01", "0200.0000.0001", "020000000001", "02:00:00:00:00:",
            "zz:zz:zz:zz:zz:zz"})
    void rejectsMalformedTextNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("six hex octets"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(null));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void ofRejectsMoreThan48BitsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MacAddress.of(0x1_0000_0000_0000L));
        assertTrue(e.getMessage().contains("0x1000000000000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(-1L));
        assertEquals(MacAddress.BROADCAST, MacAddress.of(MacAddress.BROADCAST_BITS));
    }

    @Test
    void groupAndBroadcastBits() {
        assertTrue(MacAddress.BROADCAST.isGroup());
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        MacAddress multicast = MacAddress.parse("01:00:5e:00:00:fb");
        assertTrue(multicast.isGroup());
        assertFalse(multicast.isBroadcast());
        MacAddress unicast = MacAddress.parse("02:00:00:00:00:01");
        assertFalse(unicast.isGroup());
        assertFalse(unicast.isBroadcast());
        assertTrue(MacAddress.isGroup(0x3300_0000_0001L));
        assertFalse(MacAddress.isGroup(0x0001_0000_0000L));
    }

    @Test
    void ordersByBits() {
        MacAddress low = MacAddress.parse("02:00:00:00:00:01");
        MacAddress high = MacAddress.parse("02:00:00:00:01:00");
        assertTrue(low.compareTo(high) < 0);
        assertTrue(high.compareTo(low) > 0);
        assertEquals(0, low.compareTo(MacAddress.of(low.bits())));
        assertNotEquals(low, high);
    }
}
