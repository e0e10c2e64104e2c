package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearnTableTest {
    private static final long M1 = 0x0200_0000_0001L;
    private static final long M2 = 0x0200_0000_0002L;
    private static final long M3 = 0x0200_0000_0003L;
    private static final long T0 = 1_000_000_000_000L;

    private final LearnTable table = new LearnTable();
    private final RecordingPort p1 = RecordingPort.link("p1", true);
    private final RecordingPort p2 = RecordingPort.link("p2", true);

    @Test
    void learnsAndLooksUp() {
        assertNull(table.lookup(M1, T0));
        table.learn(M1, p1, T0);
        table.learn(M2, p2, T0);
        assertSame(p1, table.lookup(M1, T0 + 1));
        assertSame(p2, table.lookup(M2, T0 + 1));
    }

    @Test
    void entriesAgeOut() {
        table.learn(M1, p1, T0);
        assertSame(p1, table.lookup(M1, T0 + LearnTable.AGE_NANOS));
        assertNull(table.lookup(M1, T0 + LearnTable.AGE_NANOS + 1));
        assertEquals(List.of(), table.describe(100, T0 + LearnTable.AGE_NANOS + 1));
    }

    @Test
    void seeingAStationAgainRefreshesIt() {
        table.learn(M1, p1, T0);
        table.learn(M1, p1, T0 + LearnTable.AGE_NANOS - 1);
        assertSame(p1, table.lookup(M1, T0 + LearnTable.AGE_NANOS + 10));
    }

    @Test
    void aMovedStationIsFollowed() {
        table.learn(M1, p1, T0);
        table.learn(M1, p2, T0 + 5);
        assertSame(p2, table.lookup(M1, T0 + 10));
    }

    @Test
    void forgetDropsOnlyThatPortsEntries() {
        table.learn(M1, p1, T0);
        table.learn(M2, p2, T0);
        table.forget(p1);
        assertNull(table.lookup(M1, T0));
        assertSame(p2, table.lookup(M2, T0));
    }

    @Test
    void describeListsLiveEntriesSorted() {
        table.learn(M2, p2, T0);
        table.learn(M1, p1, T0);
        assertEquals(List.of("vni 7 02:00:00:00:00:01 -> link:p1 (seen 3s ago)",
                        "vni 7 02:00:00:00:00:02 -> link:p2 (seen 3s ago)"),
                table.describe(7, T0 + 3_000_000_000L));
    }

    @Test
    void aMovedStationKeepsOneEntryAndItsNewPortsAccount() {
        table.learn(M1, p1, T0);
        table.learn(M1, p2, T0 + 5);
        assertEquals(1, table.size());
        assertEquals(0, table.learnedOn(p1));
        assertEquals(1, table.learnedOn(p2));
        table.forget(p1);
        assertSame(p2, table.lookup(M1, T0 + 10));
        table.forget(p2);
        assertNull(table.lookup(M1, T0 + 10));
        assertEquals(0, table.size());
    }

    @Test
    void forgetAnAddressDropsOnlyIt() {
        table.learn(M1, p1, T0);
        table.learn(M2, p1, T0);
        assertTrue(table.forget(M1));
        assertFalse(table.forget(M1));
        assertNull(table.lookup(M1, T0));
        assertSame(p1, table.lookup(M2, T0));
        assertEquals(1, table.size());
        assertEquals(1, table.learnedOn(p1));
    }

    @Test
    void aForgottenAddressIsLearnedAgain() {
        table.learn(M1, p1, T0);
        table.forget(M1);
        table.learn(M1, p2, T0 + 1);
        assertSame(p2, table.lookup(M1, T0 + 1));
        assertEquals(1, table.size());
    }

    @Test
    void forgetOfAPortWithNothingLearnedChangesNothing() {
        table.learn(M1, p1, T0);
        table.forget(p2);
        assertSame(p1, table.lookup(M1, T0));
        assertFalse(table.forget(M2));
    }

    @Test
    void anExpiredStationSeenAgainIsLearnedAgain() {
        table.learn(M1, p1, T0);
        long later = T0 + LearnTable.AGE_NANOS + 1;
        assertNull(table.lookup(M1, later));
        table.learn(M1, p1, later);
        assertSame(p1, table.lookup(M1, later));
    }

    @Test
    void collectLocalListsLiveAddressesOfInterfacesOnly() {
        RecordingPort tap = RecordingPort.tap("vm0");
        table.learn(M1, tap, T0);
        table.learn(M2, p1, T0);
        table.learn(M3, tap, T0 + 10);
        List<Long> local = new ArrayList<>();
        table.collectLocal(local, T0 + LearnTable.AGE_NANOS);
        assertEquals(List.of(M3), local);
    }

    @Test
    void theDefaultsAreTheForwardersCaps() {
        for (int i = 0; i < LearnTable.DEFAULT_MAX_PER_NETWORK; i++) {
            table.learn(M1 + i, p1, T0);
        }
        assertEquals(LearnTable.DEFAULT_MAX_PER_NETWORK, table.size());
        assertEquals(0, table.evicted());
        table.learn(M1 - 1, p2, T0);
        assertEquals(LearnTable.DEFAULT_MAX_PER_NETWORK, table.size());
        assertEquals(1, table.evicted());
    }

    @Test
    void capsOutsideTheirRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LearnTable(0));
        assertThrows(IllegalArgumentException.class, () -> new LearnTable(LearnTable.MAX_CAP + 1));
        assertThrows(IllegalArgumentException.class, () -> new LearnTable(10, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearnTable(10, 11));
    }
}
