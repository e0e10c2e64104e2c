package io.vnet.manager.rest.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * Who is calling, for the sign-in throttle: the connection's address, unless it is one of the
 * configured reverse proxies, whose {@code X-Forwarded-For} is then read from the right (the
 * entries a trusted proxy appended) up to the first address that is not a trusted proxy. From
 * anyone else the header is ignored: a caller cannot pick the address it is throttled as.
 */
final class ClientAddress {
    /** The most entries of an X-Forwarded-For looked at. */
    static final int MAX_HOPS = 16;

    private ClientAddress() {
    }

    /** The address a request is throttled as. */
    static String of(String remote, String forwardedFor, Set<String> trustedProxies) {
        String from = literal(remote);
        if (from == null) {
            from = String.valueOf(remote);
        }
        if (forwardedFor == null || trustedProxies.isEmpty() || !trustedProxies.contains(from)) {
            return from;
        }
        String[] hops = forwardedFor.split(",", -1);
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            String hop = literal(hops[i].strip());
            if (hop == null) {
                return from; // a malformed entry: believe nothing further left
            }
            from = hop;
            if (!trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return from;
    }

    /**
     * {@code s} as a normalised IP address literal, or null if it is not one (names are never
     * resolved: a dotted quad, or hex digits and colons with an optional bracket pair).
     */
    static String literal(String s) {
        if (s == null) {
            return null;
        }
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean v4 = t.matches("(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
        boolean v6 = t.length() <= 45 && t.contains(":") && t.matches("[0-9A-Fa-f.:]+");
        if (!v4 && !v6) {
            return null; // never a name: InetAddress would look it up
        }
        try {
            return InetAddress.getByName(t).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
