package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearnTableTest {
    private static final long M1 = 0x0200_0000_0001L;
    private static final long M2 = 0x0200_0000_0002L;
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
}
