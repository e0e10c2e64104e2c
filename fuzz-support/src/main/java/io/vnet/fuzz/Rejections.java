package io.vnet.fuzz;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * How a fuzz test holds a parser to its contract: bad input may be refused only with the
 * exception the parser documents, and with a message that says what is wrong. Anything else
 * (an index out of bounds, a null pointer, a number format error, an undocumented checked
 * exception) escapes, and Jazzer reports the input as a finding.
 */
public final class Rejections {
    private Rejections() {
    }

    /**
     * Runs {@code parse}: its result (empty if null), or empty if it refused the input with a
     * {@code documented} exception that has a message.
     */
    public static <T> Optional<T> only(Class<? extends Exception> documented, Callable<T> parse) {
        try {
            return Optional.ofNullable(parse.call());
        } catch (Exception e) {
            if (!documented.isInstance(e)) {
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new AssertionError("undocumented " + e.getClass().getName() + ": " + e.getMessage(), e);
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("input refused without a message", e);
            }
            return Optional.empty();
        }
    }

    /** {@link #only} for parsers that document {@link IllegalArgumentException}. */
    public static <T> Optional<T> onlyIllegalArgument(Callable<T> parse) {
        return only(IllegalArgumentException.class, parse);
    }
}
