package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackNic;
import io.vnet.manager.cloudstack.CloudStackVm;
import io.vnet.manager.store.CloudStackNetwork;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The manager's side of the Network Extension (CloudStack's Extensions framework, type
 * NetworkOrchestrator; see apache/cloudstack framework/extensions/.../network/README.md and
 * NetworkExtensionElement). CloudStack runs the executable as {@code <exe> <command> <payload-file>
 * <timeout>}; the executable POSTs the payload file here. The payload file is
 * {@code {"physical-network-extension-details": {...}, "network-extension-details": {...},
 * "payload": {...}}}, and the payload names the network by CloudStack's numeric id
 * ({@code network_id}), a NIC by {@code mac} and {@code nic_uuid}.
 * <ul>
 * <li>implement-network: the network's VNI is allocated (or confirmed);</li>
 * <li>prepare-nic: the NIC (MAC, network, VM) is recorded before the VM starts;</li>
 * <li>release-nic: it is forgotten;</li>
 * <li>shutdown-network: nothing to free (the VNI stays with the network);</li>
 * <li>destroy-network: the network's VNI is released;</li>
 * <li>ensure-network-device: the manager is the device;</li>
 * <li>every layer-3 command (IPs, NAT, DHCP, ...) is a no-op: VNET is layer 2.</li>
 * </ul>
 * Every answer has {@code "status": "success"}, which CloudStack checks in the executable's output.
 */
final class ExtensionCommands {
    private static final Pattern COMMAND = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final NetworkDirectory directory;
    private final VniMap vnis;
    private final Inventory inventory;
    private final CloudStackClient client;
    private final Clock clock;

    ExtensionCommands(NetworkDirectory directory, VniMap vnis, Inventory inventory, CloudStackClient client, Clock clock) {
        this.directory = directory;
        this.vnis = vnis;
        this.inventory = inventory;
        this.client = client;
        this.clock = clock;
    }

    static boolean validName(String command) {
        return command != null && COMMAND.matcher(command).matches();
    }

    Answer run(String command, JsonNode file) throws CloudStackException {
        if (!validName(command)) {
            return Answer.error(400, "command: '" + command + "' is not an extension command name");
        }
        if (file == null || !file.isObject()) {
            return Answer.error(400, "body: expected the payload file's JSON object");
        }
        return switch (command) {
            case "implement-network" -> implement(payload(file));
            case "prepare-nic" -> prepareNic(payload(file));
            case "release-nic" -> releaseNic(payload(file));
            case "shutdown-network" -> success("the VNI stays with the network until it is destroyed: nothing to free");
            case "destroy-network" -> destroy(payload(file));
            case "ensure-network-device" -> Answer.ok(CloudStackClient.JSON.createObjectNode().put("status", "success")
                    .put("device", "vnet-manager"));
            case "custom-action" -> Answer.error(400, "custom-action: VNET offers no custom actions");
            default -> success(command + ": VNET provides layer 2 only; nothing to do");
        };
    }

    private static JsonNode payload(JsonNode file) {
        JsonNode p = file.get("payload");
        if (p == null || !p.isObject()) {
            throw new IllegalArgumentException("payload: expected an object in the payload file");
        }
        return p;
    }

    private static long networkId(JsonNode payload) {
        String s = CloudStackClient.text(payload, "network_id");
        try {
            long id = Long.parseLong(s == null ? "" : s.strip());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("payload.network_id: expected CloudStack's numeric network id, got '" + s + "'");
    }

    private static String required(JsonNode payload, String field) {
        String s = CloudStackClient.text(payload, field);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("payload." + field + ": missing");
        }
        return s;
    }

    private static Answer success(String message) {
        return Answer.ok(CloudStackClient.JSON.createObjectNode().put("status", "success").put("message", message));
    }

