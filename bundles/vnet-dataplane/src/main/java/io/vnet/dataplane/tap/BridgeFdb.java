package io.vnet.dataplane.tap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux bridge's forwarding database, as the kernel lists it in
 * {@code /sys/class/net/BRIDGE/brforward}: records of 16 bytes (struct __fdb_entry: the MAC,
 * the low byte of the port number, whether the address is the bridge's own, the ageing timer,
 * the high byte of the port number, padding). The kernel drops a port's entries when the port
 * goes, so an address found on a VM's port means the VM is still behind the bridge.
 */
public final class BridgeFdb {
    public static final int ENTRY = 16;
    /** The most bytes read (65,536 entries); a longer listing is cut there. */
    public static final int MAX_BYTES = ENTRY << 16;

    private BridgeFdb() {
    }

    /** Whether the record at {@code off} is one of the bridge's own addresses. */
    public static boolean isLocal(byte[] b, int off) {
        return b[off + 7] != 0;
    }

    /** The bridge port number of the record at {@code off}. */
    public static int portAt(byte[] b, int off) {
        return (b[off + 12] & 0xFF) << 8 | (b[off + 6] & 0xFF);
    }

    /**
     * Whether {@code fdb[0..len)} lists {@code mac} on a port other than {@code ownPort} (and not
     * as one of the bridge's own addresses). A trailing partial record is ignored.
     */
    static boolean onOtherPort(byte[] fdb, int len, long mac, int ownPort) {
        int end = Math.min(len, fdb.length) / ENTRY * ENTRY;
        for (int off = 0; off + ENTRY <= end; off += ENTRY) {
            if (macAt(fdb, off) != mac) {
                continue;
            }
            boolean local = fdb[off + 7] != 0;
            int port = (fdb[off + 12] & 0xFF) << 8 | (fdb[off + 6] & 0xFF);
            if (!local && port != ownPort) {
                return true;
            }
        }
        return false;
    }

    /** The MAC of the record at {@code off}. */
    public static long macAt(byte[] b, int off) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | (b[off + i] & 0xFF);
        }
        return m;
    }

    /** The bridge port number of device {@code dev} ({@code /sys/class/net/DEV/brport/port_no}, e.g. "0x2"). */
    public static int portNumber(Path sys, String dev) throws IOException {
        String s = Files.readString(sys.resolve(dev).resolve("brport/port_no")).trim();
        try {
            int n = s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s);
            if (n < 0 || n > 0xFFFF) {
                throw new IOException("port number " + s + " of " + dev + " is out of range");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("cannot read the port number '" + s + "' of " + dev);
        }
    }

    /** Reads at most {@link #MAX_BYTES} of bridge {@code bridge}'s listing into {@code buf}; returns the length. */
    public static int read(Path sys, String bridge, byte[] buf) throws IOException {
        try (InputStream in = Files.newInputStream(sys.resolve(bridge).resolve("brforward"))) {
            int n = 0;
            int max = Math.min(buf.length, MAX_BYTES);
            while (n < max) {
                int r = in.read(buf, n, max - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return n;
        }
    }
}
