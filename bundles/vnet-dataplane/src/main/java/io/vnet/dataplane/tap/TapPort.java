package io.vnet.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vnet.api.DropReason;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A local interface: frames read from the TAP go to the forwarder; frames sent here are
 * written to the TAP and so reach the bridge and its VMs. A TAP that vanishes (deleted under
 * the daemon) is reported in the log and in its state; the daemon keeps running.
 */
public final class TapPort implements Port {
    private static final System.Logger LOG = System.getLogger(TapPort.class.getName());
    private static final ThreadLocal<ByteBuffer> WRITE_SCRATCH = new ThreadLocal<>();

    private final InterfaceSpec spec;
    private final String portId;
    private final TapDevice tap;
    private final Forwarder forwarder;
    private final ByteBufAllocator alloc;
    private final PortCounters counters = new PortCounters();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile String state = "up";

    private TapPort(InterfaceSpec spec, TapDevice tap, Forwarder forwarder, ByteBufAllocator alloc) {
        this.spec = spec;
        this.portId = "interface:" + spec.id();
        this.tap = tap;
        this.forwarder = forwarder;
        this.alloc = alloc;
        this.reader = new Thread(this::readLoop, "vnet-tap-" + spec.id());
        this.reader.setDaemon(true);
    }

    /** Opens the TAP, plugs it into its bridge (created if missing) and starts reading. */
    public static TapPort open(InterfaceSpec spec, Forwarder forwarder, ByteBufAllocator alloc) throws IOException {
        TapDevice tap = TapDevice.open(spec.id());
        try {
            if (spec.bridge() != null) {
                IpCommand.ensureBridge(spec.bridge(), spec.mtu());
            }
            IpCommand.plug(spec.id(), spec.bridge(), spec.mtu());
        } catch (IOException e) {
            tap.close();
            throw e;
        }
        return new TapPort(spec, tap, forwarder, alloc);
    }

    /** Starts the reader; call after the port is registered with the forwarder. */
    public void start() {
        reader.start();
    }

    public InterfaceSpec spec() {
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
    public PortCounters counters() {
        return counters;
    }

    public PortStats stats() {
        return counters.snapshot("interface", spec.id(), state, "bridge " + spec.bridge() + ", vni " + spec.network());
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        try {
            int len = frame.readableBytes();
            if (!running) {
                counters.drop(DropReason.TAP_FULL);
                return;
            }
            long addr;
            if (frame.hasMemoryAddress()) {
                addr = frame.memoryAddress() + frame.readerIndex();
            } else {
                ByteBuffer scratch = WRITE_SCRATCH.get();
                if (scratch == null || scratch.capacity() < len) {
                    scratch = ByteBuffer.allocateDirect(Math.max(len, 65536 + 64)).order(ByteOrder.BIG_ENDIAN);
                    WRITE_SCRATCH.set(scratch);
                }
                scratch.clear();
                frame.getBytes(frame.readerIndex(), scratch.limit(len));
                addr = TapDevice.address(scratch);
            }
            if (tap.write(addr, len)) {
                counters.out(len);
            } else {
                counters.drop(DropReason.TAP_FULL);
            }
        } finally {
            frame.release();
        }
    }

    private void readLoop() {
        int vni = spec.network().vni();
        int cap = spec.maxFrame() + 64;
        ByteBuffer buf = ByteBuffer.allocateDirect(cap);
        long addr = TapDevice.address(buf);
        int failures = 0;
        while (running) {
            int n = tap.read(addr, cap);
            if (n > 0) {
                failures = 0;
                counters.in(n);
                ByteBuf frame = alloc.directBuffer(n);
                buf.clear().limit(n);
                frame.writeBytes(buf);
                forwarder.forward(this, vni, frame);
                continue;
            }
            int ready = tap.awaitReadable(100);
            if (ready < 0 || (ready > 0 && n < 0 && ++failures > 3 && !IpCommand.exists(spec.id()))) {
                if (running) {
                    state = "vanished";
                    LOG.log(Level.ERROR, "TAP device " + spec.id() + " (vni " + vni
                            + ") vanished or failed; frames for it are dropped until it is added again");
                }
                break;
            }
        }
    }

    /** Stops reading and closes the device (the kernel removes a non-persistent TAP). */
    public void close() {
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tap.close();
        if (!"vanished".equals(state)) {
            state = "closed";
        }
    }
}
