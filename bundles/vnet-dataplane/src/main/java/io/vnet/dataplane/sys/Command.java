package io.vnet.dataplane.sys;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of a host tool: its exit code and its output (stdout and stderr together). */
public record Command(int exit, String out) {
    /** The Debian package of each tool the data plane runs, for the message when it is missing. */
    private static final Map<String, String> PACKAGES = Map.of("nft", "nftables", "ip", "iproute2", "bridge", "iproute2");
    /** How long a tool may take. */
    private static final long DEADLINE_SECONDS = 10;

    /** Runs {@code cmd} with {@code stdin} (or none) and returns what it did. */
    public static Command run(String stdin, String... cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + String.join(" ", cmd) + "' (install "
                    + PACKAGES.getOrDefault(cmd[0], cmd[0]) + "): " + e.getMessage(), e);
        }
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", cmd) + "' did not finish in " + DEADLINE_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + String.join(" ", cmd) + "'", e);
        }
        return new Command(p.exitValue(), out);
    }

    /** Runs {@code cmd} and fails, with its output, unless it exits 0. */
    public static Command must(String stdin, String... cmd) throws IOException {
        Command r = run(stdin, cmd);
        if (r.exit != 0) {
            throw new IOException("'" + String.join(" ", cmd) + "' failed: " + r.out.trim());
        }
        return r;
    }
}
