package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vnet.dataplane.forward.Frames;
import io.vnet.dataplane.forward.Offload;
import java.nio.charset.StandardCharsets;

/**
 * The TCP link record format. Every record is
 * <pre>
 *   u32 length   bytes after this field (at least 2)
 *   u8  version  1, or 2 for a FRAME that carries offload work
 *   u8  type     0 FRAME, 1 HELLO, 2 KEEPALIVE
 *   FRAME v1:  u24 VNI, then the Ethernet frame (length - 5 bytes)
 *   FRAME v2:  u24 VNI, the offload descriptor (10 bytes: the fields of Linux's
 *              virtio_net_hdr, big-endian: u8 flags, u8 gso type, u16 hdr len, u16 gso size,
 *              u16 csum start, u16 csum offset), then the frame (length - 15 bytes), which
 *              may be a TCP segment of up to 64 KB to be cut at gso size
 *   HELLO:     the sender's host id in UTF-8 (length - 2 bytes)
 *   KEEPALIVE: u64 the sender's monotonic clock in nanoseconds (a probe), or that and u64 0
 *              (the echo of a probe, sent only to a peer whose capabilities say "echo")
 * </pre>
 * All integers are big-endian. Version 1 is what every daemon reads. Once identified, a daemon
 * states its capabilities in a second HELLO whose body is {@code "+records V max N"}: the
 * highest record version V it reads (2 if it takes offloaded frames) and the largest ordinary
 * frame N it takes; an accepting daemon that takes further connections into the session adds
 * {@code "lanes K session TOKEN"} (see {@link Join}). A version-1 daemon ignores a HELLO on an identified link; until its peer
 * has said it reads version 2, a daemon sends ordinary frames only, segmenting offloaded ones
 * itself, and it sends no frame above N (see the forwarder's too-big handling).
 */
public final class Records {
    public static final int VERSION = 1;
    /** The version of FRAME records that carry an offload descriptor. */
    public static final int VERSION_OFFLOAD = 2;
    /** How the body of the capabilities HELLO starts. */
    public static final String CAPABILITIES = "+records ";
    /** Bytes of the offload descriptor in a version-2 FRAME. */
    public static final int OFFLOAD_DESCRIPTOR = 10;
    public static final int TYPE_FRAME = 0;
    public static final int TYPE_HELLO = 1;
    public static final int TYPE_KEEPALIVE = 2;
    /** Bytes before the frame in a FRAME record: length, version, type, VNI. */
    public static final int FRAME_HEADER = 9;
    /** Bytes of a FRAME record counted by its length field beside the frame itself. */
    public static final int FRAME_OVERHEAD = 5;

    private Records() {
    }

    /** A FRAME record; the receiver owns {@code frame}; {@code offload} as in {@link Offload}. */
    public record FrameRecord(int vni, ByteBuf frame, long offload) {
        public FrameRecord(int vni, ByteBuf frame) {
            this(vni, frame, Offload.NONE);
        }
    }

    public record Hello(String hostId) {
    }

    /** The most connections (lanes) one link's session may have, its first included. */
    public static final int MAX_LANES = 8;
    /** How the body of a HELLO that joins a further connection to a link's session starts. */
    public static final String JOIN = "+join ";

    /**
     * What an identified peer said it reads: the highest record version, the largest ordinary
     * frame, whether it takes keepalive echoes, and, from an accepting peer that takes further
     * connections (lanes) into the session, how many lanes in all (1: none) and the session's
     * token, which a joining connection must present.
     */
    public record Capabilities(int version, int maxFrame, boolean echo, int lanes, String session) {
        public Capabilities {
            if (lanes < 1 || lanes > MAX_LANES || (lanes > 1) != (session != null)) {
                throw new IllegalArgumentException("lanes " + lanes + " with session " + session);
            }
        }

        public Capabilities(int version, int maxFrame, boolean echo) {
            this(version, maxFrame, echo, 1, null);
        }

        public Capabilities(int version, int maxFrame) {
            this(version, maxFrame, false);
        }

