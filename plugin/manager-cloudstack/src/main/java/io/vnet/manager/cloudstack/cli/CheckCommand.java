package io.vnet.manager.cloudstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.cloudstack.impl.CloudStackClient;
import io.vnet.manager.cloudstack.impl.CsHost;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vnet-cloudstack check}: CloudStack's version (listCapabilities), its zones and its hypervisor hosts. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the connection to CloudStack: its version, zones and KVM hosts.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConnectionMixin connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CloudStackClient cs = connection.options.client();
        JsonNode caps = cs.call("listCapabilities", Map.of()).path("capability");
        out.println("CloudStack " + caps.path("cloudstackversion").asText("(version not given)") + " at " + cs.endpoint());
        String version = caps.path("cloudstackversion").asText("");
        out.println("  events: " + (atLeast(version, 4, 20) ? "webhooks (4.20+) or listEvents polling"
                : "listEvents polling (webhooks need 4.20): set cloudstack.events to \"poll\""));
        JsonNode zones = cs.call("listZones", Map.of()).path("zone");
        out.println("zones: " + zones.size());
        zones.forEach(z -> out.println("  " + z.path("name").asText() + " (" + z.path("id").asText() + ", "
                + z.path("networktype").asText() + ", " + z.path("allocationstate").asText() + ")"));
        List<CsHost> hosts = cs.listRoutingHosts();
        out.println("hypervisor hosts: " + hosts.size());
        hosts.forEach(h -> out.println("  " + h.name() + " (" + h.hypervisor() + ", " + h.state() + ", agent "
                + h.version() + ", " + h.ipAddress() + ")"));
        return 0;
    }

    /** Whether a CloudStack version like 4.20.0.0 is at least major.minor. */
    static boolean atLeast(String version, int major, int minor) {
        String[] p = version.split("\\.");
        try {
            int ma = Integer.parseInt(p[0]);
            int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
