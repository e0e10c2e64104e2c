package io.vnet.api;

/** A 48-bit IEEE 802 MAC address, kept as the low 48 bits of a long. */
public final class MacAddress implements Comparable<MacAddress> {
    public static final long BROADCAST_BITS = 0xFFFF_FFFF_FFFFL;
    public static final MacAddress BROADCAST = new MacAddress(BROADCAST_BITS);

    private final long bits;

    private MacAddress(long bits) {
        this.bits = bits;
    }

    /** The address whose 48 bits are the low bits of {@code bits}; higher bits must be zero. */
    public static MacAddress of(long bits) {
        if ((bits & ~BROADCAST_BITS) != 0) {
            throw new IllegalArgumentException("invalid MAC address bits 0x" + Long.toHexString(bits)
                    + ": a MAC address has 48 bits");
        }
        return new MacAddress(bits);
    }

    /** Parses {@code 02:00:5e:10:00:01} (colons or dashes, any case). */
    public static MacAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid MAC address: null");
        }
        String t = text.trim();
        // six octets of two hex digits, each pair of them apart by ':' or '-' (read by hand: a reports' hot path)
        if (t.length() != 17) {
            throw bad(text);
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            int at = 3 * i;
            if (i > 0) {
                char sep = t.charAt(at - 1);
                if (sep != ':' && sep != '-') {
                    throw bad(text);
                }
            }
            int hi = hex(t.charAt(at));
            int lo = hex(t.charAt(at + 1));
            if (hi < 0 || lo < 0) {
                throw bad(text);
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit would take other scripts' digits too). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("invalid MAC address '" + text
                + "': expected six hex octets like 02:00:00:00:00:01");
    }

    public long bits() {
        return bits;
    }

    /** True for group (multicast and broadcast) addresses: the I/G bit of the first octet. */
    public boolean isGroup() {
        return isGroup(bits);
    }

    public static boolean isGroup(long bits) {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    public boolean isBroadcast() {
        return bits == BROADCAST_BITS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && m.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(bits, o.bits);
    }

    @Override
    public String toString() {
        return format(bits);
    }

    public static String format(long bits) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int b = (int) (bits >>> shift) & 0xFF;
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
