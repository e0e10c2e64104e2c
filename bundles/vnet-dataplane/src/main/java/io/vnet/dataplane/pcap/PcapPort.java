package io.vnet.dataplane.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vnet.api.DropReason;
import io.vnet.api.LanSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * A proxy's port on the home LAN: frames captured on the LAN device go to the forwarder, and
 * frames sent here are injected onto the LAN, where they appear as if the cloud VMs were
 * plugged in. It is a local interface to the forwarder ({@code interface:DEVICE}), so it
 * floods and rules can target it. A device that fails is reported in the log and in its
 * state; the daemon keeps running.
 */
public final class PcapPort implements Port {
    private static final System.Logger LOG = System.getLogger(PcapPort.class.getName());
    public static final String KIND = "pcap";

    private final LanSpec spec;
    private final String portId;
    private final LanDevice device;
    private final Forwarder forwarder;
    private final ByteBufAllocator alloc;
    private final PortCounters counters = new PortCounters();
    private final Thread capturer;
    private final Object injectLock = new Object();
    private byte[] injectScratch;
    private volatile boolean running = true;
    private volatile String state = "up";
    private volatile boolean injectFailureLogged;

    PcapPort(LanSpec spec, LanDevice device, Forwarder forwarder, ByteBufAllocator alloc) {
        this.spec = spec;
        this.portId = "interface:" + spec.device();
        this.device = device;
        this.forwarder = forwarder;
        this.alloc = alloc;
        this.injectScratch = new byte[spec.maxFrame()];
        this.capturer = new Thread(this::captureLoop, "vnet-pcap-" + spec.device());
        this.capturer.setDaemon(true);
    }

    /** Opens the LAN device with libpcap (promiscuous capture and injection). */
    public static PcapPort open(LanSpec spec, Forwarder forwarder, ByteBufAllocator alloc) throws IOException {
        return new PcapPort(spec, Pcap4jDevice.open(spec.device(), spec.maxFrame()), forwarder, alloc);
    }

    /** Starts capturing; call after the port is registered with the forwarder. */
    public void start() {
        capturer.start();
    }

    public LanSpec spec() {
        return spec;
    }

    @Override
    public String id() {
        return portId;
    }

    @Override
    public boolean isLink() {
        return false;
    }

    @Override
    public boolean floods() {
        return true;
    }

    @Override
    public boolean isUp() {
        return running && "up".equals(state);
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    public PortStats stats() {
        return counters.snapshot(KIND, spec.device(), state, "LAN device " + spec.device() + ", vni " + spec.network());
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        try {
            if (!running) {
                counters.drop(DropReason.INJECT_FAILED);
                return;
            }
            int len = frame.readableBytes();
            synchronized (injectLock) {
                if (injectScratch.length < len) {
                    injectScratch = new byte[len];
                }
                frame.getBytes(frame.readerIndex(), injectScratch, 0, len);
                device.inject(injectScratch, len);
            }
            counters.out(len);
        } catch (IOException e) {
            counters.drop(DropReason.INJECT_FAILED);
            if (!injectFailureLogged) {
                injectFailureLogged = true;
                LOG.log(Level.WARNING, "LAN device " + spec.device() + " refused a frame (further failures are only"
                        + " counted as inject-failed): " + e.getMessage());
            }
        } finally {
            frame.release();
        }
    }

    private void captureLoop() {
        int vni = spec.network().vni();
        int max = spec.maxFrame();
        while (running) {
            byte[] captured;
            try {
                captured = device.next();
            } catch (IOException e) {
                if (running) {
                    state = "failed";
                    LOG.log(Level.ERROR, "LAN device " + spec.device() + " (vni " + vni + ") failed; frames for it are"
                            + " dropped until it is added again: " + e.getMessage());
                }
                break;
            }
            if (captured == null) {
                continue;
            }
            counters.in(captured.length);
            if (captured.length > max) {
                counters.drop(DropReason.OVERSIZE);
                continue;
            }
            ByteBuf frame = alloc.directBuffer(captured.length);
            frame.writeBytes(captured);
            forwarder.forward(this, vni, frame);
        }
    }

    /** Stops capturing and closes the device (the device itself stays, it is the LAN's NIC). */
    public void close() {
        running = false;
        device.wakeUp();
        try {
            capturer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        device.close();
        if (!"failed".equals(state)) {
            state = "closed";
        }
    }
}
