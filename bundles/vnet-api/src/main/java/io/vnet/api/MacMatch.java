package io.vnet.api;

/**
 * One side of a forwarding rule: a specific MAC address, {@code any}, or {@code broadcast}
 * (which matches every group address: broadcast and multicast).
 */
public record MacMatch(Kind kind, MacAddress address) {
    public enum Kind { ANY, BROADCAST, EXACT }

    public static final MacMatch ANY = new MacMatch(Kind.ANY, null);
    public static final MacMatch BROADCAST = new MacMatch(Kind.BROADCAST, null);

    public MacMatch {
        if (kind == null) {
            throw new IllegalArgumentException("MAC match kind is required");
        }
        if ((kind == Kind.EXACT) != (address != null)) {
            throw new IllegalArgumentException("an exact MAC match needs an address, and only it");
        }
    }

    public static MacMatch exact(MacAddress mac) {
        return new MacMatch(Kind.EXACT, mac);
    }

    /** Parses {@code any} (or {@code *}), {@code broadcast}, or a MAC address. */
    public static MacMatch parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid MAC match: null (expected any, broadcast or a MAC address)");
        }
        String t = text.trim().toLowerCase();
        if (t.equals("any") || t.equals("*")) {
            return ANY;
        }
        if (t.equals("broadcast") || t.equals("bcast")) {
            return BROADCAST;
        }
        try {
            return exact(MacAddress.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid MAC match '" + text
                    + "': expected any, broadcast or a MAC address like 02:00:00:00:00:01");
        }
    }

    public boolean matches(long macBits) {
        return switch (kind) {
            case ANY -> true;
            case BROADCAST -> MacAddress.isGroup(macBits);
            case EXACT -> address.bits() == macBits;
        };
    }

    /** 2 for an exact address, 1 for broadcast, 0 for any. */
    public int specificity() {
        return switch (kind) {
            case ANY -> 0;
            case BROADCAST -> 1;
            case EXACT -> 2;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ANY -> "any";
            case BROADCAST -> "broadcast";
            case EXACT -> address.toString();
        };
    }
}
