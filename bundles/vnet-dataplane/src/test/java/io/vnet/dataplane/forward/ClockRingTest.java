package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClockRing}: the order of entries and the second-chance choice of a victim. */
class ClockRingTest {
    private static final long T0 = 1_000_000_000_000L;

    private final ClockRing ring = new ClockRing();
    private final LearnedEntry a = new LearnedEntry(1, null, T0);
    private final LearnedEntry b = new LearnedEntry(2, null, T0);
    private final LearnedEntry c = new LearnedEntry(3, null, T0);

    private List<Long> macs() {
        List<Long> out = new ArrayList<>();
        ring.forEach(e -> out.add(e.mac));
        return out;
    }

    @Test
    void keepsEntriesInTheOrderTheyJoined() {
        assertTrue(ring.isEmpty());
        assertNull(ring.first());
        ring.addLast(a.inTable);
        ring.addLast(b.inTable);
        ring.addLast(c.inTable);
        assertEquals(List.of(1L, 2L, 3L), macs());
        ring.remove(b.inTable);
        assertEquals(List.of(1L, 3L), macs());
        assertEquals(2, ring.size());
        assertSame(a, ring.first());
    }

    @Test
    void theVictimIsTheOldestUnreferencedEntry() {
        ring.addLast(a.inTable);
        ring.addLast(b.inTable);
        assertSame(a, ring.victim(T0));
        assertEquals(List.of(1L, 2L), macs(), "the victim stays until the caller removes it");
    }

    @Test
    void aReferencedEntryGetsASecondChanceAtTheTail() {
        ring.addLast(a.inTable);
        ring.addLast(b.inTable);
        ring.addLast(c.inTable);
        a.seen(T0);
        assertSame(b, ring.victim(T0));
        assertEquals(List.of(2L, 3L, 1L), macs());
        assertFalse(a.inTable.referenced, "unmarked as the hand passed it");
    }

    @Test
    void whenAllAreReferencedTheHandComesRoundToTheFirst() {
        ring.addLast(a.inTable);
        ring.addLast(b.inTable);
        a.seen(T0);
        b.seen(T0);
        assertSame(a, ring.victim(T0));
    }

    @Test
    void anExpiredEntryIsTheVictimEvenIfReferenced() {
        ring.addLast(a.inTable);
        ring.addLast(b.inTable);
        LearnedEntry old = new LearnedEntry(9, null, T0 - LearnTable.AGE_NANOS - 1);
        ring.addLast(old.inTable);
        a.seen(T0);
        b.seen(T0);
        old.inTable.reference();
        assertSame(old, ring.victim(T0));
    }

    @Test
    void forEachMayRemoveTheEntryItIsGiven() {
        ring.addLast(a.inTable);
        ring.addLast(b.inTable);
        ring.addLast(c.inTable);
        ring.forEach(e -> {
            if (e.mac != 2) {
                ring.remove(e.inTable);
            }
        });
        assertEquals(List.of(2L), macs());
    }
}
