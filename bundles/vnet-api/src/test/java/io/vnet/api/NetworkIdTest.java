package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkIdTest {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1 << 24, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void rejectsVniOutOfRangeNamingIt(int vni) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkId.of(vni));
        assertTrue(e.getMessage().contains("invalid VNI " + vni), e.getMessage());
        assertTrue(e.getMessage().contains("1..16777215"), e.getMessage());
    }

    @Test
    void acceptsTheWholeRange() {
        assertEquals(1, NetworkId.of(1).vni());
        assertEquals(0xFFFFFF, NetworkId.of(NetworkId.MAX_VNI).vni());
    }

    @Test
    void parseRoundTrips() {
        NetworkId n = NetworkId.parse(" 5000 ");
        assertEquals(NetworkId.of(5000), n);
        assertEquals("5000", n.toString());
        assertEquals(n, NetworkId.parse(n.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1.5", "0x10", "99999999999"})
    void parseRejectsNonIntegersNamingThem(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkId.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void parseRejectsOutOfRangeNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkId.parse("16777216"));
        assertTrue(e.getMessage().contains("16777216"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NetworkId.parse("0"));
        assertTrue(e.getMessage().contains("invalid VNI 0"), e.getMessage());
    }

    @Test
    void parseRejectsNullWithIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkId.parse(null));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void sortsNumerically() {
        List<NetworkId> l = new ArrayList<>(List.of(NetworkId.of(300), NetworkId.of(20), NetworkId.of(1000)));
        l.sort(null);
        assertEquals(List.of(NetworkId.of(20), NetworkId.of(300), NetworkId.of(1000)), l);
    }
}