        /**
         * Parses a capabilities HELLO body, or returns null if {@code body} is not one. A lane offer
         * that is not well formed (lanes outside 2..{@link #MAX_LANES}, a session that is not a
         * token) is read as no offer: the link works on one connection.
         */
        public static Capabilities parse(String body) {
            if (!body.startsWith(CAPABILITIES)) {
                return null;
            }
            String[] w = body.substring(CAPABILITIES.length()).split(" ");
            if (w.length == 0) {
                return null; // only spaces (found by fuzzing: split returns no word)
            }
            try {
                int v = Integer.parseInt(w[0]);
                int max = w.length >= 3 && w[1].equals("max") ? Integer.parseInt(w[2]) : Integer.MAX_VALUE;
                java.util.List<String> words = java.util.Arrays.asList(w);
                boolean echo = words.contains("echo");
                int lanes = 1;
                String session = null;
                int l = words.indexOf("lanes");
                int s = words.indexOf("session");
                if (l > 0 && s > 0 && l + 1 < w.length && s + 1 < w.length && isToken(w[s + 1])) {
                    int n = parseSmall(w[l + 1]);
                    if (n >= 2 && n <= MAX_LANES) {
                        lanes = n;
                        session = w[s + 1];
                    }
                }
                return v >= VERSION && max >= Frames.ETH_HEADER ? new Capabilities(v, max, echo, lanes, session) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        public String body() {
            return CAPABILITIES + version + " max " + maxFrame + (echo ? " echo" : "")
                    + (lanes > 1 ? " lanes " + lanes + " session " + session : "");
        }
    }

    /** Characters of a session token: 16 lower-case hexadecimal digits (64 random bits). */
    public static final int TOKEN_CHARS = 16;
    /**
     * The longest HELLO body read: a join (8 + 16 + 1 + a 63-character host id). A capabilities
     * body stays within 63 bytes, what daemons before lanes read.
     */
    public static final int MAX_HELLO = 127;

    /** Whether {@code s} is a session token: {@link #TOKEN_CHARS} lower-case hexadecimal digits. */
    static boolean isToken(String s) {
        if (s == null || s.length() != TOKEN_CHARS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** A decimal of at most two digits, else -1 (no exception, no overflow). */
    private static int parseSmall(String s) {
        if (s.isEmpty() || s.length() > 2) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * The HELLO of a further connection of a link's session (a lane): {@code "+join LANE TOKEN HOST"},
     * sent by the dialling daemon {@code hostId} once the accepting peer offered lanes. The
     * accepting peer takes it only with the session's token and, with TLS, the certificate of the
     * session's first connection.
     */
    public record Join(int lane, String session, String hostId) {
        /**
         * The join a HELLO body asks for, or null if {@code body} is not a join; a body that starts
         * as a join but is not a well-formed one throws {@link IllegalArgumentException}.
         */
        public static Join parse(String body) {
            if (!body.startsWith(JOIN)) {
                return null;
            }
            String[] w = body.substring(JOIN.length()).split(" ", 3);
            int lane = w.length == 3 ? parseSmall(w[0]) : -1;
            if (lane < 1 || lane >= MAX_LANES || !isToken(w[1]) || w[2].isEmpty()) {
                throw new IllegalArgumentException("malformed join (expected \"+join LANE TOKEN HOST\", lane 1.."
                        + (MAX_LANES - 1) + ")");
            }
            return new Join(lane, w[1], w[2]);
        }

        public String body() {
            return JOIN + lane + " " + session + " " + hostId;
        }
    }

    /**
     * A KEEPALIVE: a probe carries the sender's clock (8-byte body); an echo (16-byte body:
     * the probe's clock, then 8 bytes of zero) returns it, so the prober measures the round
     * trip on its own clock. Only a peer whose capabilities say {@code echo} is sent echoes.
     */
    public record Keepalive(long nanos, boolean echo) {
        public Keepalive(long nanos) {
            this(nanos, false);
        }
    }

    public static ByteBuf frameHeader(ByteBufAllocator alloc, int vni, int frameLength) {
        return frameHeader(alloc, vni, frameLength, Offload.NONE);
    }

    /** The header of a FRAME record: version 1 for an ordinary frame, else version 2 with the descriptor. */
    public static ByteBuf frameHeader(ByteBufAllocator alloc, int vni, int frameLength, long offload) {
        boolean v2 = offload != Offload.NONE;
        ByteBuf h = alloc.directBuffer(FRAME_HEADER + (v2 ? OFFLOAD_DESCRIPTOR : 0));
        h.writeInt(frameLength + FRAME_OVERHEAD + (v2 ? OFFLOAD_DESCRIPTOR : 0));
        h.writeByte(v2 ? VERSION_OFFLOAD : VERSION);
        h.writeByte(TYPE_FRAME);
        h.writeMedium(vni);
        if (v2) {
            Offload.writeWire(h, offload);
        }
        return h;
    }

    public static ByteBuf hello(ByteBufAllocator alloc, String hostId) {
        byte[] id = hostId.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = alloc.buffer(6 + id.length);
        b.writeInt(2 + id.length);
        b.writeByte(VERSION);
        b.writeByte(TYPE_HELLO);
        b.writeBytes(id);
        return b;
    }

    /** The HELLO by which a further connection joins a link's session (see {@link Join}). */
    public static ByteBuf join(ByteBufAllocator alloc, Join j) {
        return hello(alloc, j.body());
    }

    /** The HELLO by which an identified daemon states what it reads. */
    public static ByteBuf capabilities(ByteBufAllocator alloc, Capabilities c) {
        return hello(alloc, c.body());
    }

    /** A keepalive probe carrying this daemon's clock. */
    public static ByteBuf keepalive(ByteBufAllocator alloc, long nanos) {
        return keepalive(alloc, nanos, false);
    }

    /** The echo of a peer's keepalive probe: its clock, then 8 bytes of zero. */
    public static ByteBuf echo(ByteBufAllocator alloc, long nanos) {
        return keepalive(alloc, nanos, true);
    }

    private static ByteBuf keepalive(ByteBufAllocator alloc, long nanos, boolean echo) {
        int body = echo ? 16 : 8;
        ByteBuf b = alloc.buffer(6 + body);
        b.writeInt(2 + body);
        b.writeByte(VERSION);
        b.writeByte(TYPE_KEEPALIVE);
        b.writeLong(nanos);
        if (echo) {
            b.writeLong(0);
        }
        return b;
    }
}
