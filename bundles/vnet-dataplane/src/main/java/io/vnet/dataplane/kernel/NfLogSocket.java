package io.vnet.dataplane.kernel;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * A netlink socket bound to one NFLOG group ({@code nfnetlink_log}), read by a thread of its own:
 * every packet nftables logs to the group ({@code log group N}) is handed to the consumer as a
 * {@link NfLogMessages.Packet}. Bound with JNA to libc's socket calls, as the TAP's are.
 */
public final class NfLogSocket implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NfLogSocket.class.getName());
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_NETFILTER = 12;
    static final int NFULNL_MSG_CONFIG = (4 << 8) | 1;
    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_ACK = 4;
    static final int NFULA_CFG_CMD = 1;
    static final int NFULA_CFG_MODE = 2;
    static final int NFULA_CFG_TIMEOUT = 4;
    static final int NFULA_CFG_QTHRESH = 5;
    static final int NFULNL_CFG_CMD_BIND = 1;
    static final int NFULNL_COPY_PACKET = 2;
    static final int BUFFER = 1 << 16;
    static final short POLLIN = 0x1;

    static {
        Native.register(NfLogSocket.class, NativeLibrary.getInstance("c"));
    }

    private static native int socket(int domain, int type, int protocol);

    private static native int bind(int fd, long addr, int len);

    private static native long write(int fd, long buf, long count);

    private static native long read(int fd, long buf, long count);

    private static native int poll(long fds, long nfds, int timeoutMs);

    private static native int close(int fd);

    private final int fd;
    private final Thread reader;
    private volatile boolean closed;
    private long received;
    private long unreadable;

    private NfLogSocket(int fd, int group, Consumer<NfLogMessages.Packet> onPacket) {
        this.fd = fd;
        this.reader = new Thread(() -> readLoop(onPacket), "vnet-nflog-" + group);
        reader.setDaemon(true);
    }

    /** Binds NFLOG group {@code group} (copying up to 256 bytes of each packet) and starts reading. */
    public static NfLogSocket open(int group, Consumer<NfLogMessages.Packet> onPacket) throws IOException {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (fd < 0) {
            throw new IOException("cannot open a netlink socket for NFLOG: errno " + Native.getLastError());
        }
        try (Memory addr = new Memory(12)) {
            addr.clear();
            addr.setShort(0, (short) AF_NETLINK);
            if (bind(fd, address(addr), 12) != 0) {
                throw new IOException("cannot bind the netlink socket: errno " + Native.getLastError());
            }
            config(fd, group, attr(NFULA_CFG_CMD, new byte[] {NFULNL_CFG_CMD_BIND, 0, 0, 0}, 1));
            // copy range (u32, big-endian) then mode (u8), padded
            config(fd, group, attr(NFULA_CFG_MODE, new byte[] {0, 0, 1, 0, NFULNL_COPY_PACKET, 0, 0, 0}, 6));
            // each packet at once: the kernel otherwise gathers up to 100 of them or waits a second
            config(fd, group, attr(NFULA_CFG_QTHRESH, new byte[] {0, 0, 0, 1}, 4));
            config(fd, group, attr(NFULA_CFG_TIMEOUT, new byte[] {0, 0, 0, 1}, 4));
        } catch (IOException | RuntimeException e) {
            close(fd);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        NfLogSocket s = new NfLogSocket(fd, group, onPacket);
        s.reader.start();
        LOG.log(Level.INFO, "reading NFLOG group " + group);
        return s;
    }

    private static long address(Memory m) {
        return com.sun.jna.Pointer.nativeValue(m);
    }

    /** One attribute: length (4 + {@code len}), type, value padded to 4 bytes. */
    private static byte[] attr(int type, byte[] padded, int len) {
        ByteBuffer b = ByteBuffer.allocate(4 + padded.length).order(ByteOrder.nativeOrder());
        b.putShort((short) (4 + len)).putShort((short) type).put(padded);
        return b.array();
    }

    /** Sends one configuration message for group {@code group} and reads its acknowledgement. */
    private static void config(int fd, int group, byte[] attr) throws IOException {
        ByteBuffer m = ByteBuffer.allocate(NfLogMessages.NLMSG_HDR + NfLogMessages.NFGEN_HDR + attr.length)
                .order(ByteOrder.nativeOrder());
        m.putInt(m.capacity()).putShort((short) NFULNL_MSG_CONFIG).putShort((short) (NLM_F_REQUEST | NLM_F_ACK))
                .putInt(1).putInt(0);
        m.put((byte) 0).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) group).order(ByteOrder.nativeOrder());
        m.put(attr);
        try (Memory buf = new Memory(BUFFER)) {
            buf.write(0, m.array(), 0, m.capacity());
            if (write(fd, address(buf), m.capacity()) != m.capacity()) {
                throw new IOException("cannot configure NFLOG: errno " + Native.getLastError());
            }
            long n = read(fd, address(buf), BUFFER);
            if (n < NfLogMessages.NLMSG_HDR + 4) {
                throw new IOException("no answer configuring NFLOG: errno " + Native.getLastError());
            }
            int type = buf.getShort(4) & 0xFFFF;
            int error = buf.getInt(NfLogMessages.NLMSG_HDR);
            if (type == NfLogMessages.NLMSG_ERROR && error != 0) {
                throw new IOException("the kernel refused the NFLOG configuration: errno " + -error
                        + (error == -1 ? " (needs CAP_NET_ADMIN)" : ""));
            }
        }
    }

    private void readLoop(Consumer<NfLogMessages.Packet> onPacket) {
        try (Memory buf = new Memory(BUFFER); Memory pfd = new Memory(8)) {
            byte[] bytes = new byte[BUFFER];
            while (!closed) {
                pfd.setInt(0, fd);
                pfd.setShort(4, POLLIN);
                pfd.setShort(6, (short) 0);
                if (poll(address(pfd), 1, 500) <= 0) {
                    continue;
                }
                long n = read(fd, address(buf), BUFFER);
                if (n <= 0) {
                    continue; // ENOBUFS: the kernel dropped messages; go on
                }
                buf.read(0, bytes, 0, (int) n);
                for (NfLogMessages.Packet p : NfLogMessages.parse(bytes, (int) n)) {
                    received++;
                    try {
                        onPacket.accept(p);
                    } catch (RuntimeException e) {
                        unreadable++;
                        LOG.log(Level.WARNING, "handling a logged frame: " + e);
                    }
                }
            }
        }
    }

    /** Packets read so far. */
    public long received() {
        return received;
    }

    @Override
    public void close() {
        closed = true;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(fd);
    }
}
