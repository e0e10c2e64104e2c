package io.vnet.dataplane.tap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.vnet.dataplane.forward.Offload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One open TAP device: non-blocking file descriptors on /dev/net/tun bound to a named
 * interface with IFF_TAP|IFF_NO_PI, so that each read or write is one whole Ethernet frame.
 * With offloads on (IFF_VNET_HDR and TUNSETOFFLOAD: checksum, TSO4, TSO6, ECN) every frame is
 * preceded by a 10-byte virtio_net_hdr, and reads may return TCP segments of up to 64 KB whose
 * checksum is left to complete, so that a VM's large send crosses user space in one read.
 *
 * <p>A device opened with more than one queue is a multi-queue TAP (IFF_MULTI_QUEUE): one
 * descriptor per queue, all attached to the same interface. The kernel hands each frame it
 * sends to the TAP to one queue, by flow (a flow's frames all go to one queue, and to the queue
 * that last wrote that flow's frames where it knows one), so that several readers share the
 * device without reordering a flow. A frame may be written on any queue. With one queue the
 * device is opened exactly as a single-queue TAP, without IFF_MULTI_QUEUE.
 */
public final class TapDevice implements AutoCloseable {
    /** The most queues a device is opened with here (the kernel allows 256). */
    public static final int MAX_QUEUES = 16;
    /** Per writing thread: the virtio_net_hdr at 0 (native byte order, as the driver reads it) and two iovecs at 16. */
    private static final ThreadLocal<Memory> IOV = ThreadLocal.withInitial(() -> new Memory(48));

    private final String name;
    private final boolean offloads;
    private final int queues;
    /** One descriptor per queue; replaced by an array of -1 when closed. */
    private volatile int[] fds;
    /** One struct pollfd per queue, so that each queue's reader waits on its own. */
    private final Memory pollfds;
    private final long pollfdsAddr;

    private TapDevice(String name, int[] fds, boolean offloads) {
        this.name = name;
        this.fds = fds;
        this.queues = fds.length;
        this.offloads = offloads;
        this.pollfds = new Memory(8L * fds.length);
        this.pollfdsAddr = Pointer.nativeValue(pollfds);
    }

    /** Opens (creating if absent) the single-queue TAP device {@code name}, with or without offloads. */
    public static TapDevice open(String name, boolean offloads) throws IOException {
        return open(name, offloads, 1);
    }

    /**
     * Opens (creating if absent) the TAP device {@code name} with {@code queues} queues, with or
     * without offloads: one queue is an ordinary TAP; more make it a multi-queue TAP, and then a
     * device of that name that exists already must be a multi-queue TAP with the same flags.
     *
     * @throws IllegalArgumentException if {@code queues} is not 1..{@link #MAX_QUEUES}
     * @throws IOException if a queue cannot be opened or attached (every queue opened is closed again)
     */
    public static TapDevice open(String name, boolean offloads, int queues) throws IOException {
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("TAP device " + name + ": " + queues + " queues asked for, expected 1.."
                    + MAX_QUEUES);
        }
        short flags = (short) (LinuxC.IFF_TAP | LinuxC.IFF_NO_PI | (offloads ? LinuxC.IFF_VNET_HDR : 0)
                | (queues > 1 ? LinuxC.IFF_MULTI_QUEUE : 0));
        int[] fds = new int[queues];
        int opened = 0;
        try {
            for (; opened < queues; opened++) {
                fds[opened] = attach(name, flags, offloads, queues > 1 ? "queue " + opened + " of " : "");
            }
        } finally {
            if (opened < queues) {
                for (int q = 0; q < opened; q++) {
                    LinuxC.close(fds[q]);
                }
            }
        }
        return new TapDevice(name, fds, offloads);
    }

    /**
     * Opens /dev/net/tun and attaches it to {@code name} with {@code flags}, turning on offloads if
     * asked; returns the descriptor. {@code which} names the queue in messages ("" for a single one).
     */
    private static int attach(String name, short flags, boolean offloads, String which) throws IOException {
        int fd = LinuxC.open("/dev/net/tun", LinuxC.O_RDWR | LinuxC.O_NONBLOCK | LinuxC.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open /dev/net/tun for " + which + "TAP " + name + ": " + LinuxC.lastError());
        }
        try (Memory ifr = new Memory(40)) {
            ifr.clear();
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            ifr.write(0, n, 0, n.length);
            ifr.setShort(16, flags);
            if (LinuxC.ioctl(fd, LinuxC.TUNSETIFF, Pointer.nativeValue(ifr)) < 0) {
                int errno = LinuxC.errno();
                String err = LinuxC.lastError();
                LinuxC.close(fd);
                boolean multi = (flags & LinuxC.IFF_MULTI_QUEUE) != 0;
                throw new IOException("cannot attach " + which + "TAP device " + name + " (TUNSETIFF): " + err
                        + (multi && errno == LinuxC.EINVAL ? "; a device of that name may exist already as a"
                        + " single-queue TAP, or with other flags" : ""));
            }
            if (offloads) {
                ifr.setInt(0, VIRTIO_HDR);
                int features = LinuxC.TUN_F_CSUM | LinuxC.TUN_F_TSO4 | LinuxC.TUN_F_TSO6 | LinuxC.TUN_F_TSO_ECN;
                if (LinuxC.ioctl(fd, LinuxC.TUNSETVNETHDRSZ, Pointer.nativeValue(ifr)) < 0
                        || LinuxC.ioctl(fd, LinuxC.TUNSETOFFLOAD, features) < 0) {
                    String err = LinuxC.lastError();
                    LinuxC.close(fd);
                    throw new IOException("cannot turn on offloads of " + which + "TAP device " + name + ": " + err);
                }
            }
        }
        return fd;
    }

    /** Bytes of the virtio_net_hdr before each frame when offloads are on. */
    public static final int VIRTIO_HDR = 10;

    /** Whether every read and write carries a virtio_net_hdr before the frame. */
    public boolean offloads() {
        return offloads;
    }

    public String name() {
        return name;
    }

    /** How many queues (file descriptors) the device has. */
    public int queues() {
        return queues;
    }

    /** Queue {@code queue}'s file descriptor (-1 once closed), for an event loop to watch. */
    public int fd(int queue) {
        return fds[queue];
    }

    /** Reads one frame from queue {@code queue} into memory at {@code addr}; returns its length, or -1 if none is ready. */
    public int read(int queue, long addr, int capacity) {
        return (int) LinuxC.read(fds[queue], addr, capacity);
    }

    /** Writes one frame on queue {@code queue}; returns false if the device refused it (queue full, down or gone). */
    public boolean write(int queue, long addr, int length) {
        return LinuxC.write(fds[queue], addr, length) == length;
    }

    /**
     * Writes one frame preceded by its virtio_net_hdr (the TAP must have offloads) on queue
     * {@code queue}, in one {@code writev}: the header from {@code offload}, the frame from its
     * own memory. Returns false if the device refused it.
     */
    public boolean write(int queue, long offload, long addr, int length) {
        Memory m = IOV.get();
        long base = Pointer.nativeValue(m);
        m.setByte(0, (byte) Offload.flags(offload));
        m.setByte(1, (byte) Offload.gsoType(offload));
        m.setShort(2, (short) Offload.hdrLen(offload));
        m.setShort(4, (short) Offload.gsoSize(offload));
        m.setShort(6, (short) Offload.csumStart(offload));
        m.setShort(8, (short) Offload.csumOffset(offload));
        m.setLong(16, base);
        m.setLong(24, VIRTIO_HDR);
        m.setLong(32, addr);
        m.setLong(40, length);
        return LinuxC.writev(fds[queue], base + 16, 2) == VIRTIO_HDR + length;
    }

    /**
     * Waits up to {@code timeoutMs} for a frame on queue {@code queue}. One waiter per queue at a time.
     *
     * @return 1 readable, 0 timeout, -1 the device is gone or broken
     */
    public int awaitReadable(int queue, int timeoutMs) {
        long off = 8L * queue;
        pollfds.setInt(off, fds[queue]);
        pollfds.setShort(off + 4, LinuxC.POLLIN);
        pollfds.setShort(off + 6, (short) 0);
        int r = LinuxC.poll(pollfdsAddr + off, 1, timeoutMs);
        if (r < 0) {
            return 0; // EINTR; the caller loops
        }
        if (r == 0) {
            return 0;
        }
        short revents = pollfds.getShort(off + 6);
        if ((revents & (LinuxC.POLLERR | LinuxC.POLLHUP | LinuxC.POLLNVAL)) != 0) {
            return -1;
        }
        return 1;
    }

    /** The address of a direct buffer's first byte. */
    public static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /** Closes every queue's descriptor (the kernel removes a non-persistent TAP with its last one). */
    @Override
    public synchronized void close() {
        int[] open = fds;
        if (open[0] < 0) {
            return;
        }
        int[] closed = new int[open.length];
        java.util.Arrays.fill(closed, -1);
        fds = closed;
        for (int fd : open) {
            LinuxC.close(fd);
        }
    }
}
