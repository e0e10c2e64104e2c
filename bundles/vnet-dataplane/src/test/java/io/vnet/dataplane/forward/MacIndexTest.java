package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link MacIndex}: lookups, tombstones and the capacity it keeps. */
class MacIndexTest {
    private static final long BASE = 0x0200_0000_0000L;

    private final MacIndex index = new MacIndex(42);

    private static LearnedEntry entry(long mac) {
        return new LearnedEntry(mac, null, 0L);
    }

    @Test
    void findsWhatWasAddedAndNothingElse() {
        LearnedEntry a = entry(BASE + 1);
        index.add(a);
        assertSame(a, index.get(BASE + 1));
        assertNull(index.get(BASE + 2));
        assertEquals(1, index.size());
    }

    @Test
    void removingOneLeavesTheOthersFindable() {
        LearnedEntry[] entries = new LearnedEntry[1_000];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(BASE + i);
            index.add(entries[i]);
        }
        for (int i = 0; i < entries.length; i += 2) {
            assertTrue(index.remove(entries[i]));
        }
        assertFalse(index.remove(entries[0]));
        for (int i = 0; i < entries.length; i++) {
            assertSame(i % 2 == 0 ? null : entries[i], index.get(BASE + i), "address " + i);
        }
        assertEquals(500, index.size());
    }

    @Test
    void theAllOnesTombstoneIsNoAddress() {
        LearnedEntry a = entry(BASE);
        index.add(a);
        index.remove(a);
        assertNull(index.get(-1L));
    }

    @Test
    void growsBySizeAndShrinksAfterRemovals() {
        assertEquals(MacIndex.MIN_CAPACITY, index.capacity());
        LearnedEntry[] entries = new LearnedEntry[100];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(BASE + i);
            index.add(entries[i]);
        }
        assertEquals(256, index.capacity());
        for (LearnedEntry e : entries) {
            index.remove(e);
        }
        for (int i = 0; i < 200; i++) {
            index.add(entry(BASE + 1_000 + i));
            index.remove(index.get(BASE + 1_000 + i));
        }
        assertEquals(MacIndex.MIN_CAPACITY, index.capacity());
    }

    @Test
    void churnKeepsTheCapacityBoundedByTheMostEntriesHeld() {
        SplittableRandom r = new SplittableRandom(7);
        ArrayDeque<LearnedEntry> held = new ArrayDeque<>();
        for (int i = 0; i < 200_000; i++) {
            if (held.size() == 300) {
                assertTrue(index.remove(held.poll()));
            }
            LearnedEntry e = entry(BASE + r.nextLong(1L << 40));
            if (index.get(e.mac) == null) {
                index.add(e);
                held.add(e);
            }
            assertTrue(index.capacity() < 8 * 300, "capacity " + index.capacity());
        }
        for (LearnedEntry e : held) {
            assertSame(e, index.get(e.mac));
        }
    }

    @Test
    void capacityForIsAPowerOfTwoOfAtLeastFourSlotsAnEntry() {
        assertEquals(16, MacIndex.capacityFor(0));
        assertEquals(16, MacIndex.capacityFor(4));
        assertEquals(32, MacIndex.capacityFor(5));
        assertEquals(16_384, MacIndex.capacityFor(4_096));
        assertEquals(32_768, MacIndex.capacityFor(4_097));
    }
}
