package io.vnet.manager.libvirt;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.Json;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The manager's {@code libvirt} section: where each host's libvirt daemon answers, and where
 * migration streams to it go.
 * <pre>
 * "libvirt": {
 *   "hosts": {
 *     "kvm-1": {"uri": "qemu+tcp://192.0.2.11/system", "migrateUri": "tcp://192.0.2.11"},
 *     "kvm-2": {"uri": "qemu+ssh://root@192.0.2.12/system"}
 *   },
 *   "timeoutMs": 120000,          // a migration not done by then is aborted
 *   "announceWaitMs": 5000        // then wait this long for the destination's agent to register the VM
 * }
 * </pre>
 */
record LibvirtHosts(Map<String, Host> hosts, long timeoutMs, long announceWaitMs) {
    /** One host's daemon ({@code uri}) and its migration address ({@code migrateUri}, may be null). */
    record Host(String uri, String migrateUri) {
    }

    static LibvirtHosts parse(JsonNode section) {
        if (!section.isObject()) {
            throw new IllegalArgumentException("libvirt: expected an object with hosts");
        }
        Json.onlyFields(section, "libvirt", Set.of("hosts", "timeoutMs", "announceWaitMs"));
        JsonNode hs = section.path("hosts");
        if (!hs.isObject() || hs.isEmpty()) {
            throw new IllegalArgumentException("libvirt.hosts: expected an object of host id -> {\"uri\": ...}");
        }
        Map<String, Host> hosts = new TreeMap<>();
        hs.fields().forEachRemaining(e -> {
            String p = "libvirt.hosts." + e.getKey();
            Json.onlyFields(e.getValue(), p, Set.of("uri", "migrateUri"));
            String uri = Json.text(e.getValue(), p, "uri");
            if (!uri.contains(":")) {
                throw new IllegalArgumentException(p + ".uri: expected a libvirt URI such as qemu+tcp://host/system, got '"
                        + uri + "'");
            }
            hosts.put(e.getKey(), new Host(uri, Json.optText(e.getValue(), p, "migrateUri", null)));
        });
        return new LibvirtHosts(Map.copyOf(hosts), Json.integer(section, "libvirt", "timeoutMs", 1000, 86_400_000, 120_000),
                Json.integer(section, "libvirt", "announceWaitMs", 0, 600_000, 5000));
    }

    Host host(String hostId) {
        Host h = hosts.get(hostId);
        if (h == null) {
            throw new IllegalArgumentException("host " + hostId + " has no libvirt URI in the manager's libvirt.hosts");
        }
        return h;
    }
}
