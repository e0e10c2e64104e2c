package io.vnet.dataplane.tap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One open TAP device: a non-blocking file descriptor on /dev/net/tun bound to a named
 * interface with IFF_TAP|IFF_NO_PI, so that each read or write is one whole Ethernet frame.
 */
public final class TapDevice implements AutoCloseable {
    private final String name;
    private volatile int fd;
    private final Memory pollfd = new Memory(8);
    private final long pollfdAddr = Pointer.nativeValue(pollfd);

    private TapDevice(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /** Opens (creating if absent) the TAP device {@code name}. */
    public static TapDevice open(String name) throws IOException {
        int fd = LinuxC.open("/dev/net/tun", LinuxC.O_RDWR | LinuxC.O_NONBLOCK | LinuxC.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open /dev/net/tun for TAP " + name + ": " + LinuxC.lastError());
        }
        try (Memory ifr = new Memory(40)) {
            ifr.clear();
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            ifr.write(0, n, 0, n.length);
            ifr.setShort(16, (short) (LinuxC.IFF_TAP | LinuxC.IFF_NO_PI));
            if (LinuxC.ioctl(fd, LinuxC.TUNSETIFF, Pointer.nativeValue(ifr)) < 0) {
                String err = LinuxC.lastError();
                LinuxC.close(fd);
                throw new IOException("cannot attach TAP device " + name + " (TUNSETIFF): " + err);
            }
        }
        return new TapDevice(name, fd);
    }

    public String name() {
        return name;
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
