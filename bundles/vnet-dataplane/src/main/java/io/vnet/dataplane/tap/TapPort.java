package io.vnet.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.vnet.api.DropReason;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Offload;
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
    /** The largest frame a read returns with offloads on: a 64 KB IP packet, Ethernet and VLAN headers. */
    static final int MAX_GSO_FRAME = 65535 + 18;
    /** Frames up to this size are copied out of the read buffer into a buffer of their size. */
    static final int COPY_BELOW = 2048;
    /** Frames read per readiness event on an event loop, before the loop serves others. */
    static final int READ_BATCH = 64;

    private final InterfaceSpec spec;
    private final String portId;
    private final TapDevice tap;
    private final Forwarder forwarder;
    private final ByteBufAllocator alloc;
    private final PortCounters counters = new PortCounters();
    private static final java.nio.file.Path SYS_NET = java.nio.file.Path.of("/sys/class/net");
    /** A buffer per thread for the bridge's address listing, grown to its cap once. */
    private static final ThreadLocal<byte[]> FDB_SCRATCH = ThreadLocal.withInitial(() -> new byte[BridgeFdb.MAX_BYTES]);
    /** This TAP's port number on its bridge, or -1 until read. */
    private volatile int bridgePort = -1;
    private final Thread reader;
    private volatile boolean running = true;
    /** The read buffer and its address; touched only by the one reader (thread or event loop). */
    private ByteBuf big;
    private long bigAddr;
    private final int readCapacity;
    private volatile IoRegistration registration;
    private volatile IoEventLoop eventLoop;
    private volatile String state = "up";

    private TapPort(InterfaceSpec spec, TapDevice tap, Forwarder forwarder, ByteBufAllocator alloc) {
        this.spec = spec;
        this.portId = "interface:" + spec.id();
        this.tap = tap;
        this.forwarder = forwarder;
        this.alloc = alloc;
        this.readCapacity = (tap.offloads() ? TapDevice.VIRTIO_HDR + MAX_GSO_FRAME : spec.maxFrame() + 64);
        this.reader = new Thread(this::readLoop, "vnet-tap-" + spec.id());
        this.reader.setDaemon(true);
    }

    /** Opens the TAP without offloads, plugs it into its bridge (created if missing). */
    public static TapPort open(InterfaceSpec spec, Forwarder forwarder, ByteBufAllocator alloc) throws IOException {
        return open(spec, forwarder, alloc, false);
    }

    /**
     * Opens the TAP, with offloads (see {@link TapDevice}) if {@code offloads}, and plugs it
     * into its bridge (created if missing); {@link #start()} starts reading.
     */
    public static TapPort open(InterfaceSpec spec, Forwarder forwarder, ByteBufAllocator alloc, boolean offloads)
            throws IOException {
        TapDevice tap = TapDevice.open(spec.id(), offloads);
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

    /** Starts reading in a thread of its own; call after the port is registered with the forwarder. */
    public void start() {
        reader.start();
    }

    /**
     * Starts reading: on one of {@code group}'s event loops if it is an epoll loop, else in a
     * thread of its own. Call after the port is registered with the forwarder.
     */
    public void start(EventLoopGroup group) {
        if (group.next() instanceof IoEventLoop loop && loop.isCompatible(Registration.class)) {
            io.netty.util.concurrent.Future<IoRegistration> f = loop.register(new Registration()).awaitUninterruptibly();
            if (f.isSuccess()) {
                registration = f.getNow();
                registration.submit(EpollIoOps.EPOLLIN);
                eventLoop = loop;
                return;
            }
            LOG.log(Level.WARNING, "TAP " + spec.id() + ": cannot read it on an event loop (" + f.cause()
                    + "); using a thread");
        }
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
        return counters.snapshot("interface", spec.id(), state, "bridge " + spec.bridge() + ", vni " + spec.network()
                + (tap.offloads() ? ", offloads" : ""));
    }

    /**
     * Whether the bridge still has {@code mac} on a port other than this TAP's (the VM's own
     * port is still there): read from the kernel's listing (see {@link BridgeFdb}); true when
     * there is no bridge or it cannot be read, so that a hold is never ended on a guess.
     */
    @Override
    public boolean vmFacing() {
        return true;
    }

    @Override
    public boolean stillBehind(long mac) {
        String bridge = spec.bridge();
        if (bridge == null) {
            return true;
        }
        try {
            int own = bridgePort;
            if (own < 0) {
                own = BridgeFdb.portNumber(SYS_NET, spec.id());
                bridgePort = own;
            }
            byte[] buf = FDB_SCRATCH.get();
            int len = BridgeFdb.read(SYS_NET, bridge, buf);
            return BridgeFdb.onOtherPort(buf, len, mac, own);
        } catch (IOException | RuntimeException e) {
            bridgePort = -1;
            LOG.log(Level.DEBUG, "TAP " + spec.id() + ": cannot read bridge " + bridge + "'s addresses: " + e);
            return true;
        }
    }

    /** Frames above the interface's MTU would be dropped by the bridge: the forwarder answers them instead. */
    @Override
    public int maxFrame() {
        return spec.maxFrame();
    }

    /** Whether the TAP is read by an event loop (else by a thread of its own). */
    public boolean readsOnEventLoop() {
        return eventLoop != null;
    }

    /** Whether frames are read and written with their virtio_net_hdr (TSO, checksum offload). */
    public boolean offloads() {
        return tap.offloads();
    }

    @Override
    public void send(int vni, ByteBuf frame, long offload) {
        if (!tap.offloads()) {
            Port.super.send(vni, frame, offload); // segmented and checksummed first
            return;
        }
        write(frame, offload);
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        write(frame, Offload.NONE);
    }

    /** Writes one frame (with its virtio_net_hdr if the TAP has offloads) and releases it. */
    private void write(ByteBuf frame, long offload) {
        try {
            int len = frame.readableBytes();
            if (!running) {
                counters.drop(DropReason.TAP_FULL);
                return;
            }
            long addr = frameAddress(frame, len);
            if (tap.offloads() ? tap.write(offload, addr, len) : tap.write(addr, len)) {
                counters.out(len);
            } else {
                counters.drop(DropReason.TAP_FULL);
            }
        } finally {
            frame.release();
        }
    }

    /** The native address of the frame's bytes: its own, or a per-thread copy if it has none. */
    private static long frameAddress(ByteBuf frame, int len) {
        if (frame.hasMemoryAddress()) {
            return frame.memoryAddress() + frame.readerIndex();
        }
        ByteBuffer scratch = WRITE_SCRATCH.get();
        if (scratch == null || scratch.capacity() < len) {
            scratch = ByteBuffer.allocateDirect(Math.max(len, MAX_GSO_FRAME + 64)).order(ByteOrder.BIG_ENDIAN);
            WRITE_SCRATCH.set(scratch);
        }
        scratch.clear();
        frame.getBytes(frame.readerIndex(), scratch.limit(len));
        return TapDevice.address(scratch);
    }

    /**
     * Reads one frame and forwards it. Returns 1 if a frame was read, 0 if none was ready, -1
     * if the read failed. One reader at a time: the reader thread or the event loop.
     */
    private int readOne() {
        if (big == null) {
            // a large frame is handed on in the buffer it was read into; small ones are copied out
            big = alloc.directBuffer(readCapacity, readCapacity);
            bigAddr = big.hasMemoryAddress() ? big.memoryAddress() : TapDevice.address(big.nioBuffer(0, readCapacity));
        }
        int n = tap.read(bigAddr, readCapacity);
        if (n <= 0) {
            return n == 0 || LinuxC.errno() == LinuxC.EAGAIN ? 0 : -1;
        }
        int hdr = tap.offloads() ? TapDevice.VIRTIO_HDR : 0;
        int len = n - hdr;
        long offload = Offload.NONE;
        if (hdr > 0) {
            offload = Offload.readVirtio(big, 0);
            if (offload == Offload.F_DATA_VALID) {
                offload = Offload.NONE; // a verified checksum: nothing left to do
            }
        }
        counters.in(len);
        if (offload != Offload.NONE && Offload.invalid(offload, len) != null) {
            counters.drop(DropReason.MALFORMED); // the guest's descriptor is no more trusted than a peer's
            return 1;
        }
        ByteBuf frame;
        if (len < COPY_BELOW) {
            frame = alloc.directBuffer(Math.max(len, 0));
            frame.writeBytes(big, hdr, Math.max(len, 0));
        } else {
            frame = big.setIndex(hdr, n);
            big = null;
        }
        forwarder.forward(this, spec.network().vni(), frame, offload);
        return 1;
    }

    private void vanished() {
        if (running && !"vanished".equals(state)) {
            state = "vanished";
            LOG.log(Level.ERROR, "TAP device " + spec.id() + " (vni " + spec.network().vni()
                    + ") vanished or failed; frames for it are dropped until it is added again");
        }
    }

    private void releaseReadBuffer() {
        if (big != null) {
            big.release();
            big = null;
        }
    }

    /** Without an epoll event loop: a thread of its own that reads and waits in poll(2). */
    private void readLoop() {
        int failures = 0;
        try {
            while (running) {
                int r = readOne();
                if (r > 0) {
                    failures = 0;
                    continue;
                }
                int ready = tap.awaitReadable(100);
                if (ready < 0 || (ready > 0 && r < 0 && ++failures > 3 && !IpCommand.exists(spec.id()))) {
                    vanished();
                    break;
                }
            }
        } finally {
            releaseReadBuffer();
        }
    }

    /**
     * On an epoll event loop the TAP's file descriptor is one more registration of the loop:
     * when it is readable the loop reads a batch of frames, and frames for links served by the
     * same loop are written without a hand-over between threads.
     */
    private final class Registration implements EpollIoHandle {
        private final FileDescriptor fd = new FileDescriptor(tap.fd());
        private int failures;

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            EpollIoOps ops = ((EpollIoEvent) event).ops();
            if (ops.contains(EpollIoOps.EPOLLERR) || !running) {
                vanished();
                registration.cancel();
                releaseReadBuffer();
                return;
            }
            for (int i = 0; i < READ_BATCH && running; i++) {
                int r = readOne();
                if (r == 0) {
                    failures = 0;
                    return;
                }
                if (r < 0) {
                    if (++failures > 3) {
                        vanished();
                        registration.cancel();
                        releaseReadBuffer();
                    }
                    return;
                }
                failures = 0;
            }
        }

        @Override
        public void close() {
            // the descriptor belongs to the TapDevice, which closes it
        }
    }

    /** Stops reading and closes the device (the kernel removes a non-persistent TAP). */
    public void close() {
        running = false;
        if (eventLoop != null) {
            IoRegistration r = registration;
            // cancel on the loop itself, so that no read is under way when the descriptor closes
            eventLoop.submit(() -> {
                r.cancel();
                releaseReadBuffer();
            }).awaitUninterruptibly(2000);
        } else {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tap.close();
        if (!"vanished".equals(state)) {
            state = "closed";
        }
    }
}
