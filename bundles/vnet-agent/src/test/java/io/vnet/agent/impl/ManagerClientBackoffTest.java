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

    /** The hosts of a cluster are spread over its managers, each always starting with the same one. */
    @Test
    void hostsStartWithManagersSpreadOverTheList() {
        int[] count = new int[3];
        for (int h = 0; h < 3000; h++) {
            int first = ManagerClient.first("kvm-" + h, 3);
            assertTrue(first >= 0 && first < 3);
            assertTrue(first == ManagerClient.first("kvm-" + h, 3), "the same one every time");
            count[first]++;
        }
        for (int c : count) {
            assertTrue(c > 800 && c < 1200, java.util.Arrays.toString(count));
        }
    }
}
