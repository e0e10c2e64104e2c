package io.vnet.protocol;

import io.vnet.api.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a certificate says its holder is: the daemon's id (subject CN), its role (subject OU:
 * {@value #HOST}, {@value #PROXY} or {@value #MANAGER}) and, for a proxy, its tenant (subject O).
 * scripts/vnet-certs.sh makes such subjects. A certificate without OU (made before roles) is a
 * {@value #HOST}'s: it may hold a host's links and session, never a proxy's or the manager's.
 *
 * @param id     the daemon's id, a valid host id (or the manager's name)
 * @param role   {@value #HOST}, {@value #PROXY} or {@value #MANAGER}
 * @param tenant a proxy's tenant (a valid tenant name), null for the other roles
 * @param legacy whether the subject named no role (it counts as {@value #HOST})
 */
public record CertIdentity(String id, String role, String tenant, boolean legacy) {
    public static final String HOST = "host";
    public static final String PROXY = "proxy";
    public static final String MANAGER = "manager";
    /** A subject longer than this (RFC 2253 text) is refused before it is parsed. */
    public static final int MAX_SUBJECT = 1024;
    /** A subject with more attributes than this is refused. */
    public static final int MAX_ATTRIBUTES = 16;
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public CertIdentity {
        Ids.check("certificate CN", id);
        if (!HOST.equals(role) && !PROXY.equals(role) && !MANAGER.equals(role)) {
            throw new IllegalArgumentException("certificate OU '" + role + "': expected a role, " + HOST + ", " + PROXY
                    + " or " + MANAGER);
        }
        if (PROXY.equals(role)) {
            checkTenant("certificate O", tenant);
        } else if (tenant != null) {
            throw new IllegalArgumentException("a " + role + "'s certificate names no tenant");
        }
    }

    /** Checks a tenant's name: 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit. */
    public static String checkTenant(String what, String value) {
        if (value == null || !TENANT.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + shorten(value)
                    + "': expected a tenant of 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        return value;
    }

    /**
     * The identity in an RFC 2253 subject (as {@code X500Principal.getName()} writes it), e.g.
     * {@code CN=p1,OU=proxy,O=alice}. Refused, with the reason: a subject over
     * {@value #MAX_SUBJECT} characters or {@value #MAX_ATTRIBUTES} attributes, a multi-valued or
     * hex-encoded attribute, CN, OU or O given twice, no CN, an unknown role, a proxy without a
     * tenant. Attributes other than CN, OU and O are ignored; for a host or the manager O is too
     * (other tools put the organisation there).
     */
    public static CertIdentity parse(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("the certificate has no subject");
        }
        if (subject.length() > MAX_SUBJECT) {
            throw new IllegalArgumentException("the certificate's subject is longer than " + MAX_SUBJECT + " characters");
        }
        String cn = null;
        String ou = null;
        String o = null;
        for (String[] a : attributes(subject)) {
            switch (a[0].toUpperCase(java.util.Locale.ROOT)) {
                case "CN" -> cn = once("CN", cn, a[1]);
                case "OU" -> ou = once("OU", ou, a[1]);
                case "O" -> o = once("O", o, a[1]);
                default -> {
                    // C, ST, L and the like say nothing about a daemon
                }
            }
        }
        if (cn == null) {
            throw new IllegalArgumentException("the certificate's subject has no CN (the daemon's id)");
        }
        String role = ou == null ? HOST : ou;
        return new CertIdentity(cn, role, PROXY.equals(role) ? o : null, ou == null);
    }

    private static String once(String name, String before, String value) {
        if (before != null) {
            throw new IllegalArgumentException("the certificate's subject names " + name + " twice");
        }
        return value;
    }

    /** The subject's attributes as {type, value}, values unescaped. */
    private static List<String[]> attributes(String s) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            if (out.size() == MAX_ATTRIBUTES) {
                throw new IllegalArgumentException("the certificate's subject has more than " + MAX_ATTRIBUTES + " attributes");
            }
            int eq = s.indexOf('=', i);
            if (eq <= i) {
                throw new IllegalArgumentException("the certificate's subject is not TYPE=VALUE,...: '" + shorten(s) + "'");
            }
            String type = s.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < n && s.charAt(j) == '#') {
                throw new IllegalArgumentException("the certificate's " + type + " is hex-encoded; expected text");
            }
            for (; j < n; j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    if (j + 1 >= n) {
                        throw new IllegalArgumentException("the certificate's subject ends in an escape");
                    }
                    char e = s.charAt(++j);
                    if (",+\"\\<>;=# ".indexOf(e) < 0) {
                        throw new IllegalArgumentException("the certificate's " + type + " has a hex escape; expected text");
                    }
                    value.append(e);
                } else if (c == '+') {
                    throw new IllegalArgumentException("the certificate's subject has a multi-valued attribute");
                } else if (c == ',') {
                    break;
                } else {
                    value.append(c);
                }
            }
            out.add(new String[] {type, value.toString()});
            i = j + 1;
            if (j == n - 1) {
                throw new IllegalArgumentException("the certificate's subject ends in a comma");
            }
        }
        return out;
    }

    private static String shorten(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** E.g. "proxy p1 of tenant alice", "host h1 (a certificate without a role)". */
    @Override
    public String toString() {
        return role + " " + id + (tenant != null ? " of tenant " + tenant : "") + (legacy ? " (a certificate without a role)" : "");
    }
}
