package io.vnet.manager.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.vttif.TrafficMatrix;
import org.junit.jupiter.api.Test;

class TrafficShiftTest {
    static MacAddress vm(int i) {
        return MacAddress.parse(String.format("02:00:00:00:00:%02x", i));
    }

    static TrafficMatrix ring(int n, double rate) {
        TrafficMatrix.Builder b = TrafficMatrix.builder();
        for (int i = 0; i < n; i++) {
            b.add(vm(i), vm((i + 1) % n), rate);
            b.add(vm((i + 1) % n), vm(i), rate);
        }
        return b.build();
    }

    static TrafficMatrix allToAll(int n, double rate) {
        TrafficMatrix.Builder b = TrafficMatrix.builder();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    b.add(vm(i), vm(j), rate);
                }
            }
        }
        return b.build();
    }

    @Test
    void theDistanceIsZeroForTheSamePatternAtAnyRateAndOneForDisjointPairs() {
        TrafficShift.Shares r = TrafficShift.Shares.of(ring(8, 1000));
        assertEquals(0, r.distance(TrafficShift.Shares.of(ring(8, 50_000))), 1e-12);
        // all-to-all on 8 VMs: 28 pairs, the ring's 8 among them carry 8/28 of it
        assertEquals(1 - 8.0 / 28, r.distance(TrafficShift.Shares.of(allToAll(8, 1000))), 1e-12);
        TrafficMatrix chords = TrafficMatrix.builder().add(vm(0), vm(4), 10).add(vm(1), vm(5), 10).build();
        assertEquals(1, r.distance(TrafficShift.Shares.of(chords)), 1e-12);
    }

    @Test
    void aSteadyPatternIsDueOnceAfterTheSteadyTime() {
        TrafficShift s = new TrafficShift(3000);
        int due = 0;
        for (long t = 0; t <= 20_000; t += 500) {
            if (s.due(ring(8, 1000 + (t % 1000)), t)) {
                due++;
                assertTrue(t >= 3000, "not before the steady time: " + t);
                s.planned();
            }
        }
        assertEquals(1, due, "one plan for one pattern");
    }

    @Test
    void aNewPatternIsDueOnceItHeldAndADriftNever() {
        TrafficShift s = new TrafficShift(3000);
        long t = 0;
        for (; t <= 5000; t += 500) {
            if (s.due(ring(8, 1000), t)) {
                s.planned();
            }
        }
        // a drift: one pair's rate up by half is far below the change threshold
        TrafficMatrix.Builder b = TrafficMatrix.builder();
        for (int i = 0; i < 8; i++) {
            b.add(vm(i), vm((i + 1) % 8), i == 0 ? 1500 : 1000);
            b.add(vm((i + 1) % 8), vm(i), 1000);
        }
        TrafficMatrix drift = b.build();
        for (long end = t + 10_000; t <= end; t += 500) {
            assertFalse(s.due(drift, t), "a drift is no new pattern");
        }
        long switched = t;
        long dueAt = -1;
        for (long end = t + 10_000; t <= end; t += 500) {
            if (s.due(allToAll(8, 1000), t)) {
                dueAt = t;
                s.planned();
                break;
            }
        }
        assertTrue(dueAt >= switched + 3000 && dueAt <= switched + 3500, "due once the all-to-all held: " + (dueAt - switched));
        assertTrue(s.sincePlan() < 1e-9);
    }

    @Test
    void aFlappingMixtureIsNeverDue() {
        TrafficShift s = new TrafficShift(3000);
        for (long t = 0; t <= 30_000; t += 500) {
            TrafficMatrix m = (t / 1000) % 2 == 0 ? ring(8, 1000) : allToAll(8, 1000);
            assertFalse(s.due(m, t), "flapping at " + t);
        }
    }

    @Test
    void noTrafficIsNeverDueAndForgetsThePlan() {
        TrafficShift s = new TrafficShift(1000);
        long t = 0;
        for (; t <= 2000; t += 500) {
            if (s.due(ring(8, 1000), t)) {
                s.planned();
            }
        }
        assertFalse(s.due(TrafficMatrix.empty(), t));
        assertEquals(1.0, s.sincePlan());
        boolean dueAgain = false;
        for (long end = t + 3000; t <= end && !dueAgain; t += 500) {
            dueAgain = s.due(ring(8, 1000), t);
        }
        assertTrue(dueAgain, "the same pattern after a pause is a new phase");
    }
}
