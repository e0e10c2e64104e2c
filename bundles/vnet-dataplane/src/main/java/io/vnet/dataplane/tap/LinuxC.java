package io.vnet.dataplane.tap;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The few libc calls the TAP path needs, bound with JNA direct mapping. Buffers are passed
 * as raw addresses ({@code long}) so that the hot path allocates nothing.
 */
final class LinuxC {
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    /** One more queue (file descriptor) of a TAP that has several; every queue's TUNSETIFF carries it. */
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_VNET_HDR = 0x4000;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    static final int TUN_F_TSO_ECN = 0x08;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static {
        Native.register(LinuxC.class, NativeLibrary.getInstance("c"));
    }

    private LinuxC() {
    }

    static native int open(String path, int flags);

    static native int close(int fd);

    static native int ioctl(int fd, long request, long arg);

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    /** {@code const struct iovec *iov} as an address. */
    static native long writev(int fd, long iov, int iovcnt);

    /** {@code struct pollfd *fds} as an address. */
    static native int poll(long fds, long nfds, int timeoutMs);

    static final int EAGAIN = 11;
    static final int EINVAL = 22;

    /** errno of this thread's last call. */
    static int errno() {
        return Native.getLastError();
    }

    static String lastError() {
        int errno = Native.getLastError();
        return errno == 0 ? "unknown error" : "errno " + errno + " (" + strerror(errno) + ")";
    }

    private static String strerror(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted: run as root or with CAP_NET_ADMIN";
            case 2 -> "no such file or directory";
            case 5 -> "input/output error";
            case 9 -> "bad file descriptor";
            case 13 -> "permission denied";
            case 16 -> "device or resource busy: another process holds this TAP";
            case 19 -> "no such device";
            case 22 -> "invalid argument";
            case 77 -> "file descriptor in bad state: the device was removed";
            default -> "see errno(3)";
        };
    }
}
