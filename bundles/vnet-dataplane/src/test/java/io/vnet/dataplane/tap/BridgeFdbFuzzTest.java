package io.vnet.dataplane.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;

/**
 * Any bytes as a bridge's address listing, any length claimed: {@link BridgeFdb#onOtherPort}
 * never reads outside the buffer and agrees with a plain reading of whole records.
 */
@Fuzzing
class BridgeFdbFuzzTest {
    @FuzzTest
    void listing(FuzzedDataProvider data) {
        long mac = data.consumeLong() & 0xFFFF_FFFF_FFFFL;
        int own = data.consumeInt(0, 0xFFFF);
        int claimed = data.consumeInt();
        byte[] fdb = data.consumeRemainingAsBytes();
        boolean found = BridgeFdb.onOtherPort(fdb, claimed, mac, own);
        boolean expected = false;
        int whole = Math.max(0, Math.min(claimed, fdb.length)) / BridgeFdb.ENTRY;
        for (int r = 0; r < whole; r++) {
            int off = r * BridgeFdb.ENTRY;
            long m = 0;
            for (int i = 0; i < 6; i++) {
                m = m << 8 | (fdb[off + i] & 0xFF);
            }
            int port = (fdb[off + 12] & 0xFF) << 8 | (fdb[off + 6] & 0xFF);
            expected |= m == mac && fdb[off + 7] == 0 && port != own;
        }
        assertEquals(expected, found);
    }
}
