package io.vnet.api;

import java.util.regex.Pattern;

/** Validation of the identifiers used for hosts, links and interfaces. */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");

    private Ids() {
    }

    /** Checks an identifier: 1-63 characters of letters, digits, '.', '_' and '-'. */
    public static String check(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + value
                    + "': expected 1-63 characters of letters, digits, '.', '_' or '-'");
        }
        return value;
    }

    /** Checks a Linux network device name: 1-15 characters. */
    public static String checkDevice(String what, String value) {
        if (value == null || !IFNAME.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + value
                    + "': expected a Linux device name of 1-15 letters, digits, '.', '_' or '-'");
        }
        return value;
    }
}
