package io.vnet.dataplane.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vnet.api.DropReason;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.PortCounters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What removed links counted outlives them: summed whole, those kept live and those folded in alike. */
class RemovedLinksTest {
    @Test
    void theSumsCountEveryRemovedLinkAndWhatTheLastOnesCountAfterTheirRemoval() {
        RemovedLinks removed = new RemovedLinks();
        List<PortCounters> all = new ArrayList<>();
        int n = RemovedLinks.KEPT + 10; // the first 10 are folded into fixed sums
        for (int i = 0; i < n; i++) {
            PortCounters c = new PortCounters();
            c.out(100);
            c.in(60);
            c.drop(DropReason.LINK_DOWN);
            all.add(c);
            removed.add(c);
        }
        all.get(n - 1).drop(DropReason.LINK_DOWN); // a kept link counts what waited for its connection after removal
        all.get(0).drop(DropReason.CONGESTED); // a folded one's later counts are not seen (its sums were fixed)
        PortStats s = removed.stats("forwarder");
        assertEquals("removed-links", s.id());
        assertEquals(n + " link(s) removed", s.state());
        assertEquals(n, s.framesOut());
        assertEquals(100L * n, s.bytesOut());
        assertEquals(n, s.framesIn());
        assertEquals(60L * n, s.bytesIn());
        assertEquals(n + 1, s.drops().get(DropReason.LINK_DOWN.wireName()));
        assertNull(s.drops().get(DropReason.CONGESTED.wireName()));
    }
}
