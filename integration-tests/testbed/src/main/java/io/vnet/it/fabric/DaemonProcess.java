package io.vnet.it.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real VNET process (agent or manager) in a test host's namespace, with its log. */
public abstract class DaemonProcess {
    private final String what;
    private final Host host;
    private final Process process;
    private final Path log;
    private final Path configFile;

    DaemonProcess(String what, Host host, Process process, Path log, Path configFile) {
        this.what = what;
        this.host = host;
        this.process = process;
        this.log = log;
        this.configFile = configFile;
    }

    public Host host() {
        return host;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public Path configFile() {
        return configFile;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Waits until the log contains {@code text} and returns the log; fails with the log if the
     * process exits first or the time runs out.
     */
    public String awaitLog(String text, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String l = logText();
            if (l.contains(text)) {
                return l;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " of " + host.name() + " exited with " + process.exitValue()
                        + " before logging '" + text + "':\n" + l);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + " of " + host.name() + " did not log '" + text + "' within "
                        + timeoutMs + " ms:\n" + l);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Sends a signal (e.g. STOP, CONT, KILL) to the process, by pid. */
    public void signal(String sig) {
        Sh.must("kill", "-" + sig, Long.toString(process.pid()));
    }

    /** SIGTERM, then SIGKILL after a grace period. */
    public void stop() {
        ProcessUtil.stop(process.toHandle());
    }
}
