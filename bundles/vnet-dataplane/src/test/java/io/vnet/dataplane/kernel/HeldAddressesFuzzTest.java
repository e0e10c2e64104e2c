package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.dataplane.tap.BridgeFdb;
import io.vnet.fuzz.Fuzzing;
import java.util.Set;
import java.util.TreeSet;

/**
 * Any bytes as a bridge's listing (its addresses come from tenants' frames), any length claimed:
 * {@link HeldAddresses#parse} never reads outside the buffer and keeps exactly the lowest of the
 * addresses whole records list on the VM ports, at most the cap, sorted, the rest counted.
 */
@Fuzzing
class HeldAddressesFuzzTest {
    @FuzzTest
    void listing(FuzzedDataProvider data) {
        int cap = data.consumeInt(0, 16);
        int claimed = data.consumeInt();
        Set<Integer> ports = new java.util.HashSet<>(java.util.List.of(data.consumeInt(0, 0xFFFF), 1));
        byte[] fdb = data.consumeRemainingAsBytes();
        HeldAddresses.Result r = HeldAddresses.parse(fdb, claimed, ports, cap);
        TreeSet<Long> expected = new TreeSet<>();
        int whole = Math.max(0, Math.min(claimed, fdb.length)) / BridgeFdb.ENTRY;
        for (int i = 0; i < whole; i++) {
            int off = i * BridgeFdb.ENTRY;
            if (fdb[off + 7] == 0 && ports.contains((fdb[off + 12] & 0xFF) << 8 | (fdb[off + 6] & 0xFF))) {
                expected.add(BridgeFdb.macAt(fdb, off));
            }
        }
        assertTrue(r.held().length <= cap);
        assertEquals(expected.size(), r.held().length + r.overCap());
        int i = 0;
        for (long m : expected) {
            if (i == r.held().length) {
                break;
            }
            assertEquals(m, r.held()[i++], "the lowest, in order");
        }
    }
}
