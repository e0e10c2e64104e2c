package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;

/**
 * Any bytes as what the NFLOG socket reads, any length claimed (the frames in it are tenants'):
 * {@link NfLogMessages#parse} never reads outside the buffer or throws, and every packet it
 * gives has a port and a frame of an Ethernet header and at most {@link NfLogMessages#MAX_FRAME} bytes.
 */
@Fuzzing
class NfLogMessagesFuzzTest {
    @FuzzTest
    void messages(FuzzedDataProvider data) {
        int claimed = data.consumeInt(-8, 70_000);
        byte[] bytes = data.consumeRemainingAsBytes();
        for (NfLogMessages.Packet p : NfLogMessages.parse(bytes, claimed)) {
            assertTrue(p.port() >= 0, "a port: " + p.port());
            assertTrue(p.frame().length >= NfLogMessages.ETH_HEADER && p.frame().length <= NfLogMessages.MAX_FRAME,
                    "a frame of " + p.frame().length + " bytes");
        }
    }
}
