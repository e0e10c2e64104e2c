package io.vnet.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.cluster.PendingChanges.Change;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingChangesTest {
    @Test
    void changesOfDifferentNetworksWaitInTheirOrder() {
        PendingChanges p = new PendingChanges();
        assertTrue(p.add(Change.acquired(7, 1)), "the first change asks for a drain");
        assertFalse(p.add(Change.lost(3)), "a drain is already due");
        assertFalse(p.add(Change.acquired(5, 2)));
        assertEquals(List.of(Change.acquired(7, 1), Change.lost(3), Change.acquired(5, 2)), p.take());
        assertEquals(0, p.size());
        assertEquals(List.of(), p.take());
        assertTrue(p.add(Change.lost(7)), "after a take, the next change asks for a drain again");
        assertEquals(0, p.merged());
    }

    @Test
    void aNetworkKeepsAtMostALossThenAnAcquisitionWhateverTheListenersPace() {
        PendingChanges p = new PendingChanges();
        // a flapping lease: lost, acquired, lost, acquired ... a thousand times while the listeners are busy
        for (int i = 1; i <= 1000; i++) {
            p.add(Change.lost(9));
            p.add(Change.acquired(9, i));
            assertTrue(p.size() <= 2, "waiting: " + p.size());
        }
        assertEquals(List.of(Change.lost(9), Change.acquired(9, 1000)), p.take(),
                "a listener that held it forgets it, then restores it under the newest epoch");
        assertEquals(2 * 1000 - 2, p.merged(), "every change left out is counted");
    }

    @Test
    void aLossReplacesAnAcquisitionNotHeardAndAnAcquisitionReplacesAnOlderOne() {
        PendingChanges p = new PendingChanges();
        p.add(Change.acquired(4, 1));
        p.add(Change.acquired(4, 2));
        assertEquals(List.of(Change.acquired(4, 2)), p.take());
        p.add(Change.acquired(4, 3));
        p.add(Change.lost(4));
        assertEquals(List.of(Change.lost(4)), p.take(), "never heard as held: the loss is a no-op for every listener");
        assertEquals(2, p.merged());
    }

    @Test
    void aThousandNetworksChangingEveryRoundWaitAsTwoThousandChangesAtMost() {
        PendingChanges p = new PendingChanges();
        for (int round = 0; round < 50; round++) {
            for (int vni = 1; vni <= 1000; vni++) {
                p.add(round % 2 == 0 ? Change.lost(vni) : Change.acquired(vni, round));
            }
        }
        assertTrue(p.size() <= 2000, "waiting: " + p.size());
        assertEquals(2000, p.take().size());
    }
}
