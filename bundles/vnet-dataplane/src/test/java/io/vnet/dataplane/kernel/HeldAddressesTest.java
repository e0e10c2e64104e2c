package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.api.MacAddress;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldAddressesTest {
    /** A listing as iproute2 6.1 prints it (abridged): the bridge's own entries, a rule's, learned ones. */
    static final String LISTING = "[{\"mac\":\"33:33:00:00:00:01\",\"ifname\":\"br100\",\"flags\":[\"self\"],\"state\":"
            + "\"permanent\"},{\"mac\":\"02:00:00:00:64:01\",\"ifname\":\"v1-h\",\"flags\":[],\"master\":\"br100\"},"
            + "{\"mac\":\"02:00:00:00:64:02\",\"ifname\":\"vk3pf-2s\",\"flags\":[\"sticky\"],\"master\":\"br100\",\"state\":"
            + "\"static\"},{\"mac\":\"02:00:00:00:64:03\",\"ifname\":\"vk3pf-2s\",\"flags\":[],\"master\":\"br100\"},"
            + "{\"mac\":\"de:a3:3b:36:26:29\",\"ifname\":\"v1-h\",\"flags\":[],\"master\":\"br100\",\"state\":\"permanent\"},"
            + "{\"mac\":\"02:00:00:00:c8:01\",\"ifname\":\"w1-h\",\"flags\":[],\"master\":\"br200\"},"
            + "{\"mac\":\"02:00:00:00:64:09\",\"ifname\":\"vnet100\",\"flags\":[],\"master\":\"br100\"}]";

    @Test
    void onlyAddressesLearnedOnVmPortsOfBridgesWithKernelLinksAreHeld() {
        HeldAddresses.Result r = HeldAddresses.parse(LISTING, Map.of("br100", 100), Set.of("vk3pf-2s", "vnet100"),
                HeldAddresses.CAP);
        assertEquals(Set.of(100), r.held().keySet());
        assertArrayEquals(new long[] {MacAddress.parse("02:00:00:00:64:01").bits()}, r.held().get(100));
        assertEquals(0, r.overCap());
        assertEquals(0, r.malformed());
    }

    @Test
    void beyondTheCapTheLowestAreKeptAndTheRestCounted() {
        StringBuilder j = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            j.append(i == 0 ? "" : ",").append("{\"mac\":\"02:00:00:00:00:0").append(i)
                    .append("\",\"ifname\":\"p\",\"master\":\"br\"}");
        }
        HeldAddresses.Result r = HeldAddresses.parse(j.append("]").toString(), Map.of("br", 7), Set.of(), 4);
        assertEquals(4, r.held().get(7).length);
        assertEquals(MacAddress.parse("02:00:00:00:00:00").bits(), r.held().get(7)[0]);
        assertEquals(6, r.overCap());
    }

    @Test
    void garbageIsCountedNotThrown() {
        assertEquals(1, HeldAddresses.parse("{not json", Map.of("br", 1), Set.of(), 4).malformed());
        assertEquals(1, HeldAddresses.parse("{}", Map.of("br", 1), Set.of(), 4).malformed());
        HeldAddresses.Result r = HeldAddresses.parse("[{\"mac\":\"zz\",\"ifname\":\"p\",\"master\":\"br\"},7,null]",
                Map.of("br", 1), Set.of(), 4);
        assertEquals(1, r.malformed());
        assertEquals(Map.of(), r.held());
    }
}
