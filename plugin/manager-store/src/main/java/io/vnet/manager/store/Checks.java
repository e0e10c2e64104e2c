package io.vnet.manager.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/** Field checks shared by the records; every message names the field. */
final class Checks {
    static final int MAX_VNI = (1 << 24) - 1;
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private Checks() {
    }

    static String text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + ": longer than " + maxLength + " characters");
        }
        return value;
    }

    static int vni(String field, int vni) {
        if (vni < 0 || vni > MAX_VNI) {
            throw new IllegalArgumentException(field + ": " + vni + " is not a 24-bit VNI (0.." + MAX_VNI + ")");
        }
        return vni;
    }

    static String mac(String field, String mac) {
        if (mac == null) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        String m = mac.toLowerCase(Locale.ROOT).replace('-', ':');
        if (!MAC.matcher(m).matches()) {
            throw new IllegalArgumentException(field + ": '" + mac + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
        }
        return m;
    }

    /** Databases keep microseconds: the records keep no more, so what is read equals what was written. */
    static Instant time(String field, Instant t) {
        if (t == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    static String json(String field, String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException(field + ": must be a JSON document");
        }
        char c = json.strip().charAt(0);
        if (c != '{' && c != '[') {
            throw new IllegalArgumentException(field + ": must be a JSON object or array");
        }
        return json;
    }
}
