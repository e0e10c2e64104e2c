package io.vnet.api;

/** Where a forwarding rule sends a frame: an overlay link or a local interface, by id. */
public record RuleTarget(Kind kind, String id) {
    public enum Kind { LINK, INTERFACE }

    public RuleTarget {
        if (kind == null) {
            throw new IllegalArgumentException("rule target kind is required (link or interface)");
        }
        Ids.check(kind == Kind.LINK ? "link id" : "interface id", id);
    }

    public static RuleTarget link(String id) {
        return new RuleTarget(Kind.LINK, id);
    }

    public static RuleTarget iface(String id) {
        return new RuleTarget(Kind.INTERFACE, id);
    }

    /** Parses {@code link:ID} or {@code interface:ID} (also {@code if:ID}). */
    public static RuleTarget parse(String text) {
        if (text != null) {
            int colon = text.indexOf(':');
            if (colon > 0) {
                String kind = text.substring(0, colon).trim().toLowerCase();
                String id = text.substring(colon + 1).trim();
                if (kind.equals("link")) {
                    return link(id);
                }
                if (kind.equals("interface") || kind.equals("if")) {
                    return iface(id);
                }
            }
        }
        throw new IllegalArgumentException("invalid rule target '" + text
                + "': expected link:ID or interface:ID");
    }

    @Override
    public String toString() {
        return (kind == Kind.LINK ? "link:" : "interface:") + id;
    }
}
