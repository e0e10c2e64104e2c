package io.vnet.dataplane.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The nftables scripts the guard runs (the kernel side is exercised by MacFloodIT): the chain
 * gets one rule per TAP whose network has addresses owned here, a network's set is filled in
 * the same transaction, and a network no TAP carries any more loses its set and counter.
 */
class BridgeGuardTest {
    private static final long A = 0x02_00_00_00_00_01L;
    private static final long B = 0x02_00_00_00_00_02L;

    @Test
    void aNetworkWithOwnedAddressesGetsItsSetAndARuleForItsTap() {
        Map<String, Integer> taps = new TreeMap<>(Map.of("tap100", 100, "tap200", 200));
        Map<Integer, long[]> owned = new TreeMap<>(Map.of(100, new long[] {A, B}));
        String s = BridgeGuard.script(taps, owned, Set.of(200), 100);
        assertEquals("""
                flush chain bridge vnet_guard check
                add set bridge vnet_guard own_100 { type ether_addr; size 65536; }
                flush set bridge vnet_guard own_100
                add counter bridge vnet_guard spoofed_100
                add element bridge vnet_guard own_100 { 02:00:00:00:00:01, 02:00:00:00:00:02 }
                add rule bridge vnet_guard check oifname "tap100" ether saddr != @own_100 counter name "spoofed_100" drop
                """, s, "network 200 has no VM registered here: its TAP is not checked");
    }

    @Test
    void otherNetworksKeepTheirRulesWhenOneChanges() {
        Map<String, Integer> taps = new TreeMap<>(Map.of("tap100", 100, "tap200", 200));
        Map<Integer, long[]> owned = new TreeMap<>(Map.of(100, new long[] {A}, 200, new long[] {B}));
        String s = BridgeGuard.script(taps, owned, Set.of(100, 200), 200);
        assertTrue(s.contains("oifname \"tap100\" ether saddr != @own_100"), s);
        assertTrue(s.contains("oifname \"tap200\" ether saddr != @own_200"), s);
        assertFalse(s.contains("flush set bridge vnet_guard own_100"), "only the changed network's set is rewritten: " + s);
    }

    @Test
    void aNetworkWithoutItsTapLosesSetAndCounterAfterTheRuleIsGone() {
        Map<String, Integer> taps = new TreeMap<>(Map.of("tap200", 200));
        Map<Integer, long[]> owned = new TreeMap<>(Map.of(100, new long[] {A}, 200, new long[] {B}));
        String s = BridgeGuard.script(taps, owned, Set.of(100, 200), 100);
        assertEquals("""
                flush chain bridge vnet_guard check
                add rule bridge vnet_guard check oifname "tap200" ether saddr != @own_200 counter name "spoofed_200" drop
                delete set bridge vnet_guard own_100
                delete counter bridge vnet_guard spoofed_100
                """, s);
    }

    @Test
    void aNetworkWithMoreAddressesThanTheSetHoldsIsNotChecked() {
        long[] many = new long[BridgeGuard.MAX_OWNED + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = 0x02_00_00_00_00_00L + i;
        }
        String s = BridgeGuard.script(Map.of("tap100", 100), Map.of(100, many), Set.of(), 100);
        assertFalse(s.contains("add rule"), "a partial set would drop registered VMs' frames");
        assertEquals(BridgeGuard.MAX_OWNED, s.lines().filter(l -> l.startsWith("add element")).findFirst().orElseThrow()
                .split(",").length);
    }

    @Test
    void aTapNameNftablesCouldMisreadIsRefused() throws Exception {
        // the guard is not started here (no kernel table): the name is checked before anything runs
        BridgeGuard g = new BridgeGuard();
        assertThrows(IllegalArgumentException.class, () -> g.tap("tap\" accept #", 100));
        assertThrows(IllegalArgumentException.class, () -> g.tap("a-name-longer-than-15", 100));
    }

    @Test
    void countersAreReadPerNetworkAndOthersIgnored() throws Exception {
        String listing = """
                {"nftables": [{"metainfo": {"version": "1.0.6"}},
                 {"counter": {"family": "bridge", "name": "spoofed_100", "table": "vnet_guard", "packets": 964384, "bytes": 1}},
                 {"counter": {"family": "bridge", "name": "spoofed_x", "table": "vnet_guard", "packets": 5}},
                 {"counter": {"family": "bridge", "name": "other", "table": "vnet_guard", "packets": 7}},
                 {"counter": {"family": "bridge", "name": "spoofed_200", "table": "vnet_guard", "packets": 0}}]}
                """;
        assertEquals(Map.of(100, 964_384L, 200, 0L), BridgeGuard.counters(new ObjectMapper().readTree(listing)));
    }
}
