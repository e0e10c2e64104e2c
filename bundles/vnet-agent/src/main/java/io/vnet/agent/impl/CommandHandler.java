package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.api.ControlOps;
import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.DataPlane;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;

/** Executes control requests against the data plane; one JSON request in, one JSON answer out. */
final class CommandHandler {
    private static final System.Logger LOG = System.getLogger(CommandHandler.class.getName());

    private final DataPlane dp;
    private final String role;
    private final Networks networks;
    private final LocalVms vms;
    /** How the agent's peers prove who they are, for status: "mutual TLS" or an insecure warning. */
    private volatile String security = "unknown";

    CommandHandler(DataPlane dp, String role) {
        this(dp, role, null, null);
    }

    /**
     * @param networks carries networks on demand (net-attach), or null
     * @param vms      the VMs libvirt runs here, or null when libvirt is not followed
     */
    CommandHandler(DataPlane dp, String role, Networks networks, LocalVms vms) {
        this.dp = dp;
        this.role = role;
        this.networks = networks;
        this.vms = vms;
    }

    private volatile MacOwnership ownership;

    /** What status says of the owned addresses. */
    void ownership(MacOwnership o) {
        this.ownership = o;
    }

    private volatile ManagerClient manager;
    private volatile ManagedState managed;

    /** What status says of the manager channel and the desired state (either may be null). */
    void managed(ManagerClient client, ManagedState state) {
        this.manager = client;
        this.managed = state;
    }

    /** What status says of the agent's authentication. */
    void security(String text) {
        this.security = text;
    }

    ObjectNode handle(String line) {
        try {
            JsonNode req = Json.MAPPER.readTree(line);
            if (req == null || !req.isObject()) {
                throw new IllegalArgumentException("expected a JSON object with an op field");
            }
            String op = Json.text(req, "", "op");
            JsonNode result = execute(op, req);
            return Json.object().put("ok", true).set("result", result);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error("request is not valid JSON: " + e.getOriginalMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "control request failed: " + line, e);
            return error(e.toString());
        }
    }

    private static ObjectNode error(String message) {
        return Json.object().put("ok", false).put("error", message);
    }

    private static JsonNode args(JsonNode req, Set<String> fields) {
        ObjectNode copy = req.deepCopy();
        copy.remove("op");
        Set<String> known = new HashSet<>(fields);
        Json.onlyFields(copy, "", known);
        return copy;
    }

    private JsonNode execute(String op, JsonNode req) throws Exception {
        switch (op) {
            case ControlOps.LINK_ADD -> {
                LinkSpec spec = Json.link(args(req, Json.LINK_FIELDS), "");
                if (!spec.isVxlan() && !spec.dials() && dp.listenPort() < 0) {
                    throw new IllegalArgumentException("link " + spec.id()
                            + " has no connect address and this agent accepts no links (no listen address)");
                }
                dp.addLink(spec);
                LOG.log(Level.INFO, "control: added link " + spec.id());
                return Json.write(spec);
            }
            case ControlOps.NET_ATTACH -> {
                if (networks == null) {
                    throw new IllegalArgumentException("this agent carries no networks on demand");
                }
                int vni = Json.integer(args(req, Set.of("vni")), "", "vni", 1, io.vnet.api.NetworkId.MAX_VNI, null);
                return networks.attach(vni);
            }
            case ControlOps.LINK_DEL -> {
                String id = Json.text(args(req, Set.of("id")), "", "id");
                if (!dp.removeLink(id)) {
                    throw new IllegalArgumentException("no link '" + id + "'");
                }
                LOG.log(Level.INFO, "control: deleted link " + id);
                return Json.object().put("deleted", id);
            }
            case ControlOps.LINK_LIST -> {
                ArrayNode a = Json.array();
                dp.links().forEach(l -> a.add(Json.write(l)));
                return a;
            }
            case ControlOps.RULE_ADD -> {
                ForwardingRule r = Json.rule(args(req, Json.RULE_FIELDS), "");
                dp.addRule(r);
                LOG.log(Level.INFO, "control: added rule " + r);
                return Json.write(r);
            }
            case ControlOps.RULE_DEL -> {
                ForwardingRule.Key key = Json.ruleKey(args(req, Set.of("vni", "src", "dst")), "", true);
                if (!dp.removeRule(key)) {
                    throw new IllegalArgumentException("no rule for " + key);
                }
                LOG.log(Level.INFO, "control: deleted rule " + key);
                return Json.object().put("deleted", key.toString());
            }
            case ControlOps.RULE_LIST -> {
                ArrayNode a = Json.array();
                dp.rules().forEach(r -> a.add(Json.write(r)));
                return a;
            }
            case ControlOps.IF_LIST -> {
                ArrayNode a = Json.array();
                for (InterfaceSpec i : dp.interfaces()) {
                    ObjectNode o = Json.object().put("kind", "tap");
                    o.setAll(Json.write(i));
                    a.add(o);
                }
                for (LanSpec l : dp.lans()) {
                    a.add(Json.write(l));
                }
                return a;
            }
            case ControlOps.STATS -> {
                args(req, Set.of());
                ArrayNode a = Json.array();
                for (PortStats s : dp.stats()) {
                    a.add(Json.write(s));
                }
                a.add(Json.write(dp.listenerStats()));
                return a;
            }
            case ControlOps.PAIRS -> {
                args(req, Set.of());
                ArrayNode a = Json.array();
                dp.pairCounts().forEach(p -> a.add(Json.write(p)));
                return a;
            }
            case ControlOps.LEARNED -> {
                ArrayNode a = Json.array();
                dp.learned().forEach(a::add);
                return a;
            }
            case ControlOps.OWNERS -> {
                args(req, Set.of());
                ArrayNode a = Json.array();
                dp.owners().forEach(a::add);
                return a;
            }
            case ControlOps.STATUS -> {
                ObjectNode o = Json.object().put("hostId", dp.hostId()).put("role", role)
                        .put("listenPort", dp.listenPort()).put("security", security)
                        .put("software", ManagerClient.SOFTWARE).put("protocol", io.vnet.protocol.messages.Hello.PROTOCOL);
                ManagerClient m = manager;
                o.put("manager", m == null ? "none" : m.describe());
                ManagedState st = managed;
                if (st != null) {
                    o.put("appliedGeneration", st.generation());
                }
                ArrayNode nets = o.putArray("networks");
                dp.networks().forEach(n -> nets.add(n.vni()));
                MacOwnership owned = ownership;
                if (owned != null) {
                    o.put("owners", owned.describe());
                    java.time.Instant at = owned.updatedAt();
                    if (at != null) {
                        o.put("ownersUpdatedAt", at.toString());
                    }
                }
                if (vms != null) {
                    o.put("libvirt", vms.libvirtState());
                    o.set("vms", vms.json());
                }
                return o;
            }
            default -> throw new IllegalArgumentException("unknown op '" + op + "' (expected one of "
                    + String.join(", ", ControlOps.LINK_ADD, ControlOps.LINK_DEL, ControlOps.LINK_LIST,
                    ControlOps.RULE_ADD, ControlOps.RULE_DEL, ControlOps.RULE_LIST, ControlOps.IF_LIST,
                    ControlOps.STATS, ControlOps.PAIRS, ControlOps.LEARNED, ControlOps.OWNERS, ControlOps.STATUS, ControlOps.NET_ATTACH) + ")");
        }
    }
}
