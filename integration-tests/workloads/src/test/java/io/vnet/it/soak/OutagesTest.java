package io.vnet.it.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pair's silences with and without migrations cut out, and the reading of ping -D's answers. */
class OutagesTest {
    /** Answers every 250 ms from {@code from} to {@code to} (exclusive), skipping [gapFrom, gapTo). */
    private static long[] every250(long from, long to, long gapFrom, long gapTo) {
        return java.util.stream.LongStream.iterate(from, t -> t < to, t -> t + 250)
                .filter(t -> t < gapFrom || t >= gapTo).toArray();
    }

    @Test
    void aSteadyPairIsSilentForOneIntervalAtMost() {
        long[] a = every250(1000, 61_000, -1, -1);
        Outages.Silence s = Outages.longest(1000, 61_000, a, List.of());
        assertEquals(250, s.millis());
    }

    @Test
    void aSilenceOutsideMigrationsCountsWhole() {
        long[] a = every250(0, 60_000, 10_000, 14_000); // nothing from 10 s to 14 s: last answer 9.75 s, next 14 s
        Outages.Silence s = Outages.longest(0, 60_000, a, List.of());
        assertEquals(9_750, s.fromMs());
        assertEquals(14_000, s.toMs());
        assertEquals(4_250, s.millis());
    }

    @Test
    void aMigrationCutsItsWindowOutOfTheSilence() {
        long[] a = every250(0, 60_000, 10_000, 14_000);
        // the VM moved from 9.9 s to 11.5 s: what is left is 9.75-9.9 and 11.5-14 (2.5 s)
        List<Outages.Window> w = List.of(new Outages.Window(9_900, 11_500, "p3 h1->h2"));
        List<Outages.Silence> s = Outages.silences(0, 60_000, a, w);
        assertEquals(new Outages.Silence(11_500, 14_000), s.get(0));
        assertEquals(2_500, s.get(0).millis());
        // a window that covers the whole silence leaves nothing of it
        List<Outages.Window> all = List.of(new Outages.Window(9_000, 15_000, "p3"));
        assertEquals(250, Outages.longest(0, 60_000, a, all).millis());
        // two windows inside one silence leave three pieces
        List<Outages.Window> two = List.of(new Outages.Window(12_000, 12_500, "b"), new Outages.Window(10_500, 11_000, "a"));
        List<Outages.Silence> three = Outages.silences(9_750, 14_000, new long[] {9_750, 14_000}, two);
        assertEquals(List.of(new Outages.Silence(12_500, 14_000), new Outages.Silence(11_000, 12_000),
                new Outages.Silence(9_750, 10_500)), three);
    }

    @Test
    void theStartAndTheEndOfAProbeCount() {
        // a VM started at 0 answers first at 3.5 s; the last answer before the probe's end at 60 s is at 50 s
        long[] a = every250(3_500, 50_001, -1, -1);
        List<Outages.Silence> s = Outages.silences(0, 60_000, a, List.of());
        assertEquals(new Outages.Silence(50_000, 60_000), s.get(0));
        assertEquals(new Outages.Silence(0, 3_500), s.get(1));
        assertEquals(60_000, Outages.longest(0, 60_000, new long[0], List.of()).millis(), "never answered");
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Outages.silences(10, 5, new long[0], List.of()));
        assertThrows(IllegalArgumentException.class, () -> Outages.silences(0, 100, new long[] {50, 40}, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Outages.Window(5, 4, "x"));
    }

    @Test
    void pingsTimestampedAnswersAreRead(@TempDir Path dir) throws Exception {
        assertEquals(1796543503827L, PairProbes.answerMillis("[1796543503.827566] 64 bytes from 10.200.44.2: icmp_seq=1 ttl=64 time=0.020 ms"));
        assertEquals(1796543503800L, PairProbes.answerMillis("[1796543503.8] 64 bytes from 10.200.44.2: icmp_seq=1 ttl=64 time=1 ms"));
        assertEquals(-1, PairProbes.answerMillis("[1796543503.827566] From 10.200.44.1 icmp_seq=3 Destination Host Unreachable"));
        assertEquals(-1, PairProbes.answerMillis("PING 10.200.44.2 (10.200.44.2) 56(84) bytes of data."));
        Path log = dir.resolve("ping.log");
        Files.writeString(log, """
                PING 10.200.44.2 (10.200.44.2) 56(84) bytes of data.
                [1000.100000] 64 bytes from 10.200.44.2: icmp_seq=1 ttl=64 time=0.5 ms
                [1000.350000] 64 bytes from 10.200.44.2: icmp_seq=2 ttl=64 time=0.5 ms
                [1000.350500] 64 bytes from 10.200.44.2: icmp_seq=2 ttl=64 time=0.5 ms (DUP!)
                [1003.000000] From 10.200.44.1 icmp_seq=3 Destination Host Unreachable
                [1004.100000] 64 bytes from 10.200.44.2: icmp_seq=17 ttl=64 time=0.5 ms

                --- 10.200.44.2 ping statistics ---
                """);
        long[] a = PairProbes.answers(log, 1_000_000, 1_004_000);
        assertEquals(3, a.length, "the one after the end is left out");
        assertEquals(1_000_350, a[2]);
    }
}
