package io.vnet.it.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.ControlClient;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real host-agent process of one test host, started with {@code ip netns exec}. */
public final class AgentProcess extends DaemonProcess {
    private final Path socket;

    private AgentProcess(Host host, Process process, Path socket, Path log, Path configFile) {
        super("agent", host, process, log, configFile);
        this.socket = socket;
    }

    static AgentProcess start(Fabric fabric, Host host, ObjectNode config) throws IOException {
        Path socket = fabric.workDir().resolve(host.name() + ".sock");
        config.put("control", socket.toString());
        if (!config.has("stateFile")) {
            config.put("stateFile", fabric.workDir().resolve(host.name() + "-state.json").toString());
        }
        Path cfg = fabric.workDir().resolve(host.name() + ".json");
        Files.writeString(cfg, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        Path log = fabric.workDir().resolve(host.name() + "-agent.log");
        Path bin = fabric.repoDir().resolve("host-agent/bin/vnet-agent");
        // its OSGi bundle cache in the fabric's directory, deleted at the fabric's close (a killed agent cannot
        // delete a temporary one: over many runs those filled the disk)
        Path felix = fabric.workDir().resolve("felix-" + host.name());
        Process p = fabric.spawn(host.ns(), List.of(bin.toString(), "--config", cfg.toString(), "--state",
                felix.toString()), log);
        AgentProcess a = new AgentProcess(host, p, socket, log, cfg);
        a.awaitReady(30_000);
        return a;
    }

    private void awaitReady(long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!process().isAlive()) {
                throw new IllegalStateException("agent of " + host() + " exited with " + process().exitValue()
                        + "; its log:\n" + logText());
            }
            if (Files.exists(socket)) {
                try {
                    control(Json.object().put("op", "status"));
                    return;
                } catch (IOException notYet) {
                    // starting
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IllegalStateException("agent of " + host() + " did not answer within " + timeoutMs + " ms; log:\n" + logText());
    }

    public Path socket() {
        return socket;
    }

    /** One control request; returns the result or throws with the agent's error. */
    public JsonNode control(ObjectNode request) throws IOException {
        return new ControlClient(socket).call(request);
    }

    public JsonNode op(String op, Object... kv) throws IOException {
        ObjectNode req = Json.object().put("op", op);
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof Boolean b) {
                req.put((String) kv[i], b);
            } else if (v instanceof Integer n) {
                req.put((String) kv[i], n);
            } else if (v instanceof int[] a) {
                com.fasterxml.jackson.databind.node.ArrayNode arr = req.putArray((String) kv[i]);
                for (int x : a) {
                    arr.add(x);
                }
            } else {
                req.put((String) kv[i], String.valueOf(v));
            }
        }
        return control(req);
    }

    /** The stats entry of link {@code id} (or interface / listener). */
    public JsonNode stats(String kind, String id) throws IOException {
        for (JsonNode s : op("stats")) {
            if (s.path("kind").asText().equals(kind) && s.path("id").asText().equals(id)) {
                return s;
            }
        }
        throw new IllegalStateException("no " + kind + " " + id + " in the stats of " + host().name());
    }

    /** The id of this agent's link to host {@code peerHost} (the last listed, if several), or null if it has none. */
    public String linkTo(String peerHost) throws IOException {
        String id = null;
        for (JsonNode l : op("link-list")) {
            if (l.path("peer").asText().equals(peerHost)) {
                id = l.path("id").asText();
            }
        }
        return id;
    }

    /** Whether this agent lists a link {@code id}. */
    public boolean hasLink(String id) throws IOException {
        for (JsonNode l : op("link-list")) {
            if (l.path("id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** Waits until link {@code id} exists and is up. */
    public void awaitLinkUp(String id, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (hasLink(id) && stats("link", id).path("state").asText().equals("up")) {
                return;
            }
            Thread.sleep(50);
        }
        if (!hasLink(id)) {
            throw new IllegalStateException("agent of " + host().name() + " has no link " + id + " after " + timeoutMs
                    + " ms\nlog:\n" + logText());
        }
        throw new IllegalStateException("link " + id + " of " + host().name() + " not up after " + timeoutMs + " ms: "
                + stats("link", id) + "\nlog:\n" + logText());
    }

}
