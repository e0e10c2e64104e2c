package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-network and per-port caps of {@link LearnTable}: what is dropped, evicted and counted. */
class LearnTableCapTest {
    private static final long A = 0x0200_0000_000AL;
    private static final long B = 0x0200_0000_000BL;
    private static final long C = 0x0200_0000_000CL;
    private static final long D = 0x0200_0000_000DL;
    private static final long E = 0x0200_0000_000EL;
    private static final long T0 = 1_000_000_000_000L;

    private final RecordingPort p1 = RecordingPort.link("p1", true);
    private final RecordingPort p2 = RecordingPort.link("p2", true);
    private final RecordingPort p3 = RecordingPort.link("p3", true);

    @Test
    void theNetworkCapEvictsTheOldestAddressNotSeenSince() {
        LearnTable table = new LearnTable(3);
        table.learn(A, p1, T0);
        table.learn(B, p2, T0);
        table.learn(C, p1, T0);
        table.learn(A, p1, T0 + 1);
        table.learn(D, p3, T0 + 2);
        assertSame(p1, table.lookup(A, T0 + 2), "A was seen again: second chance");
        assertNull(table.lookup(B, T0 + 2), "B is the oldest not seen again");
        assertSame(p1, table.lookup(C, T0 + 2));
        assertSame(p3, table.lookup(D, T0 + 2));
        assertEquals(3, table.size());
        assertEquals(1, table.evicted());
        assertEquals(0, table.expired());
    }

    @Test
    void thePortCapEvictsFromThatPortOnly() {
        LearnTable table = new LearnTable(10, 2);
        table.learn(A, p2, T0);
        table.learn(B, p1, T0);
        table.learn(C, p1, T0);
        table.learn(D, p1, T0 + 1);
        assertSame(p2, table.lookup(A, T0 + 1), "A is older, but on another port");
        assertNull(table.lookup(B, T0 + 1));
        assertSame(p1, table.lookup(C, T0 + 1));
        assertSame(p1, table.lookup(D, T0 + 1));
        assertEquals(2, table.learnedOn(p1));
        assertEquals(3, table.size());
        assertEquals(1, table.evicted());
    }

    @Test
    void thePortCapGivesAddressesSeenAgainASecondChance() {
        LearnTable table = new LearnTable(10, 2);
        table.learn(A, p1, T0);
        table.learn(B, p1, T0);
        table.learn(A, p1, T0 + 1);
        table.learn(C, p1, T0 + 2);
        assertSame(p1, table.lookup(A, T0 + 2));
        assertNull(table.lookup(B, T0 + 2));
        assertEquals(1, table.evicted());
    }

    @Test
    void expiredAddressesGoBeforeLiveOnes() {
        LearnTable table = new LearnTable(3);
        table.learn(A, p1, T0);
        table.learn(B, p1, T0 + LearnTable.AGE_NANOS / 2);
        table.learn(C, p2, T0 + LearnTable.AGE_NANOS / 2);
        long now = T0 + LearnTable.AGE_NANOS + 1;
        table.learn(D, p2, now);
        assertNull(table.lookup(A, now));
        assertSame(p1, table.lookup(B, now));
        assertSame(p2, table.lookup(C, now));
        assertSame(p2, table.lookup(D, now));
        assertEquals(1, table.expired());
        assertEquals(0, table.evicted());
        assertEquals(1, table.learnedOn(p1));
    }

    @Test
    void allExpiredAddressesAreSweptWhenTheCapIsReached() {
        LearnTable table = new LearnTable(4);
        table.learn(A, p1, T0);
        table.learn(B, p2, T0);
        table.learn(C, p3, T0);
        table.learn(D, p1, T0);
        long now = T0 + LearnTable.AGE_NANOS + 1;
        table.learn(E, p2, now);
        assertEquals(1, table.size());
        assertEquals(4, table.expired());
        assertEquals(0, table.evicted());
        assertEquals(0, table.learnedOn(p1));
    }

    @Test
    void aMoveMakesRoomInTheNewPortAndNeverEvictsTheMovingAddress() {
        LearnTable table = new LearnTable(10, 2);
        table.learn(A, p1, T0);
        table.learn(B, p1, T0);
        table.learn(C, p2, T0);
        table.learn(D, p2, T0);
        table.learn(C, p1, T0 + 1);
        assertNull(table.lookup(A, T0 + 1), "the oldest of p1 made room");
        assertSame(p1, table.lookup(B, T0 + 1));
        assertSame(p1, table.lookup(C, T0 + 1));
        assertSame(p2, table.lookup(D, T0 + 1));
        assertEquals(2, table.learnedOn(p1));
        assertEquals(1, table.learnedOn(p2));
        assertEquals(1, table.evicted());
        table.learn(E, p2, T0 + 2);
        assertEquals(1, table.evicted(), "p2 has room again since C left it");
    }

    @Test
    void aMoveInAFullNetworkEvictsNothing() {
        LearnTable table = new LearnTable(3);
        table.learn(A, p1, T0);
        table.learn(B, p1, T0);
        table.learn(C, p2, T0);
        table.learn(A, p2, T0 + 1);
        table.learn(C, p1, T0 + 2);
        assertEquals(3, table.size());
        assertEquals(0, table.evicted());
        assertSame(p2, table.lookup(A, T0 + 2));
        assertSame(p1, table.lookup(C, T0 + 2));
    }

    @Test
    void anExpiredAddressThatMovesIsNotDroppedToMakeRoom() {
        LearnTable table = new LearnTable(10, 1);
        table.learn(A, p1, T0);
        table.learn(B, p2, T0 + LearnTable.AGE_NANOS);
        long now = T0 + LearnTable.AGE_NANOS + 2;
        table.learn(A, p2, now);
        assertSame(p2, table.lookup(A, now));
        assertNull(table.lookup(B, now));
        assertEquals(1, table.size());
        assertEquals(1, table.evicted());
    }

    @Test
    void aFloodOfAMillionAddressesStaysAtTheCapAndSparesTheOtherPorts() {
        LearnTable table = new LearnTable();
        int cap = LearnTable.DEFAULT_MAX_PER_NETWORK;
        long[] others = new long[20];
        RecordingPort[] otherPorts = new RecordingPort[others.length];
        long now = T0;
        for (int k = 0; k < others.length; k++) {
            others[k] = 0x0600_0000_0000L + k;
            otherPorts[k] = k % 2 == 0 ? p2 : p3;
            table.learn(others[k], otherPorts[k], now);
        }
        int flood = 1_000_000;
        for (int i = 0; i < flood; i++) {
            now += 1_000;
            table.learn(0x0a00_0000_0000L + i, p1, now);
            if (i % 1_000 == 0) {
                for (int k = 0; k < others.length; k++) {
                    table.learn(others[k], otherPorts[k], now);
                }
            }
        }
        assertEquals(cap, table.size());
        assertEquals(flood - (cap - others.length), table.evicted());
        assertEquals(0, table.expired());
        assertEquals(cap - others.length, table.learnedOn(p1));
        for (int k = 0; k < others.length; k++) {
            assertSame(otherPorts[k], table.lookup(others[k], now), "address " + k + " of the other ports");
        }
        assertSame(p1, table.lookup(0x0a00_0000_0000L + flood - 1, now), "the newest is learned");
        assertTrue(table.indexCapacity() <= 4 * cap, "index capacity " + table.indexCapacity());
    }
}
