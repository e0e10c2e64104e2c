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
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.vnet.api.DropReason;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.FlowHash;
import io.vnet.dataplane.forward.Offload;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local interface: frames read from the TAP go to the forwarder; frames sent here are
 * written to the TAP and so reach the bridge and its VMs. A TAP that vanishes (deleted under
 * the daemon) is reported in the log and in its state; the daemon keeps running.
 *
 * <p>A multi-queue TAP ({@link TapDevice}) is read by several readers, one per queue: on an
 * epoll event loop group each queue is a registration of its own on a different loop (queue
 * {@code i} on the {@code i}-th loop from the one {@code group.next()} gives, modulo the loops),
 * elsewhere a thread per queue. The kernel gives all frames of a flow to one queue, so a flow
 * is read by one reader and keeps its order. A frame sent from an event loop that reads one of
 * the queues is written on that queue; from any other thread, on the queue its flow hashes to.
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
    private volatile boolean running = true;
    private final int readCapacity;
    /** One reader per queue of the device, by queue index. */
    private final Queue[] queues;
    private volatile String state = "up";

    private TapPort(InterfaceSpec spec, TapDevice tap, Forwarder forwarder, ByteBufAllocator alloc) {
        this.spec = spec;
        this.portId = "interface:" + spec.id();
        this.tap = tap;
        this.forwarder = forwarder;
        this.alloc = alloc;
        this.readCapacity = (tap.offloads() ? TapDevice.VIRTIO_HDR + MAX_GSO_FRAME : spec.maxFrame() + 64);
        this.queues = new Queue[tap.queues()];
        for (int q = 0; q < queues.length; q++) {
            queues[q] = new Queue(q);
        }
    }

    /**
     * Opens the TAP with {@code queues} queues (1: an ordinary TAP; more: a multi-queue TAP, see
     * {@link TapDevice}), with offloads (TSO, checksum) if {@code offloads}, and plugs it into its
     * bridge (created if missing); {@link #start(EventLoopGroup)} or {@link #start()} starts reading. Where the device cannot take
     * several queues (one of its name exists already as a single-queue TAP, say), it is opened
     * with one queue and a warning says why: the interface works, read by one reader.
     *
     * @throws IllegalArgumentException if {@code queues} is not 1..{@link TapDevice#MAX_QUEUES}
     */
    public static TapPort open(InterfaceSpec spec, Forwarder forwarder, ByteBufAllocator alloc, boolean offloads,
                               int queues) throws IOException {
        TapDevice tap;
        try {
            tap = TapDevice.open(spec.id(), offloads, queues);
        } catch (IOException e) {
            if (queues == 1) {
                throw e;
            }
            tap = TapDevice.open(spec.id(), offloads, 1);
            LOG.log(Level.WARNING, "TAP " + spec.id() + ": opened with one queue instead of " + queues + ": "
                    + e.getMessage());
        }
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

    /** Starts reading, a thread per queue; call after the port is registered with the forwarder. */
    public void start() {
        for (Queue q : queues) {
            q.startThread();
        }
    }

    /**
     * Starts reading: each queue on an event loop of {@code group} if it is an epoll group (the
     * queues on different loops, see the class comment), else each in a thread of its own. Call
     * after the port is registered with the forwarder.
     */
    public void start(EventLoopGroup group) {
        List<IoEventLoop> usable = new ArrayList<>();
        for (EventExecutor e : group) {
            if (e instanceof IoEventLoop loop && loop.isCompatible(Registration.class)) {
                usable.add(loop);
            }
        }
        if (usable.isEmpty()) {
            start();
            return;
        }
        int first = Math.max(0, usable.indexOf(group.next())); // spreads the TAPs' first queues over the loops
        for (Queue q : queues) {
            if (!q.register(usable.get((first + q.index) % usable.size()))) {
                q.startThread();
            }
        }
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
                + (tap.offloads() ? ", offloads" : "") + (queues.length > 1 ? ", queues " + queues.length : ""));
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

    /** Whether the TAP is read by event loops (else by threads of its own). */
    public boolean readsOnEventLoop() {
        return readLoops() > 0;
    }

    /** How many queues the TAP has: as many readers read it. */
    public int queues() {
        return queues.length;
    }

    /** How many different event loops read the TAP's queues (0: threads read them). */
    public int readLoops() {
        return (int) java.util.Arrays.stream(queues).map(q -> q.loop).filter(java.util.Objects::nonNull).distinct().count();
    }

    /** Frames read on queue {@code queue} so far. */
    long framesRead(int queue) {
        return queues[queue].read.sum();
    }

    /** Frames written on queue {@code queue} so far (refused ones not counted). */
    long framesWritten(int queue) {
        return queues[queue].written.sum();
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
        write(vni, frame, offload);
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        write(vni, frame, Offload.NONE);
    }

    /** Writes one frame (with its virtio_net_hdr if the TAP has offloads) and releases it. */
    private void write(int vni, ByteBuf frame, long offload) {
        try {
            int len = frame.readableBytes();
            if (!running) {
                counters.drop(DropReason.TAP_FULL);
                return;
            }
            int q = writeQueue(vni, frame);
            long addr = frameAddress(frame, len);
            if (tap.offloads() ? tap.write(q, offload, addr, len) : tap.write(q, addr, len)) {
                counters.out(len);
                queues[q].written.increment();
            } else {
                counters.drop(DropReason.TAP_FULL);
            }
        } finally {
            frame.release();
        }
    }

    /**
     * The queue to write {@code frame} on. An event loop that reads a queue writes on it (the
     * first, if it reads several). Any other thread writes on the queue the frame's flow hashes
     * to, rather than always on queue 0: the kernel sends the replies of a flow to the queue that
     * last wrote it, so hashing spreads those replies over the loops instead of piling them on
     * queue 0's, and a flow still keeps to one queue. Order holds either way: a write hands its
     * frame to the bridge before it returns, whatever the queue, so one thread's frames keep
     * their order.
     */
    private int writeQueue(int vni, ByteBuf frame) {
        int n = queues.length;
        if (n == 1) {
            return 0;
        }
        for (Queue q : queues) {
            IoEventLoop loop = q.loop;
            if (loop != null && loop.inEventLoop()) {
                return q.index;
            }
        }
        return Math.floorMod(FlowHash.of(vni, frame), n);
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

    /** Reports the device gone, once (each queue's reader may find it so). */
    private synchronized void vanished() {
        if (running && !"vanished".equals(state)) {
            state = "vanished";
            LOG.log(Level.ERROR, "TAP device " + spec.id() + " (vni " + spec.network().vni()
                    + ") vanished or failed; frames for it are dropped until it is added again");
        }
    }

    /**
     * One queue of the TAP and its one reader (an event loop's registration or a thread), which
     * alone touches the queue's read buffer.
     */
    private final class Queue {
        final int index;
        final LongAdder read = new LongAdder();
        final LongAdder written = new LongAdder();
        private ByteBuf big;
        private long bigAddr;
        private volatile IoEventLoop loop;
        private volatile IoRegistration registration;
        private volatile Thread reader;

        Queue(int index) {
            this.index = index;
        }

        /** Reads this queue on {@code loop}; false (with a warning) if the loop refused the registration. */
        boolean register(IoEventLoop loop) {
            Future<IoRegistration> f = loop.register(new Registration(this)).awaitUninterruptibly();
            if (!f.isSuccess()) {
                LOG.log(Level.WARNING, "TAP " + spec.id() + queueName() + ": cannot read it on an event loop ("
                        + f.cause() + "); using a thread");
                return false;
            }
            registration = f.getNow();
            registration.submit(EpollIoOps.EPOLLIN);
            this.loop = loop;
            return true;
        }

        void startThread() {
            Thread t = new Thread(this::readLoop, "vnet-tap-" + spec.id() + (queues.length > 1 ? "-q" + index : ""));
            t.setDaemon(true);
            reader = t;
            t.start();
        }

        private String queueName() {
            return queues.length > 1 ? " queue " + index : "";
        }

        /**
         * Reads one frame and forwards it. Returns 1 if a frame was read, 0 if none was ready, -1
         * if the read failed.
         */
        int readOne() {
            if (big == null) {
                // a large frame is handed on in the buffer it was read into; small ones are copied out
                big = alloc.directBuffer(readCapacity, readCapacity);
                bigAddr = big.hasMemoryAddress() ? big.memoryAddress() : TapDevice.address(big.nioBuffer(0, readCapacity));
            }
            int n = tap.read(index, bigAddr, readCapacity);
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
            read.increment();
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
            forwarder.forward(TapPort.this, spec.network().vni(), frame, offload);
            return 1;
        }

        void releaseReadBuffer() {
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
                    int ready = tap.awaitReadable(index, 100);
                    if (ready < 0 || (ready > 0 && r < 0 && ++failures > 3 && !IpCommand.exists(spec.id()))) {
                        vanished();
                        break;
                    }
                }
            } finally {
                releaseReadBuffer();
            }
        }

        /** Stops the reader: the registration cancelled on its own loop (none reading when it returns), or the thread ended. */
        Future<?> stop() {
            IoEventLoop l = loop;
            if (l != null) {
                IoRegistration r = registration;
                Runnable cancel = () -> {
                    r.cancel();
                    releaseReadBuffer();
                };
                if (l.inEventLoop()) {
                    cancel.run();
                    return null;
                }
                return l.submit(cancel);
            }
            Thread t = reader;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        }
    }

    /**
     * On an epoll event loop a queue's file descriptor is one more registration of the loop:
     * when it is readable the loop reads a batch of frames, and frames for links served by the
     * same loop are written without a hand-over between threads.
     */
    private final class Registration implements EpollIoHandle {
        private final Queue queue;
        private final FileDescriptor fd;
        private int failures;

        Registration(Queue queue) {
            this.queue = queue;
            this.fd = new FileDescriptor(tap.fd(queue.index));
        }

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
                queue.releaseReadBuffer();
                return;
            }
            for (int i = 0; i < READ_BATCH && running; i++) {
                int r = queue.readOne();
                if (r == 0) {
                    failures = 0;
                    return;
                }
                if (r < 0) {
                    if (++failures > 3) {
                        vanished();
                        registration.cancel();
                        queue.releaseReadBuffer();
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

    /**
     * Stops reading (each queue's registration cancelled on its own loop, or its thread ended)
     * and closes the device (the kernel removes a non-persistent TAP).
     */
    public void close() {
        running = false;
        List<Future<?>> cancels = new ArrayList<>();
        for (Queue q : queues) {
            Future<?> f = q.stop();
            if (f != null) {
                cancels.add(f);
            }
        }
        for (Future<?> f : cancels) {
            f.awaitUninterruptibly(2000);
        }
        tap.close();
        if (!"vanished".equals(state)) {
            state = "closed";
        }
    }
}
