package io.vnet.vttif;

import static io.vnet.vttif.Macs.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The matrix stores only the weights it has: its memory follows the pairs, not nodes x nodes. */
class TrafficMatrixSparseTest {
    @Test
    void weightsAreVisitedInOrderAndLookedUp() {
        TrafficMatrix m = TrafficMatrix.builder().add(mac(3), mac(1), 2).add(mac(1), mac(3), 1).add(mac(2), mac(1), 5)
                .build();
        List<String> seen = new ArrayList<>();
        m.forEachWeight((s, d, w) -> seen.add(s + ">" + d + "=" + w));
        assertEquals(List.of("0>2=1.0", "1>0=5.0", "2>0=2.0"), seen);
        assertEquals(3, m.weightCount());
        assertEquals(0, m.weight(1, 2));
        assertEquals(5, m.weight(mac(2), mac(1)));
        assertEquals(m, TrafficMatrix.builder().add(mac(2), mac(1), 5).add(mac(1), mac(3), 1).add(mac(3), mac(1), 2)
                .build());
    }

    @Test
    void aRingOfOneHundredThousandVmsTakesMemoryForItsPairsOnly() {
        int n = 100_000; // dense, its weights alone would take 80 GB
        TrafficMatrix.Builder b = TrafficMatrix.builder();
        for (int i = 0; i < n; i++) {
            b.add(mac(i), mac((i + 1) % n), 1);
        }
        TrafficMatrix m = b.build();
        assertEquals(n, m.size());
        assertEquals(n, m.weightCount());
        assertEquals(1, m.undirectedWeight(n - 1, 0));
        assertEquals(n, m.totalWeight());
    }
}
