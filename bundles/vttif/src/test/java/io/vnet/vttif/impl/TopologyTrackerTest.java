package io.vnet.vttif.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyTrackerTest {
    private static final NetworkId NET = NetworkId.of(9);

    private static TopologyGraph pair(int a, int b) {
        return TopologyGraph.of(TopologyClass.ALL_TO_ALL, 0, 0, null,
                List.of(new TopologyGraph.Edge(MacAddress.of(0x0200_0000_0000L + a), MacAddress.of(0x0200_0000_0000L + b), 1)));
    }

    @Test
    void dampedReportsAtTheFirstEvaluationAtLeastTheStableTimeAfterFirstSeen() {
        TopologyTracker t = new TopologyTracker(NET, true, 2500);
        assertTrue(t.observe(pair(1, 2), 1000).isEmpty());
        assertTrue(t.observe(pair(1, 2), 2000).isEmpty());
        assertTrue(t.observe(TopologyGraph.empty(), 3000).isEmpty(), "idle neither confirms nor breaks");
        Optional<TopologyChange> c = t.observe(pair(1, 2), 4000);
        assertEquals(4000, c.orElseThrow().timeMillis());
        assertEquals(Optional.empty(), c.get().oldTopology());
        assertTrue(t.observe(pair(2, 3), 5000).isEmpty());
        assertTrue(t.observe(pair(3, 4), 6000).isEmpty(), "a different candidate restarts the clock");
        assertTrue(t.observe(pair(3, 4), 8000).isEmpty());
        TopologyChange second = t.observe(pair(3, 4), 8500).orElseThrow();
        assertEquals(pair(1, 2), second.oldTopology().orElseThrow());
        assertEquals(pair(3, 4), t.reported().orElseThrow());
    }

    @Test
    void reactiveReportsEveryDifferentTopologyAtOnce() {
        TopologyTracker t = new TopologyTracker(NET, false, 99_999);
        assertTrue(t.observe(pair(1, 2), 1).isPresent());
        assertTrue(t.observe(pair(1, 2), 2).isEmpty());
        assertTrue(t.observe(pair(2, 3), 3).isPresent());
        assertTrue(t.observe(TopologyGraph.empty(), 4).isEmpty());
        assertEquals(pair(2, 3), t.reported().orElseThrow());
    }
}
