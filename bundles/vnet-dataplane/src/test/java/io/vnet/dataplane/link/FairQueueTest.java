package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deficit round robin over networks, then flows; new flows first; bounded, dropping from the longest flow. */
class FairQueueTest {
    /** A queued frame: its network, flow and number within the flow. */
    record F(int vni, int flow, int seq) {
    }

    @Test
    void twoNetworksShareEvenlyHoweverManyFlowsEachHas() {
        FairQueue<F> q = new FairQueue<>(1 << 30, 64 * 1024);
        for (int seq = 0; seq < 100; seq++) {
            for (int flow = 0; flow < 7; flow++) {
                q.offer(100, flow, new F(100, flow, seq), 64 * 1024);
            }
            q.offer(200, 0, new F(200, 0, seq), 64 * 1024);
        }
        Map<Integer, Integer> sent = new HashMap<>();
        Map<Integer, Integer> perFlow = new HashMap<>();
        for (int i = 0; i < 140; i++) {
            F f = q.poll();
            sent.merge(f.vni(), 1, Integer::sum);
            if (f.vni() == 100) {
                perFlow.merge(f.flow(), 1, Integer::sum);
            }
        }
        assertEquals(70, sent.get(100), "half of the link each: " + sent);
        assertEquals(70, sent.get(200), sent.toString());
        perFlow.values().forEach(n -> assertEquals(10, n, "and evenly between network 100's flows: " + perFlow));
    }

    @Test
    void aFlowThatHadNothingWaitingGoesFirstAndOrderWithinAFlowIsKept() {
        FairQueue<F> q = new FairQueue<>(1 << 30, 9000);
        for (int seq = 0; seq < 50; seq++) {
            q.offer(100, 1, new F(100, 1, seq), 9000);
        }
        assertEquals(new F(100, 1, 0), q.poll());
        q.offer(100, 2, new F(100, 2, 0), 100); // a ping behind 49 bulk frames
        assertEquals(new F(100, 2, 0), q.poll(), "the sparse flow's frame goes next");
        int last = 0;
        F f;
        while ((f = q.poll()) != null) {
            assertEquals(last + 1, f.seq(), "the bulk flow's frames in order");
            last = f.seq();
        }
        assertEquals(49, last);
        assertEquals(0, q.bytes());
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    @Test
    void pastTheLimitTheLongestFlowLosesItsOldestAndASparseFlowNothing() {
        FairQueue<F> q = new FairQueue<>(10 * 1000, 1500);
        List<F> dropped = new ArrayList<>();
        for (int seq = 0; seq < 10; seq++) {
            dropped.addAll(q.offer(100, 1, new F(100, 1, seq), 1000));
        }
        assertEquals(List.of(), dropped, "exactly at the limit");
        dropped.addAll(q.offer(100, 2, new F(100, 2, 0), 100));
        assertEquals(List.of(new F(100, 1, 0)), dropped, "the bulk flow's oldest frame made room for the ping");
        dropped.addAll(q.offer(200, 5, new F(200, 5, 0), 1000));
        assertEquals(new F(100, 1, 1), dropped.get(1), "network 100 holds most: its longest flow loses");
        assertTrue(q.bytes() <= q.limit());
        assertEquals(10, q.size());
        List<F> rest = q.clear();
        assertEquals(10, rest.size());
        assertTrue(rest.contains(new F(100, 2, 0)) && rest.contains(new F(200, 5, 0)), rest.toString());
        assertEquals(0, q.bytes());
    }

    @Test
    void aFrameLargerThanTheLimitIsDroppedItself() {
        FairQueue<F> q = new FairQueue<>(1000, 1500);
        assertEquals(List.of(new F(100, 1, 0)), q.offer(100, 1, new F(100, 1, 0), 5000));
        assertTrue(q.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new FairQueue<F>(0, 1500));
    }
}
