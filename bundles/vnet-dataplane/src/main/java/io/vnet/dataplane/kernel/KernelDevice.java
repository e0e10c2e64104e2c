package io.vnet.dataplane.kernel;

/**
 * One kernel vxlan device: link {@code link}'s network {@code vni} on bridge {@code bridge}, sending
 * to {@code peer} on UDP port {@code port} (the port it listens on too, so both ends of a link use
 * the same one, and no two kernel links of a host share one).
 *
 * @param flood whether the link is part of the network's flooding tree: the bridge floods to it and
 *              learns behind it; a fast path gets only the frames its rules send it
 */
public record KernelDevice(String name, String link, int vni, String bridge, String peer, int port, int mtu,
                           boolean flood) {
    /** Interface names the kernel takes: at most 15 bytes. */
    public static final int MAX_NAME = 15;

    public KernelDevice {
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("kernel device name too long: " + name);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("link " + link + ": UDP port " + port + " out of range");
        }
        if (vni < 0 || vni > 0xFFFFFF) {
            throw new IllegalArgumentException("link " + link + ": VNI " + vni + " out of range");
        }
    }

    /**
     * The device's name, the same for the same (port, network), so that an agent restarted after a
     * crash replaces the device it left instead of failing to make it: "vk" + port and VNI in base 36
     * (at most 2 + 4 + 1 + 5 = 12 characters).
     */
    public static String nameOf(int port, int vni) {
        return "vk" + Integer.toString(port, 36) + "-" + Integer.toString(vni, 36);
    }

    /** Whether {@code name} is one {@link #nameOf} gives: "vk", 1-4 base-36 digits, "-", 1-5 more. */
    public static boolean isOurs(String name) {
        return name != null && name.matches("vk[0-9a-z]{1,4}-[0-9a-z]{1,5}");
    }
}
