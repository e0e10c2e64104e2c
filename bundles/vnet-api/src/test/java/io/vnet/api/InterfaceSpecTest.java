package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterfaceSpecTest {
    private static final NetworkId NET = NetworkId.of(100);

    @Test
    void validInterfaceAndMaxFrame() {
        InterfaceSpec i = new InterfaceSpec("vnet100", NET, "br100", 1500);
        assertEquals(1518, i.maxFrame());
        assertNull(new InterfaceSpec("vnet100", NET, null, 9000).bridge());
        assertEquals(InterfaceSpec.MIN_MTU, new InterfaceSpec("t", NET, null, InterfaceSpec.MIN_MTU).mtu());
        assertEquals(InterfaceSpec.MAX_MTU, new InterfaceSpec("t", NET, null, InterfaceSpec.MAX_MTU).mtu());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 67, 65522, -1500})
    void rejectsMtuOutOfRangeNamingItAndTheInterface(int mtu) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterfaceSpec("vnet100", NET, null, mtu));
        assertTrue(e.getMessage().contains("invalid MTU " + mtu + " for interface vnet100"), e.getMessage());
        assertTrue(e.getMessage().contains("68..65521"), e.getMessage());
    }

    @Test
    void rejectsBadDeviceAndBridgeNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterfaceSpec("a-very-long-tap-name", NET, null, 1500));
        assertTrue(e.getMessage().contains("'a-very-long-tap-name'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new InterfaceSpec("tap0", NET, "br/0", 1500));
        assertTrue(e.getMessage().contains("invalid bridge name 'br/0'"), e.getMessage());
    }

    @Test
    void rejectsMissingNetworkNamingTheInterface() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterfaceSpec("tap0", null, null, 1500));
        assertTrue(e.getMessage().contains("tap0"), e.getMessage());
    }
}
