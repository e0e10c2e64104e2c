package io.vnet.fuzz;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The leak check of a fuzz test class, as a JUnit 5 extension ({@link Fuzzing} applies it): before
 * the class's first input it fails unless Netty's leak detector is at PARANOID and reports to
 * {@link LeakRecorder} ({@link Leaks#requireParanoid}); after its last input it fails on any leak
 * reported ({@link Leaks#assertNone}). A long run also calls {@link #afterInput} from the target,
 * so that a leak fails it within {@value #INPUTS_BETWEEN_CHECKS} inputs, not only at its end.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    /** How many inputs {@link #afterInput} lets pass between two complete checks. */
    public static final int INPUTS_BETWEEN_CHECKS = 50_000;

    private static long inputs;

    @Override
    public void beforeAll(ExtensionContext context) {
        Leaks.requireParanoid();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Leaks.assertNone();
    }

    /**
     * Counts one input of a fuzz target and, every {@value #INPUTS_BETWEEN_CHECKS}, fails on any
     * leak reported. Jazzer runs a target's inputs one at a time on one thread.
     */
    public static void afterInput() {
        if (++inputs % INPUTS_BETWEEN_CHECKS == 0) {
            Leaks.assertNone();
        }
    }
}