    /** The network as CloudStack describes it, by numeric id. */
    private CsNetwork network(long id) throws CloudStackException {
        return directory.byInternalId(id).orElseThrow(() -> new CloudStackException("listNetworks", 404, 404,
                "CloudStack has no network with id " + id));
    }

    /**
     * A network named by numeric id: its mapping ({@code home}, allocated now when it is a Home
     * Network without one; null when it is not a Home Network) and, when CloudStack was asked, its
     * description.
     */
    private record Resolved(CloudStackNetwork home, CsNetwork network) {
    }

    private Resolved resolve(long id) throws CloudStackException {
        Optional<CloudStackNetwork> known = vnis.byInternalId(id);
        if (known.isPresent()) {
            return new Resolved(known.get(), null);
        }
        CsNetwork n = network(id);
        return new Resolved(vnis.isHomeNetwork(n) ? vnis.allocate(n, id) : null, n);
    }

    private Answer implement(JsonNode payload) throws CloudStackException {
        Resolved r = resolve(networkId(payload));
        if (r.home() == null) {
            return success("network " + r.network().id() + " has offering '" + r.network().offeringName() + "', not '"
                    + vnis.offeringName() + "': no VNI");
        }
        CloudStackNetwork h = r.home();
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("status", "success")
                .put("message", "network " + h.networkUuid() + " has VNI " + h.vni());
        o.putObject("vnet").put("networkUuid", h.networkUuid()).put("vni", h.vni());
        return Answer.ok(o);
    }

    private Answer prepareNic(JsonNode payload) throws CloudStackException {
        long id = networkId(payload);
        String mac = Macs.normalize("payload.mac", required(payload, "mac"));
        Resolved r = resolve(id);
        if (r.home() == null) {
            return success("network " + r.network().id() + " is not a Home Network: NIC " + mac + " not recorded");
        }
        CloudStackNetwork h = r.home();
        String hostname = CloudStackClient.text(payload, "hostname");
        String vmUuid = inventory.vmByMac(mac).map(CloudStackVm::uuid).orElse(null);
        if (vmUuid == null && hostname != null && !hostname.isBlank()) {
            vmUuid = client.listVirtualMachines(Map.of("name", hostname)).stream()
                    .filter(v -> v.nics().stream().map(CloudStackNic::mac).anyMatch(mac::equals))
                    .map(CloudStackVm::uuid).findFirst().orElse(null);
        }
        inventory.prepareNic(new Inventory.PreparedNic(mac, h.networkUuid(), h.name(), h.vni(),
                CloudStackClient.text(payload, "nic_uuid"), vmUuid, hostname, clock.instant()));
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("status", "success")
                .put("message", "NIC " + mac + " on network " + h.networkUuid() + " (VNI " + h.vni() + ") recorded");
        o.putObject("vnet").put("mac", mac).put("networkUuid", h.networkUuid()).put("vni", h.vni()).put("vm", vmUuid);
        return Answer.ok(o);
    }

    private Answer releaseNic(JsonNode payload) {
        String mac = Macs.normalize("payload.mac", required(payload, "mac"));
        boolean known = inventory.releaseNic(mac);
        return success("NIC " + mac + (known ? " forgotten" : " was not recorded"));
    }

    private Answer destroy(JsonNode payload) throws CloudStackException {
        long id = networkId(payload);
        Optional<CloudStackNetwork> known = vnis.byInternalId(id);
        String uuid;
        if (known.isPresent()) {
            uuid = known.get().networkUuid();
        } else {
            Optional<CsNetwork> n = directory.byInternalId(id);
            if (n.isEmpty()) {
                return success("network " + id + " had no VNI");
            }
            uuid = n.get().id();
        }
        Optional<CloudStackNetwork> before = vnis.byUuid(uuid);
        boolean released = vnis.release(uuid);
        return success(released ? "network " + uuid + " released VNI " + before.map(CloudStackNetwork::vni).orElse(0)
                : "network " + uuid + " had no VNI");
    }
}
