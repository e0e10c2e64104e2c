package io.vnet.api.lifecycle;

import java.lang.System.Logger.Level;
import org.osgi.framework.BundleContext;

/**
 * The one way a component ends the daemon it runs in when it cannot start (a bad configuration,
 * no database, a port taken): the message is logged, left in the system property {@value
 * #PROPERTY} for the launcher, which prints it and exits with code 2, and the framework is
 * stopped from a thread of its own (a component's activation must not wait for its own stop).
 */
public final class Fatal {
    /** The system property the launcher reads after the framework stopped. */
    public static final String PROPERTY = "vnet.fatal";

    private Fatal() {
    }

    /** Stops the framework of {@code ctx} because of {@code message}; {@code cause} (may be null) goes to the log. */
    public static void stop(BundleContext ctx, System.Logger log, String message, Throwable cause) {
        if (cause != null) {
            log.log(Level.ERROR, message, cause);
        } else {
            log.log(Level.ERROR, message);
        }
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, message); // the first reason is the one the launcher prints
        }
        Thread t = new Thread(() -> {
            try {
                ctx.getBundle(0).stop();
            } catch (Exception ignored) {
                // the framework is stopping already
            }
        }, "vnet-fatal");
        t.start();
    }
}
