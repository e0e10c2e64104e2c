package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The manager client's retry delays are spread between half the backoff and all of it. */
class ManagerClientBackoffTest {
    @Test
    void retryDelaysAreJitteredWithinHalfToAllOfTheBackoff() {
        Random random = new Random(42);
        for (long backoff : new long[] {100, 1600, 5000}) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                long d = ManagerClient.jittered(backoff, random);
                assertTrue(d >= backoff / 2 && d <= backoff, d + " for a backoff of " + backoff);
                seen.add(d);
            }
            assertTrue(seen.size() > 20, "spread, not one value: " + seen.size() + " distinct delays of " + backoff);
        }
    }
}
