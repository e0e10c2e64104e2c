package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent says of its host in a hello, a report and a vms message: the networks it carries
 * ({@code networks[]}), its VMs' addresses ({@code macs[{vni,mac}]}, at most {@value
 * ManagerProtocol#MAX_MACS_PER_NETWORK} per network and {@value ManagerProtocol#MAX_MACS} in all,
 * with {@code macsOmitted} the rest), and the VMs libvirt runs there by name ({@code vms[]}). A
 * null list was not in the message (a report may leave one out: the manager keeps what it had).
 *
 * @param badVms the first {@value #BAD_VMS_KEPT} VM registrations that were not valid, each as
 *               "JSON: why" with the JSON cut at {@value #BAD_VM_CHARS} characters (skipped)
 * @param badVmsOmitted how many more were not valid (skipped, counted only: a hostile agent's
 *                      frame of bad entries costs the reader no more than these few)
 */
public record Inventory(List<NetworkId> networks, List<VmAddress> macs, long macsOmitted, List<RegisteredVm> vms,
                        List<String> badVms, long badVmsOmitted) {
    /** How many refused VM registrations are kept to be logged; the rest are counted. */
    public static final int BAD_VMS_KEPT = 4;
    /** How much of a refused registration's JSON is kept. */
    public static final int BAD_VM_CHARS = 256;

    public Inventory {
        networks = networks == null ? null : List.copyOf(networks);
        macs = macs == null ? null : List.copyOf(macs);
        vms = vms == null ? null : List.copyOf(vms);
        badVms = List.copyOf(badVms);
    }

    /** Nothing said. */
    public static final Inventory NONE = new Inventory(null, null, 0, null, List.of(), 0);

    /** A VM's address on a network. */
    public record VmAddress(NetworkId network, MacAddress mac) {
    }

    /** A VM libvirt (or the configuration file) runs on the host, with its NICs. */
    public record RegisteredVm(String uuid, String name, String source, List<Nic> nics) {
        public RegisteredVm {
            nics = List.copyOf(nics);
        }

        /** A NIC: its network and address, and where it is attached (tap and bridge may be null). */
        public record Nic(NetworkId network, MacAddress mac, String tap, String bridge) {
        }
    }

    /** Writes the lists that are not null into {@code m}. */
    public void write(ObjectNode m) {
        if (networks != null) {
            ArrayNode a = m.putArray("networks");
            networks.forEach(n -> a.add(n.vni()));
        }
        if (macs != null) {
            ArrayNode a = m.putArray("macs");
            macs.forEach(v -> a.addObject().put("vni", v.network().vni()).put("mac", v.mac().toString()));
            m.put("macsOmitted", macsOmitted);
        }
        if (vms != null) {
            ArrayNode a = m.putArray("vms");
            for (RegisteredVm v : vms) {
                ObjectNode o = a.addObject().put("uuid", v.uuid()).put("name", v.name()).put("source", v.source());
                ArrayNode nics = o.putArray("nics");
                for (RegisteredVm.Nic n : v.nics()) {
                    nics.addObject().put("vni", n.network().vni()).put("mac", n.mac().toString()).put("tap", n.tap())
                            .put("bridge", n.bridge());
                }
            }
        }
    }

    /**
     * Reads the lists {@code m} has.
     *
     * @throws IllegalArgumentException a network or an address that is not valid
     */
    public static Inventory read(JsonNode m) {
        List<NetworkId> networks = null;
        if (m.has("networks")) {
            networks = new ArrayList<>();
            for (JsonNode n : m.path("networks")) {
                networks.add(NetworkId.of(n.asInt()));
            }
        }
        List<VmAddress> macs = null;
        if (m.has("macs")) {
            macs = new ArrayList<>();
            for (JsonNode a : m.path("macs")) {
                macs.add(new VmAddress(NetworkId.of(a.path("vni").asInt()), MacAddress.parse(a.path("mac").asText())));
            }
        }
        List<RegisteredVm> vms = null;
        List<String> bad = new ArrayList<>();
        long badOmitted = 0;
        if (m.has("vms")) {
            vms = new ArrayList<>();
            for (JsonNode v : m.path("vms")) {
                try {
                    List<RegisteredVm.Nic> nics = new ArrayList<>();
                    for (JsonNode n : v.path("nics")) {
                        nics.add(new RegisteredVm.Nic(NetworkId.of(n.path("vni").asInt()),
                                MacAddress.parse(n.path("mac").asText()), n.path("tap").asText(null),
                                n.path("bridge").asText(null)));
                    }
                    String uuid = v.path("uuid").asText("");
                    if (uuid.isBlank()) {
                        throw new IllegalArgumentException("no uuid");
                    }
                    vms.add(new RegisteredVm(uuid, v.path("name").asText(uuid), v.path("source").asText("agent"), nics));
                } catch (IllegalArgumentException e) {
                    if (bad.size() < BAD_VMS_KEPT) {
                        String json = v.toString();
                        bad.add((json.length() > BAD_VM_CHARS ? json.substring(0, BAD_VM_CHARS) + "..." : json) + ": "
                                + e.getMessage());
                    } else {
                        badOmitted++;
                    }
                }
            }
        }
        return new Inventory(networks, macs, m.path("macsOmitted").asLong(0), vms, bad, badOmitted);
    }
}
