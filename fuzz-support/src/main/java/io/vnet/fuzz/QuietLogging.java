package io.vnet.fuzz;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Silences java.util.logging (where the bundles' System.Logger goes) before a fuzz test class's
 * first input, as a JUnit 5 extension ({@link Fuzzing} applies it): the code under test logs every
 * refused record, and a million log lines would only slow the fuzzer. The fuzz tests check
 * counters and outcomes instead.
 */
public final class QuietLogging implements BeforeAllCallback {
    /** Held so that the configuration is not garbage-collected with the logger. */
    private static final Logger ROOT = Logger.getLogger("");

    @Override
    public void beforeAll(ExtensionContext context) {
        ROOT.setLevel(Level.OFF);
    }
}
