package io.vnet.dataplane.kernel;

import io.netty.buffer.ByteBuf;
import io.vnet.api.LinkPath;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.PortCounters;
import io.vnet.dataplane.link.OverlayLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A VXLAN link on the kernel path, as the forwarder sees it: the frames the agent's TAP hands to
 * user space for this link (a rule the bridge cannot apply, such as a pair rule) are sent as
 * VXLAN datagrams by the user-space port it wraps; the peer's kernel device takes them like the
 * kernel's own. Everything the peer sends arrives at this host's kernel devices, never in user
 * space. The forwarder never floods to it: the bridge floods to a tree link's device itself.
 */
public final class KernelLink implements OverlayLink {
    private final OverlayLink user;
    private final KernelLinks owner;
    private volatile List<KernelDevice> devices;

    KernelLink(OverlayLink user, KernelLinks owner, List<KernelDevice> devices) {
        this.user = user;
        this.owner = owner;
        this.devices = List.copyOf(devices);
    }

    /** The kernel devices that carry the link now, one per network. */
    public List<KernelDevice> devices() {
        return devices;
    }

    void devices(List<KernelDevice> next) {
        devices = List.copyOf(next);
    }

    OverlayLink user() {
        return user;
    }

    @Override
    public LinkSpec spec() {
        return user.spec();
    }

    @Override
    public void carry(LinkSpec next) {
        owner.carry(this, next);
    }

    @Override
    public LinkPath path() {
        long[] k = kernelCounters();
        LinkPath p = user.path();
        return new LinkPath(p.id(), p.peerHost(), "vxlan-kernel", p.up(), p.rttMicros(), p.minRttMicros(),
                p.bytesOut() + k[3], p.bytesIn() + k[1], p.networks());
    }

    @Override
    public PortStats stats() {
        PortStats s = user.stats();
        long[] k = kernelCounters();
        Map<String, Long> drops = new HashMap<>(s.drops());
        if (k[4] > 0) {
            drops.put("kernel-dropped", k[4]);
        }
        long spoofed = 0;
        for (KernelDevice d : devices) {
            spoofed += owner.spoofed(d.name());
        }
        if (spoofed > 0) {
            drops.merge("spoofed", spoofed, Long::sum);
        }
        long refused = owner.notCarried(spec().connect().port());
        if (refused > 0) {
            drops.merge("not-carried", refused, Long::sum);
        }
        return new PortStats(s.kind(), s.id(), s.state(), s.peer() + ", kernel devices "
                + String.join(" ", devices.stream().map(KernelDevice::name).toList()),
                s.framesIn() + k[0], s.bytesIn() + k[1], s.framesOut() + k[2], s.bytesOut() + k[3], drops);
    }

    /** rx packets, rx bytes, tx packets, tx bytes and drops of the link's devices, summed. */
    private long[] kernelCounters() {
        long[] out = new long[5];
        for (KernelDevice d : devices) {
            Path dir = Path.of("/sys/class/net", d.name(), "statistics");
            out[0] += read(dir, "rx_packets");
            out[1] += read(dir, "rx_bytes");
            out[2] += read(dir, "tx_packets");
            out[3] += read(dir, "tx_bytes");
            out[4] += read(dir, "rx_dropped") + read(dir, "tx_dropped");
        }
        return out;
    }

    private static long read(Path dir, String name) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(name)).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public String id() {
        return user.id();
    }

    @Override
    public boolean isLink() {
        return true;
    }

    /** Never: the bridge floods to a tree link's device, so the forwarder must not too. */
    @Override
    public boolean floods() {
        return false;
    }

    @Override
    public boolean carries(int vni) {
        return user.carries(vni);
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        user.send(vni, frame);
    }

    @Override
    public void send(int vni, ByteBuf frame, long offload) {
        user.send(vni, frame, offload);
    }

    @Override
    public PortCounters counters() {
        return user.counters();
    }

    @Override
    public int maxFrame() {
        return user.maxFrame();
    }

    @Override
    public boolean isUp() {
        return user.isUp();
    }
}
