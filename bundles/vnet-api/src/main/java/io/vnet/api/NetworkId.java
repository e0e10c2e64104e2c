package io.vnet.api;

/** A tenant network, named by its 24-bit VXLAN network identifier (VNI). */
public record NetworkId(int vni) implements Comparable<NetworkId> {
    public static final int MAX_VNI = 0xFF_FFFF;

    public NetworkId {
        if (vni < 1 || vni > MAX_VNI) {
            throw new IllegalArgumentException("invalid VNI " + vni + ": expected 1.." + MAX_VNI);
        }
    }

    public static NetworkId of(int vni) {
        return new NetworkId(vni);
    }

    public static NetworkId parse(String text) {
        try {
            return new NetworkId(Integer.parseInt(text == null ? "" : text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid VNI '" + text + "': expected an integer 1.." + MAX_VNI);
        }
    }

    @Override
    public int compareTo(NetworkId o) {
        return Integer.compare(vni, o.vni);
    }

    @Override
    public String toString() {
        return Integer.toString(vni);
    }
}
