package io.vnet.dataplane.count;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CounterDeltasTest {
    @Test
    void growthIsTheDifferenceAndAKeyNotReadIsForgotten() {
        CounterDeltas<String> d = new CounterDeltas<>();
        d.begin();
        assertArrayEquals(new long[] {3, 300}, d.growth("a", 3, 300), "new: all of it");
        assertArrayEquals(new long[] {1, 10}, d.growth("b", 1, 10));
        d.end();
        d.begin();
        assertArrayEquals(new long[] {2, 200}, d.growth("a", 5, 500));
        d.end();
        assertEquals(1, d.size(), "b was not read: forgotten");
        d.begin();
        assertArrayEquals(new long[] {1, 10}, d.growth("b", 1, 10), "b again: new");
        assertArrayEquals(new long[] {2, 20}, d.growth("a", 2, 20), "a went back: a counter that restarted");
        d.end();
    }
}
