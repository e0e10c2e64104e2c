package io.vnet.vadapt;

import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Test VMs, hosts, traffic patterns and random instances. {@code mac(i)} is 02:00:00:00:hh:ll.
 * Public for the tests of io.vnet.vadapt.impl and for bench.ScaleBenchmark.
 */
public final class Fixtures {
    public static final String CENTER = "proxy";

    private Fixtures() {
    }

    public static MacAddress mac(int i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    public static String host(int i) {
        return "h" + i;
    }

    /** A ring of n VMs, every edge at {@code rate} bytes/s. */
    public static Demand ring(int n, double rate) {
        Demand.Builder b = Demand.builder();
        for (int i = 0; i < n; i++) {
            b.add(mac(i), mac((i + 1) % n), rate);
        }
        return b.build();
    }

    public static Demand allToAll(int n, double rate) {
        Demand.Builder b = Demand.builder();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                b.add(mac(i), mac(j), rate);
            }
        }
        return b.build();
    }

    /** A rows x cols 2-D mesh (no wrap-around). */
    public static Demand mesh(int rows, int cols, double rate) {
        Demand.Builder b = Demand.builder();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = r * cols + c;
                if (c + 1 < cols) {
                    b.add(mac(v), mac(v + 1), rate);
                }
                if (r + 1 < rows) {
                    b.add(mac(v), mac(v + cols), rate);
                }
            }
        }
        return b.build();
    }

    /**
     * Hosts h0..h(n-1) of the given capacity around {@code proxy}, with random paths: star links
     * of 50-200 Mbit/s and 2-10 ms, direct paths of 100 Mbit/s-1 Gbit/s and 0.2-5 ms.
     */
    public static Underlay underlay(int hosts, int capacity, SplittableRandom rnd) {
        Underlay.Builder b = Underlay.builder(CENTER);
        for (int h = 0; h < hosts; h++) {
            b.host(host(h), capacity);
            b.path(host(h), CENTER, 50e6 + rnd.nextDouble() * 150e6, 0.002 + rnd.nextDouble() * 0.008);
        }
        for (int x = 0; x < hosts; x++) {
            for (int y = x + 1; y < hosts; y++) {
                b.path(host(x), host(y), 100e6 + rnd.nextDouble() * 900e6, 0.0002 + rnd.nextDouble() * 0.0048);
            }
        }
        return b.build();
    }

    /** VMs 0..n-1 spread at random within the capacities. */
    public static Placement randomPlacement(int vms, int hosts, int capacity, SplittableRandom rnd) {
        List<Integer> slots = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            for (int c = 0; c < capacity; c++) {
                slots.add(h);
            }
        }
        Map<MacAddress, String> m = new LinkedHashMap<>();
        for (int v = 0; v < vms; v++) {
            int i = rnd.nextInt(slots.size());
            m.put(mac(v), host(slots.remove(i)));
        }
        return Placement.of(m);
    }

    /** VM i on host i mod hosts. */
    public static Placement roundRobin(int vms, int hosts) {
        Map<MacAddress, String> m = new LinkedHashMap<>();
        for (int v = 0; v < vms; v++) {
            m.put(mac(v), host(v % hosts));
        }
        return Placement.of(m);
    }
}
