package io.vnet.it.cloudstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The CloudStack stand-in ({@link CloudStackStandIn}) as a process of the test fabric. */
public final class StandInProcess {
    private StandInProcess() {
    }

    /**
     * Starts the stand-in in {@code host}'s namespace, by pid under the fabric, for {@code zone}:
     * the zone file of {@link CloudStackStandIn}'s class comment but for {@code fixtures}
     * (CloudStack 4.20's recorded answers in this repository) and {@code log}, which this fills
     * in. Returns the request log's path.
     */
    public static Path start(Fabric fabric, Host host, ObjectNode zone) throws IOException {
        Path log = fabric.workDir().resolve("cloudstack-requests.jsonl");
        zone.put("fixtures", fabric.repoDir().resolve("plugin/manager-cloudstack/src/test/resources/cloudstack/4.20").toString())
                .put("log", log.toString());
        Path file = fabric.workDir().resolve("cloudstack-zone.json");
        Files.writeString(file, Json.MAPPER.writeValueAsString(zone));
        fabric.spawn(host.ns(), List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), CloudStackStandIn.class.getName(), file.toString()),
                fabric.workDir().resolve("cloudstack-standin.log"));
        return log;
    }

}
