package io.vnet.dataplane.forward;

import io.vnet.api.LinkSpec;
import java.util.Arrays;

/**
 * The networks a link carries, as a sorted array of VNIs that forwarding reads without locks or
 * allocation (a binary search; a link carries one or a few networks).
 */
public final class Carried {
    private Carried() {
    }

    public static int[] of(LinkSpec spec) {
        return spec.vnis(); // sorted and without repeats: LinkSpec keeps them so
    }

    public static boolean contains(int[] sorted, int vni) {
        return Arrays.binarySearch(sorted, vni) >= 0;
    }
}
