package io.vnet.manager.vttif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.manager.Recorder;
import io.vnet.api.UnpairedTraffic;
import io.vnet.vttif.Omitted;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.Vttif;
import io.vnet.vttif.VttifConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The manager's VTTIF with a network flooded with forged addresses and a network that sends what
 * VTTIF cannot count: each is bounded or fails alone, and the other network's ring is classified.
 * Evaluations are called directly (the service's own clock ticks once an hour here).
 */
class VttifServiceBoundsTest {
    private static final NetworkId FLOODED = NetworkId.of(100);
    private static final NetworkId RING = NetworkId.of(200);
    private static final long HOUR = 3_600_000;

    private final VttifService service = new VttifService(VttifConfig.defaults().withMode(VttifConfig.Mode.REACTIVE)
            .withStableMillis(0), HOUR, HOUR, HOUR, Recorder.NONE);

    @AfterEach
    void tearDown() {
        service.close();
    }

    private static MacAddress mac(long i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    private static List<PairCount> ring() {
        List<PairCount> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(new PairCount(RING, mac(i), mac((i + 1) % 8), 70, 100_000, false));
        }
        return out;
    }

    @Test
    void aFloodedNetworkIsBoundedAndTheOtherNetworksRingIsClassified() {
        SplittableRandom random = new SplittableRandom(5);
        List<PairCount> report = new ArrayList<>(ring());
        for (int i = 0; i < 50_000; i++) {
            report.add(new PairCount(FLOODED, MacAddress.of((random.nextLong() & 0xFEFF_FFFF_FFFFL) | 0x0200_0000_0000L),
                    mac(1_000_000 + i), 1, 100 + random.nextInt(1000), false));
        }
        service.onReport("ha", 1000, 1000, report, List.of(new UnpairedTraffic(FLOODED, 10_000, 10_000, 1_000_000)));
        service.evaluate(1000);
        assertTrue(service.matrix(FLOODED).size() <= Vttif.MAX_NODES);
        Omitted o = service.omitted(FLOODED);
        assertEquals(50_000 - Vttif.MAX_REPORT_PAIRS, o.reportPairs());
        assertTrue(o.nodes() > 0, o.toString());
        assertEquals(TopologyClass.RING, service.topology(RING).orElseThrow().topologyClass());
    }

    /** A network whose pattern keeps changing keeps the latest changes in memory, a bounded number, and counts the rest. */
    @Test
    void theHistoryInMemoryIsBounded() {
        List<PairCount> pair = List.of(new PairCount(RING, mac(3), mac(4), 70, 100_000, false),
                new PairCount(RING, mac(4), mac(3), 70, 100_000, false));
        long t = 0;
        for (int i = 0; i < 3 * VttifService.HISTORY; i++) {
            t += HOUR; // far past the window: each evaluation sees its own report only
            service.onReport("ha", t, 1000, i % 2 == 0 ? ring() : pair);
            service.evaluate(t);
        }
        List<io.vnet.vttif.TopologyChange> h = service.history(RING);
        assertEquals(VttifService.HISTORY, h.size());
        assertTrue(service.historyTrimmed() >= VttifService.HISTORY, "older changes counted: " + service.historyTrimmed());
        assertEquals(t, h.get(h.size() - 1).timeMillis(), "the newest change is kept");
    }

    @Test
    void pairsAndReportsVttifCannotCountFailOnlyTheirOwn() {
        List<PairCount> bad = new ArrayList<>(ring());
        bad.add(new PairCount(FLOODED, mac(1), mac(2), 10, 5, false)); // fewer bytes than frames: VTTIF refuses it
        bad.add(new PairCount(FLOODED, mac(3), mac(4), 1, Long.MAX_VALUE, false));
        service.onReport("ha", 1000, 1000, bad);
        service.onReport("hb", 1000, 1000, List.of(new PairCount(FLOODED, mac(3), mac(4), 1, Long.MAX_VALUE, false)));
        service.evaluate(1000);
        assertEquals(TopologyClass.RING, service.topology(RING).orElseThrow().topologyClass());
        assertEquals(1, service.omitted(FLOODED).failedEvaluations(), "the sum overflowed: that network failed");
        assertTrue(service.matrix(FLOODED).isEmpty());
        service.onReport("ha", 2000, 1000, List.of(new PairCount(FLOODED, mac(3), mac(4), 70, 100_000, false),
                new PairCount(FLOODED, mac(4), mac(3), 70, 100_000, false)));
        service.evaluate(2000);
        assertEquals(TopologyClass.ALL_TO_ALL, service.topology(FLOODED).orElseThrow().topologyClass(), "it recovers");
    }
}
