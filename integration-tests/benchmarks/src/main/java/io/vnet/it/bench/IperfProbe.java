package io.vnet.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** One iperf3 TCP run between two VMs: a one-off server in one, the client in the other. */
public final class IperfProbe {
    /** What the receiver got, and the exact client and server commands. */
    public record Result(String clientCommand, String serverCommand, long bytesReceived, double bitsPerSecond, int retransmits) {
        public double gbps() {
            return bitsPerSecond / 1e9;
        }
    }

    private IperfProbe() {
    }

    /**
     * A run whose first seconds iperf3 leaves out of its result ({@code -O}), and how many bytes
     * the client sent in them: what the forwarders carried over the whole run is about
     * {@code measured.bytesReceived() + omittedBytes}.
     */
    public record Omitting(Result measured, int omitSeconds, long omittedBytes) {
        public long bytesMoved() {
            return measured.bytesReceived() + omittedBytes;
        }
    }

    public static Result run(Fabric fabric, Vm client, Vm server, int seconds, int streams)
            throws IOException, InterruptedException {
        return run(fabric, client, server, seconds, streams, 0).measured();
    }

    /** As {@link #run(Fabric, Vm, Vm, int, int)}, with {@code -O omitSeconds} when that is positive. */
    public static Omitting run(Fabric fabric, Vm client, Vm server, int seconds, int streams, int omitSeconds)
            throws IOException, InterruptedException {
        String port = Integer.toString(20000 + ThreadLocalRandom.current().nextInt(20000)); // fresh per run
        List<String> serverCmd = List.of("iperf3", "-s", "-1", "-B", server.ip(), "-p", port);
        List<String> clientCmd = new ArrayList<>(List.of("iperf3", "-c", server.ip(), "-p", port, "-t",
                Integer.toString(seconds), "-P", Integer.toString(streams)));
        if (omitSeconds > 0) {
            clientCmd.addAll(List.of("-O", Integer.toString(omitSeconds)));
        }
        clientCmd.add("-J");
        Path log = fabric.workDir().resolve("iperf3-" + server.name() + "-" + port + ".log");
        Process srv = fabric.spawn(server.ns(), serverCmd, log);
        try {
            awaitListening(server, port, srv, log);
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", client.ns()));
            full.addAll(clientCmd);
            Sh.Result r = Sh.run(seconds + 30L, full);
            JsonNode j = Json.MAPPER.readTree(r.out());
            if (!r.ok() || j.has("error")) {
                throw new IllegalStateException("iperf3 failed: " + String.join(" ", full) + ": "
                        + j.path("error").asText(r.out()) + "\nserver output: " + Files.readString(log));
            }
            JsonNode end = j.path("end");
            long omitted = 0;
            for (JsonNode interval : j.path("intervals")) {
                if (interval.path("sum").path("omitted").asBoolean(false)) {
                    omitted += interval.path("sum").path("bytes").asLong();
                }
            }
            Result measured = new Result(String.join(" ", clientCmd), String.join(" ", serverCmd),
                    end.path("sum_received").path("bytes").asLong(), end.path("sum_received").path("bits_per_second").asDouble(),
                    end.path("sum_sent").path("retransmits").asInt());
            return new Omitting(measured, omitSeconds, omitted);
        } finally {
            srv.destroy();
            srv.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(Vm server, String port, Process srv, Path log) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Sh.run("ip", "netns", "exec", server.ns(), "ss", "-Htln", "sport", "= :" + port).out().contains(":" + port)) {
            if (!srv.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("iperf3 server in " + server.name() + " is not listening on port " + port
                        + (srv.isAlive() ? " after 20 s" : " (exited " + srv.exitValue() + ")") + ": " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }
}
