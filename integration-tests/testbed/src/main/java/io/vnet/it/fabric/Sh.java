package io.vnet.it.fabric;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and returns its output; failures carry the command and output. */
public final class Sh {
    private Sh() {
    }

    public record Result(int exit, String out) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public static Result run(long timeoutSeconds, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[][] holder = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    holder[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    holder[0] = new byte[0];
                }
            });
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(2000);
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            reader.join(5000);
            return new Result(p.exitValue(), holder[0] == null ? "" : new String(holder[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    public static Result run(String... cmd) {
        return run(60, List.of(cmd));
    }

    /** Runs and requires exit 0. */
    public static String must(String... cmd) {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new IllegalStateException("command failed (exit " + r.exit() + "): " + String.join(" ", cmd) + "\n" + r.out());
        }
        return r.out();
    }
}
