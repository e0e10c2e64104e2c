package io.vnet.dataplane.tap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.vnet.dataplane.forward.Offload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One open TAP device: a non-blocking file descriptor on /dev/net/tun bound to a named
 * interface with IFF_TAP|IFF_NO_PI, so that each read or write is one whole Ethernet frame.
 * With offloads on (IFF_VNET_HDR and TUNSETOFFLOAD: checksum, TSO4, TSO6, ECN) every frame is
 * preceded by a 10-byte virtio_net_hdr, and reads may return TCP segments of up to 64 KB whose
 * checksum is left to complete, so that a VM's large send crosses user space in one read.
 */
public final class TapDevice implements AutoCloseable {
    /** Per writing thread: the virtio_net_hdr at 0 (native byte order, as the driver reads it) and two iovecs at 16. */
    private static final ThreadLocal<Memory> IOV = ThreadLocal.withInitial(() -> new Memory(48));

    private final String name;
    private final boolean offloads;
    private volatile int fd;
    private final Memory pollfd = new Memory(8);
    private final long pollfdAddr = Pointer.nativeValue(pollfd);

    private TapDevice(String name, int fd, boolean offloads) {
        this.name = name;
        this.fd = fd;
        this.offloads = offloads;
    }

    /** Opens (creating if absent) the TAP device {@code name}, without offloads. */
    public static TapDevice open(String name) throws IOException {
        return open(name, false);
    }

    /** Opens (creating if absent) the TAP device {@code name}, with or without offloads. */
    public static TapDevice open(String name, boolean offloads) throws IOException {
        int fd = LinuxC.open("/dev/net/tun", LinuxC.O_RDWR | LinuxC.O_NONBLOCK | LinuxC.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open /dev/net/tun for TAP " + name + ": " + LinuxC.lastError());
        }
        try (Memory ifr = new Memory(40)) {
            ifr.clear();
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            ifr.write(0, n, 0, n.length);
            short flags = (short) (LinuxC.IFF_TAP | LinuxC.IFF_NO_PI | (offloads ? LinuxC.IFF_VNET_HDR : 0));
            ifr.setShort(16, flags);
            if (LinuxC.ioctl(fd, LinuxC.TUNSETIFF, Pointer.nativeValue(ifr)) < 0) {
                String err = LinuxC.lastError();
                LinuxC.close(fd);
                throw new IOException("cannot attach TAP device " + name + " (TUNSETIFF): " + err);
            }
            if (offloads) {
                ifr.setInt(0, VIRTIO_HDR);
                int features = LinuxC.TUN_F_CSUM | LinuxC.TUN_F_TSO4 | LinuxC.TUN_F_TSO6 | LinuxC.TUN_F_TSO_ECN;
                if (LinuxC.ioctl(fd, LinuxC.TUNSETVNETHDRSZ, Pointer.nativeValue(ifr)) < 0
                        || LinuxC.ioctl(fd, LinuxC.TUNSETOFFLOAD, features) < 0) {
                    String err = LinuxC.lastError();
                    LinuxC.close(fd);
                    throw new IOException("cannot turn on offloads of TAP device " + name + ": " + err);
                }
            }
        }
        return new TapDevice(name, fd, offloads);
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

    /** The file descriptor, for an event loop to watch. */
    public int fd() {
        return fd;
    }

    /** Reads one frame into memory at {@code addr}; returns its length, or -1 if none is ready. */
    public int read(long addr, int capacity) {
        return (int) LinuxC.read(fd, addr, capacity);
    }

    /** Writes one frame; returns false if the device refused it (queue full, down or gone). */
    public boolean write(long addr, int length) {
        return LinuxC.write(fd, addr, length) == length;
    }

    /**
     * Writes one frame preceded by its virtio_net_hdr (the TAP must have offloads), in one
     * {@code writev}: the header from {@code offload}, the frame from its own memory. Returns
     * false if the device refused it.
     */
    public boolean write(long offload, long addr, int length) {
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
        return LinuxC.writev(fd, base + 16, 2) == VIRTIO_HDR + length;
    }

    /**
     * Waits up to {@code timeoutMs} for a frame.
     *
     * @return 1 readable, 0 timeout, -1 the device is gone or broken
     */
    public int awaitReadable(int timeoutMs) {
        pollfd.setInt(0, fd);
        pollfd.setShort(4, LinuxC.POLLIN);
        pollfd.setShort(6, (short) 0);
        int r = LinuxC.poll(pollfdAddr, 1, timeoutMs);
        if (r < 0) {
            return 0; // EINTR; the caller loops
        }
        if (r == 0) {
            return 0;
        }
        short revents = pollfd.getShort(6);
        if ((revents & (LinuxC.POLLERR | LinuxC.POLLHUP | LinuxC.POLLNVAL)) != 0) {
            return -1;
        }
        return 1;
    }

    /** The address of a direct buffer's first byte. */
    public static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LinuxC.close(fd);
            fd = -1;
        }
    }
}
