package io.vnet.manager.cloudstack.impl;

import java.util.Locale;
import java.util.regex.Pattern;

/** MAC addresses as text: lower case, colon-separated. */
final class Macs {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private Macs() {
    }

    /** The MAC in canonical form; throws naming {@code field} when it is not one. */
    static String normalize(String field, String mac) {
        String m = mac == null ? "" : mac.strip().toLowerCase(Locale.ROOT).replace('-', ':');
        if (!MAC.matcher(m).matches()) {
            throw new IllegalArgumentException(field + ": '" + mac + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
        }
        return m;
    }
}
