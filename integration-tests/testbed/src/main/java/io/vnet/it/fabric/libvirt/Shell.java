package io.vnet.it.fabric.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small text helpers: quoting for sh, and the end of a log file for failure messages. */
final class Shell {
    private Shell() {
    }

    /** {@code s} as one sh word, in single quotes. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The last {@code max} characters of {@code file}, or why there are none. */
    static String tail(Path file, int max) {
        try {
            String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return s.length() <= max ? s : "..." + s.substring(s.length() - max);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
