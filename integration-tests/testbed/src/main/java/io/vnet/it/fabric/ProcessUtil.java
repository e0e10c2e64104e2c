package io.vnet.it.fabric;

import java.util.concurrent.TimeUnit;

/** Stopping processes by pid: SIGTERM, a grace period, then SIGKILL. */
final class ProcessUtil {
    private ProcessUtil() {
    }

    static void stop(ProcessHandle h) {
        if (!h.isAlive()) {
            return;
        }
        Sh.run("kill", "-CONT", Long.toString(h.pid()));
        h.destroy();
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more can be done
            }
        }
    }
}
