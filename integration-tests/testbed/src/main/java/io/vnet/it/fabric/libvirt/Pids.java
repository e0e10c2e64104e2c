package io.vnet.it.fabric.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Processes by pid: reading pid files, and stopping with SIGTERM, a grace period, then SIGKILL. */
final class Pids {
    private Pids() {
    }

    /**
     * The live process whose pid {@code pidFile} holds, if its command line contains
     * {@code expected} (so that a pid the kernel has reused since is left alone).
     */
    static Optional<ProcessHandle> fromFile(Path pidFile, String expected) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return cmdline.contains(expected) ? ProcessHandle.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM, up to {@code graceSeconds} to exit, then SIGKILL. */
    static void stop(ProcessHandle h, int graceSeconds) {
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(graceSeconds, TimeUnit.SECONDS);
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
