package io.vnet.it.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ui-extension/e2e/driver.mjs in a host's namespace: node with playwright-core, driving Debian's
 * chromium (headless, fresh profile) at the page the manager serves there. One JSON command per
 * line in, one JSON answer per line out. It intercepts no request: the page talks to the real
 * manager. {@link #close()} quits the browser and stops node and its children by pid.
 */
public final class BrowserDriver implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private final Path log;

    private BrowserDriver(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the driver in {@code host}'s namespace for the page at {@code url}; screenshots go to
     * {@code outDir}. Fails with the remedy when node, the driver's packages or chromium are missing.
     */
    public static BrowserDriver start(Fabric fabric, Host host, String url, Path outDir) throws IOException {
        Path ui = fabric.repoDir().resolve("ui-extension");
        List<String> problems = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            problems.add(CHROMIUM + " is missing (run scripts/setup.sh, which installs Debian's chromium)");
        }
        if (!Sh.run("sh", "-c", "command -v node").ok()) {
            problems.add("node is missing (run scripts/setup.sh)");
        }
        if (!Files.isDirectory(ui.resolve("node_modules/playwright-core"))) {
            problems.add(ui.resolve("node_modules/playwright-core") + " is missing (build ui-extension: mvn install, which"
                    + " runs npm ci)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cannot run the browser test:\n  - " + String.join("\n  - ", problems));
        }
        Files.createDirectories(outDir);
        Path log = outDir.resolve("driver.log");
        List<String> cmd = new ArrayList<>();
        if (Sh.run("sh", "-c", "command -v setpriv").ok()) {
            cmd.addAll(List.of("setpriv", "--pdeathsig", "TERM")); // should the test JVM die, node gets SIGTERM
        }
        cmd.addAll(List.of("ip", "netns", "exec", host.ns(), "node", ui.resolve("e2e/driver.mjs").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ui.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("VNET_UI_URL", url);
        pb.environment().put("VNET_E2E_OUT", outDir.toString());
        pb.environment().put("CHROMIUM", CHROMIUM.toString());
        BrowserDriver d = new BrowserDriver(pb.start(), log);
        fabric.closeFirst(d);
        return d;
    }

    /** Sends a command and returns its answer; fails when the answer is not ok. */
    public JsonNode call(ObjectNode command, long timeoutMs) throws IOException {
        JsonNode a = send(command, timeoutMs);
        if (!a.path("ok").asBoolean()) {
            throw new IOException("browser: " + command.path("cmd").asText() + " failed: " + a.path("error").asText(a.toString())
                    + "\n" + tail());
        }
        return a;
    }

    /** Sends a command and returns its answer, ok or not. */
    public synchronized JsonNode send(ObjectNode command, long timeoutMs) throws IOException {
        if (!process.isAlive()) {
            throw new IOException("the browser driver has exited (" + process.exitValue() + ")\n" + tail());
        }
        in.write(command.toString() + "\n");
        in.flush();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String text;
        try {
            text = line.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("browser: no answer to " + command + " within " + timeoutMs + " ms\n" + tail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("browser: reading the answer failed: " + e.getCause() + "\n" + tail());
        }
        if (text == null) {
            throw new IOException("browser: the driver closed its output\n" + tail());
        }
        return Json.MAPPER.readTree(text);
    }

    /** A command object: {@code cmd("select").put("vni", 5)}. */
    public static ObjectNode cmd(String name) {
        return Json.object().put("cmd", name);
    }

    /** The last lines of the driver's log (its stderr). */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "driver log " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no driver log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send(cmd("quit"), 15_000);
            }
        } catch (IOException e) {
            System.err.println("browser: quit: " + e.getMessage());
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // whatever is left (chromium's processes, node), by pid
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
