package io.vnet.fuzz;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Silences java.util.logging (where the bundles' System.Logger goes) for a fuzz run: the code
 * under test logs every refused record, and a million log lines would only slow the fuzzer. The
 * fuzz tests check counters and outcomes instead.
 */
public final class Quiet {
    /** Held so that the configuration is not garbage-collected with the logger. */
    private static final Logger ROOT = Logger.getLogger("");

    private Quiet() {
    }

    public static void logging() {
        ROOT.setLevel(Level.OFF);
    }
}
