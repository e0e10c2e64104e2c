package io.vnet.agent.impl;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The addresses of this host's own network devices (its bridges, TAPs, the proxy's LAN NIC), read
 * from {@code /sys/class/net/DEV/address} at most every {@link #REFRESH_NANOS}: the host's own
 * frames reach the agent too (a bridge with an address of its own answers ARP on it), but the
 * host is not a VM, so these addresses are never listed as VMs.
 */
final class OwnAddresses {
    static final long REFRESH_NANOS = 5_000_000_000L;
    /** The most devices read; a host with more is not a host this was written for. */
    static final int MAX_DEVICES = 65_536;

    private final Path sysNet;
    private Set<MacAddress> cached = Set.of();
    private long readAt;
    private boolean read;

    OwnAddresses() {
        this(Path.of("/sys/class/net"));
    }

    OwnAddresses(Path sysNet) {
        this.sysNet = sysNet;
    }

    /** This host's own device addresses (refreshed when stale). */
    synchronized Set<MacAddress> get() {
        long now = System.nanoTime();
        if (!read || now - readAt > REFRESH_NANOS) {
            cached = scan();
            readAt = now;
            read = true;
        }
        return cached;
    }

    /** {@code macs} without this host's own device addresses. */
    Map<NetworkId, List<MacAddress>> withoutOwn(Map<NetworkId, List<MacAddress>> macs) {
        Set<MacAddress> own = get();
        if (own.isEmpty()) {
            return macs;
        }
        Map<NetworkId, List<MacAddress>> out = new LinkedHashMap<>();
        macs.forEach((n, list) -> out.put(n, list.stream().filter(m -> !own.contains(m)).toList()));
        return out;
    }

    private Set<MacAddress> scan() {
        Set<MacAddress> out = new HashSet<>();
        try (DirectoryStream<Path> devs = Files.newDirectoryStream(sysNet)) {
            int n = 0;
            for (Path dev : devs) {
                if (++n > MAX_DEVICES) {
                    break;
                }
                try {
                    String text = Files.readString(dev.resolve("address")).trim();
                    MacAddress mac = MacAddress.parse(text);
                    if (mac.bits() != 0 && !mac.isGroup()) {
                        out.add(mac);
                    }
                } catch (IOException | IllegalArgumentException e) {
                    // a device without an Ethernet address (lo's is zero, a tun has none): not ours to list
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return Set.copyOf(out);
    }
}
