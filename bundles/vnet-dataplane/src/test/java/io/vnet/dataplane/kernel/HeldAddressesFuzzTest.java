package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import java.util.Map;
import java.util.Set;

/**
 * Any text as the bridges' address listing (its addresses come from tenants' frames): {@link
 * HeldAddresses#parse} never throws, keeps addresses only of the networks it was given, at most
 * the cap per network, sorted and without repeats.
 */
@Fuzzing
class HeldAddressesFuzzTest {
    @FuzzTest
    @DictionaryEntries({"[{", "}]", "\"mac\":\"", "\"ifname\":\"", "\"master\":\"br100\"", "\"state\":\"permanent\"",
            "\"flags\":[\"sticky\"]", "02:00:00:00:64:01", "vnet100"})
    void listing(FuzzedDataProvider data) {
        int cap = data.consumeInt(0, 64);
        String json = data.consumeRemainingAsString();
        HeldAddresses.Result r = HeldAddresses.parse(json, Map.of("br100", 100, "br200", 200), Set.of("vnet100"), cap);
        assertTrue(r.overCap() >= 0 && r.malformed() >= 0);
        for (Map.Entry<Integer, long[]> e : r.held().entrySet()) {
            assertTrue(e.getKey() == 100 || e.getKey() == 200, "only the given networks: " + e.getKey());
            long[] macs = e.getValue();
            assertTrue(macs.length <= cap, "at most the cap");
            for (int i = 1; i < macs.length; i++) {
                assertTrue(macs[i - 1] < macs[i], "sorted, no repeats");
            }
        }
    }
}
