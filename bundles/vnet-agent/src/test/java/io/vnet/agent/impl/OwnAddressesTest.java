package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's own device addresses are never listed as VMs. */
class OwnAddressesTest {
    private static final MacAddress BRIDGE = MacAddress.parse("6a:1b:2c:3d:4e:5f");
    private static final MacAddress VM = MacAddress.parse("52:54:00:00:00:01");

    private static void device(Path sys, String name, String address) throws IOException {
        Files.createDirectories(sys.resolve(name));
        if (address != null) {
            Files.writeString(sys.resolve(name).resolve("address"), address + "\n");
        }
    }

    @Test
    void theBridgesAndTapsAddressesAreLeftOutOfTheVmsListed(@TempDir Path sys) throws IOException {
        device(sys, "br100", BRIDGE.toString());
        device(sys, "vnet100", "6a:1b:2c:3d:4e:60");
        device(sys, "lo", "00:00:00:00:00:00");
        device(sys, "tun0", null);
        device(sys, "odd", "not an address");
        OwnAddresses own = new OwnAddresses(sys);
        assertEquals(Set.of(BRIDGE, MacAddress.parse("6a:1b:2c:3d:4e:60")), own.get());
        Map<NetworkId, List<MacAddress>> listed = own.withoutOwn(Map.of(NetworkId.of(100), List.of(VM, BRIDGE)));
        assertEquals(Map.of(NetworkId.of(100), List.of(VM)), listed);
    }

    @Test
    void withoutSysfsNothingIsLeftOut(@TempDir Path sys) {
        OwnAddresses own = new OwnAddresses(sys.resolve("missing"));
        Map<NetworkId, List<MacAddress>> macs = Map.of(NetworkId.of(100), List.of(VM));
        assertEquals(macs, own.withoutOwn(macs));
    }
}
