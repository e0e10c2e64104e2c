package io.vnet.dataplane.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads what the kernel's NFLOG sends over netlink ({@code nfnetlink_log}): each message is a
 * {@code nlmsghdr} (16 bytes), an {@code nfgenmsg} (4) and attributes (type, length, value, padded
 * to 4). The frames in them are tenants' frames, and the lengths are read as hostile: a message or
 * attribute that claims more than is there ends the reading; nothing is read outside the buffer.
 * Kept per packet: the bridge port it came in by ({@code NFULA_IFINDEX_PHYSINDEV}) and the frame
 * (the 14-byte Ethernet header {@code NFULA_HWHEADER} followed by {@code NFULA_PAYLOAD}).
 */
public final class NfLogMessages {
    static final int NLMSG_HDR = 16;
    static final int NFGEN_HDR = 4;
    /** nfnetlink subsystem 4 (ULOG), message 0 (PACKET). */
    static final int NFULNL_MSG_PACKET = 4 << 8;
    static final int NLMSG_ERROR = 2;
    static final int NFULA_IFINDEX_PHYSINDEV = 6;
    static final int NFULA_PAYLOAD = 9;
    static final int NFULA_HWHEADER = 16;
    static final int ETH_HEADER = 14;
    /** Frames longer than this are cut (an announcement needs 42 bytes). */
    public static final int MAX_FRAME = 256;

    /** One logged frame: the bridge port (interface index) it arrived on, the frame from its Ethernet header. */
    public record Packet(int port, byte[] frame) {
    }

    private NfLogMessages() {
    }

    /** The packets in the first {@code len} bytes of {@code buf} (as many as are whole). */
    public static List<Packet> parse(byte[] buf, int len) {
        List<Packet> out = new ArrayList<>();
        int end = Math.max(0, Math.min(len, buf.length));
        int off = 0;
        while (end - off >= NLMSG_HDR) {
            long msgLen = u32(buf, off);
            int type = u16(buf, off + 4);
            if (msgLen < NLMSG_HDR || msgLen > end - off) {
                break;
            }
            int msgEnd = off + (int) msgLen;
            if (type == NFULNL_MSG_PACKET && msgLen >= NLMSG_HDR + NFGEN_HDR) {
                Packet p = packet(buf, off + NLMSG_HDR + NFGEN_HDR, msgEnd);
                if (p != null) {
                    out.add(p);
                }
            }
            off += align((int) msgLen);
        }
        return out;
    }

    private static Packet packet(byte[] buf, int off, int end) {
        int port = -1;
        byte[] hw = null;
        byte[] payload = null;
        while (end - off >= 4) {
            int attrLen = u16(buf, off);
            int attrType = u16(buf, off + 2) & 0x7FFF;
            if (attrLen < 4 || attrLen > end - off) {
                break;
            }
            int v = off + 4;
            int vLen = attrLen - 4;
            if (attrType == NFULA_IFINDEX_PHYSINDEV && vLen == 4) {
                port = (int) (((long) (buf[v] & 0xFF) << 24) | ((buf[v + 1] & 0xFF) << 16) | ((buf[v + 2] & 0xFF) << 8)
                        | (buf[v + 3] & 0xFF));
            } else if (attrType == NFULA_HWHEADER && vLen == ETH_HEADER) {
                hw = Arrays.copyOfRange(buf, v, v + vLen);
            } else if (attrType == NFULA_PAYLOAD) {
                payload = Arrays.copyOfRange(buf, v, v + Math.min(vLen, MAX_FRAME - ETH_HEADER));
            }
            off += align(attrLen);
        }
        if (port < 0 || hw == null || payload == null) {
            return null;
        }
        byte[] frame = Arrays.copyOf(hw, ETH_HEADER + payload.length);
        System.arraycopy(payload, 0, frame, ETH_HEADER, payload.length);
        return new Packet(port, frame);
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Netlink headers are in the host's byte order (little-endian here); attribute values of nfnetlink are big-endian. */
    private static long u32(byte[] b, int i) {
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }
}
