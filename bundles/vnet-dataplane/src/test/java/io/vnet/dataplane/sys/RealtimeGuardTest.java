package io.vnet.dataplane.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RealtimeGuardTest {
    @Test
    void aLoopBusyNineTenthsOfASecondGoesBackToNormalAndReturnsWhenQuieter() {
        assertEquals(RealtimeGuard.Action.DEMOTE, RealtimeGuard.decide(true, 0.95));
        assertEquals(RealtimeGuard.Action.NONE, RealtimeGuard.decide(true, 0.6), "busy, but not all the time");
        assertEquals(RealtimeGuard.Action.NONE, RealtimeGuard.decide(false, 0.7), "not quiet enough yet (hysteresis)");
        assertEquals(RealtimeGuard.Action.PROMOTE, RealtimeGuard.decide(false, 0.3));
        assertEquals(RealtimeGuard.Action.NONE, RealtimeGuard.decide(true, Double.NaN), "no whole window yet");
    }

    @Test
    void theBusyShareIsOverTheLastSecond() {
        RealtimeGuard.Watched w = new RealtimeGuard.Watched(1);
        long ms = 1_000_000;
        for (int i = 0; i <= RealtimeGuard.WINDOW; i++) {
            double busy = w.sample(i * 250 * ms, i * 250 * ms); // on the CPU all the time
            assertTrue(i < RealtimeGuard.WINDOW ? Double.isNaN(busy) : Math.abs(busy - 1) < 1e-9, i + ": " + busy);
        }
        // then idle for a second: the window forgets the busy samples
        double busy = Double.NaN;
        for (int i = 1; i <= RealtimeGuard.WINDOW; i++) {
            busy = w.sample(RealtimeGuard.WINDOW * 250 * ms, (RealtimeGuard.WINDOW + i) * 250 * ms);
        }
        assertEquals(0, busy, 1e-9);
    }

    @Test
    void theCallingThreadHasAKernelThreadIdAndCpuTime() {
        int tid = Scheduling.currentTid();
        assertTrue(tid > 0, "tid " + tid);
        assertTrue(RealtimeGuard.cpuNanos(tid) > 0, "schedstat of " + tid);
    }
}
