package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VxlanLivenessTest {
    private static final long MS = 1_000_000L;
    private static final long TIMEOUT = 600 * MS;

    @Test
    void aPeerThatNeverAnswersIsJudgedByTheSocketAlone() {
        VxlanLiveness l = new VxlanLiveness(TIMEOUT);
        long t = 1_000 * MS;
        for (int i = 0; i < 20; i++, t += 200 * MS) {
            l.sent(t);
            assertFalse(l.judge(t));
        }
        assertTrue(l.up(), "a kernel peer cannot answer: its link stays up");
        assertFalse(l.answers());
        assertEquals(-1, l.rttMicros());
    }

    @Test
    void anAnsweringPeerThatFallsSilentIsDownAfterTheDetectionTimeAndUpAtItsNextEcho() {
        VxlanLiveness l = new VxlanLiveness(TIMEOUT);
        long t = 1_000 * MS;
        l.sent(t);
        assertTrue(l.echoed(t + 3 * MS, t));
        assertTrue(l.answers());
        assertEquals(3_000, l.rttMicros());
        long lastEcho = t + 3 * MS;
        for (t += 200 * MS; t - lastEcho <= TIMEOUT; t += 200 * MS) {
            l.sent(t);
            assertFalse(l.judge(t), "still within the detection time at " + (t - lastEcho) / MS + " ms");
            assertTrue(l.up());
        }
        assertTrue(l.judge(t), "silent past the detection time: a change");
        assertFalse(l.up());
        l.sent(t);
        assertFalse(l.judge(t + MS), "no second change while it stays silent");
        assertTrue(l.echoed(t + 2 * MS, t));
        assertTrue(l.up(), "an echo brings it up at once");
        assertFalse(l.judge(t + 3 * MS), "already up: the judge finds no change");
    }

    @Test
    void probesWithoutEchoesDoNotKeepALinkUp() {
        // the peer's probes reach us, ours do not reach it (a one-way cut): no echo, so down
        VxlanLiveness l = new VxlanLiveness(TIMEOUT);
        long t = 1_000 * MS;
        for (int i = 0; i < 5; i++, t += 200 * MS) {
            l.interval();
            l.sent(t);
            assertTrue(l.probed(t + MS));
            l.judge(t);
        }
        assertFalse(l.up(), "heard from for 800 ms, never echoed: down after 600 ms");
    }

    @Test
    void onlyEchoesOfRecentProbesCount() {
        VxlanLiveness l = new VxlanLiveness(TIMEOUT);
        long t = 1_000 * MS;
        assertFalse(l.echoed(t, 7), "an echo of nothing we sent");
        assertFalse(l.answers(), "a stray echo does not make the peer an agent");
        for (int i = 0; i < VxlanLiveness.REMEMBERED + 1; i++) {
            l.sent(t + i);
        }
        assertFalse(l.echoed(t + 10 * MS, t), "the oldest probe is forgotten");
        assertTrue(l.echoed(t + 10 * MS, t + 1));
        assertFalse(l.echoed(t + 10 * MS, t + 20 * MS), "an echo from the future");
    }

    @Test
    void echoesPerIntervalAreBounded() {
        VxlanLiveness l = new VxlanLiveness(TIMEOUT);
        long t = 1_000 * MS;
        int answered = 0;
        for (int i = 0; i < 100; i++) {
            answered += l.probed(t + i) ? 1 : 0;
        }
        assertEquals(VxlanLiveness.ECHO_BURST, answered);
        l.judge(t + 200 * MS);
        assertFalse(l.probed(t + 201 * MS), "judging does not refill it");
        l.interval();
        assertTrue(l.probed(t + 201 * MS), "the budget is refilled every interval");
    }

    @Test
    void aDetectionTimeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new VxlanLiveness(0));
    }
}
