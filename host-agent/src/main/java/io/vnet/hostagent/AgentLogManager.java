package io.vnet.hostagent;

import java.util.logging.LogManager;

/**
 * Keeps logging alive while the agent shuts down. The JDK's LogManager closes every handler
 * in its own shutdown hook, which would swallow the log lines of a clean stop (bundles
 * deactivating, links closing); this one resets only when asked to after the agent stopped.
 */
public final class AgentLogManager extends LogManager {
    private static volatile AgentLogManager instance;

    public AgentLogManager() {
        instance = this;
    }

    @Override
    public void reset() {
        // ignored: the JDK calls this from its shutdown hook, before the agent has stopped
    }

    /** Flushes and closes the handlers for real; called once the framework has stopped. */
    static void finish() {
        AgentLogManager m = instance;
        if (m != null) {
            m.resetForReal();
        }
    }

    private void resetForReal() {
        super.reset();
    }
}
