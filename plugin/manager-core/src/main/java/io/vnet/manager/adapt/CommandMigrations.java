package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.MigrationExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MigrationExecutor} that runs an external command, configured as an argument list in
 * which {@code {vni}}, {@code {mac}}, {@code {from}} and {@code {to}} are replaced. Exit code 0
 * means the VM runs on the new host and has announced itself there. Its output goes into the
 * error message when it fails; a command that outlives the timeout is killed.
 */
public final class CommandMigrations implements MigrationExecutor {
    private final List<String> command;
    private final long timeoutMs;

    CommandMigrations(List<String> command, long timeoutMs) {
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("migration.command: expected a non-empty argument list");
        }
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("migration.timeoutMs: expected >= 1, got " + timeoutMs);
        }
        this.command = List.copyOf(command);
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String describe() {
        return "command " + String.join(" ", command);
    }

    public List<String> commandFor(NetworkId network, MacAddress vm, String fromHost, String toHost) {
        List<String> out = new ArrayList<>();
        for (String a : command) {
            out.add(a.replace("{vni}", Integer.toString(network.vni())).replace("{mac}", vm.toString())
                    .replace("{from}", fromHost).replace("{to}", toHost));
        }
        return out;
    }

    @Override
    public void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) throws Exception {
        List<String> cmd = commandFor(network, vm, fromHost, toHost);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        }, "vnet-migrate-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("migration of " + vm + " to " + toHost + " did not finish within " + timeoutMs + " ms");
        }
        reader.join(1000);
        String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException("migration of " + vm + " to " + toHost + " failed (exit " + p.exitValue() + ")"
                    + (text.isEmpty() ? "" : ": " + text));
        }
    }
}
