package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackNic;
import io.vnet.manager.cloudstack.CloudStackVm;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.CloudStackNetwork;
import io.vnet.manager.store.StoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The routes under /api/cloudstack, independent of the servlet container: {@link #handle} maps a
 * request to an {@link Answer}. Errors are {@code {"error": "..."}} with a 4xx/5xx status, as in
 * the manager's REST API.
 * <ul>
 * <li>POST /webhook: CloudStack's webhook deliveries, accepted from any address (they are signed);</li>
 * <li>POST /extension/{command}: the Network Extension executable's calls (from any address when an
 * extension token is configured and sent as {@code Authorization: Bearer}; else as the reads);</li>
 * <li>GET /vms/{uuid}/nics when a hook token is configured: the KVM hosts' hook, with that token as
 * {@code Authorization: Bearer}. The hook token opens this route only: every KVM host holds it, so
 * it must not be able to destroy networks. Without a hook token, the extension token is taken
 * there too, as before (with a warning at start);</li>
 * <li>GET /vms, /vms/{uuid}, /vms/{uuid}/nics (without an extension token), /networks, /prepared-nics,
 * /status: a signed-in admin of the manager (401 {@code {"error": "sign in: ..."}} without a session,
 * 403 for a tenant), and loopback only unless remote access is allowed.</li>
 * </ul>
 * Without a {@code cloudstack} configuration section every route answers 503.
 */
public final class CloudStackApi {
    private static final System.Logger LOG = System.getLogger(CloudStackApi.class.getName());
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * What the routes use.
     *
     * @param webhook        null when webhooks are off (events: poll)
     * @param extensionToken null when none is configured
     * @param hookToken      the KVM hosts' hook's token (GET /vms/{uuid}/nics only), null when none
     * @param status         the counters and sync state for GET /status
     */
    record Services(Inventory inventory, VniMap vnis, WebhookReceiver webhook, ExtensionCommands extension,
                    String extensionToken, String hookToken, Supplier<ObjectNode> status) {
        /** The token the hook's route takes: its own, else (as before hook tokens) the extension's. */
        String hookRouteToken() {
            return hookToken != null ? hookToken : extensionToken;
        }
    }

    private final Services services;
    private final String notConfigured;
    private final boolean allowRemote;

    /** Routes over the services. */
    CloudStackApi(Services services, boolean allowRemote) {
        this.services = services;
        this.notConfigured = null;
        this.allowRemote = allowRemote;
    }

    /** Routes that answer 503 with this reason: CloudStack is not configured. */
    CloudStackApi(String notConfigured, boolean allowRemote) {
        this.services = null;
        this.notConfigured = notConfigured;
        this.allowRemote = allowRemote;
    }

    /**
     * One request.
     *
     * @param path     the path below /api/cloudstack, e.g. "/vms"
     * @param headers  the request headers, names in lower case
     * @param loopback whether the request arrived on a loopback address
     * @param caller   the signed-in user of the request (from its {@code Authorization} header), if any
     */
    public Answer handle(String method, String path, Map<String, String> headers, byte[] body, boolean loopback,
                         Optional<Identity> caller) {
        try {
            return route(method, path == null ? "" : path, headers, body, loopback, caller);
        } catch (CloudStackException e) {
            if (e.unreachable()) {
                return Answer.error(503, e.getMessage());
            }
            return Answer.error(e.httpStatus() == 404 ? 404 : 502, e.getMessage());
        } catch (IllegalArgumentException e) {
            return Answer.error(400, e.getMessage());
        } catch (IllegalStateException e) {
            return Answer.error(409, e.getMessage());
        } catch (StoreException e) {
            LOG.log(Level.ERROR, path + ": " + e.getMessage(), e);
            return Answer.error(503, "store: " + e.getMessage());
        }
    }

    private Answer route(String method, String path, Map<String, String> headers, byte[] body, boolean loopback,
                         Optional<Identity> caller) throws CloudStackException {
        String[] p = path.equals("/") || path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
        if (p.length == 1 && p[0].equals("webhook")) {
            if (!method.equals("POST")) {
                return Answer.error(405, "only POST /api/cloudstack/webhook");
            }
            if (services == null) {
                return Answer.error(503, notConfigured);
            }
            if (services.webhook() == null) {
                return Answer.error(503, "webhooks are off: cloudstack.events is \"poll\"");
            }
            return services.webhook().receive(headers, body);
        }
        if (p.length == 2 && p[0].equals("extension")) {
            if (!method.equals("POST")) {
                return Answer.error(405, "only POST /api/cloudstack/extension/{command}");
            }
            if (services == null) {
                return Answer.error(503, notConfigured);
            }
            Answer refused = checkExtensionCaller(headers, loopback);
            if (refused != null) {
                return refused;
            }
            JsonNode file;
            try {
                file = CloudStackClient.JSON.readTree(body);
            } catch (IOException e) {
                return Answer.error(400, "body: not valid JSON: " + e.getMessage());
            }
            return services.extension().run(p[1], file);
        }
        boolean hookCall = p.length == 3 && p[0].equals("vms") && p[2].equals("nics") && services != null
                && services.hookRouteToken() != null;
        if (hookCall) {
            // the KVM hosts' hook asks this before each VM starts, from the hosts, with the hook's token
            Answer refused = checkBearer(headers, services.hookRouteToken(), services.hookToken() != null
                    ? "cloudstack.hookToken" : "cloudstack.extensionToken");
            if (refused != null) {
                return refused;
            }
        } else if (!loopback && !allowRemote) {
            return Answer.error(403, "the API serves loopback only (set "
                    + io.vnet.manager.rest.HttpSettings.ALLOW_REMOTE_PROPERTY + "=true to serve other addresses)");
        }
        if (services == null) {
            return Answer.error(503, notConfigured);
        }
        if (!hookCall) {
            Answer refused = checkAdmin(headers, caller);
            if (refused != null) {
                return refused;
            }
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Answer.error(405, "method " + method + " is not allowed on /api/cloudstack" + path);
        }
        if (p.length == 1 && p[0].equals("vms")) {
            ArrayNode a = CloudStackClient.JSON.createArrayNode();
            services.inventory().vms().forEach(v -> a.add(vm(v)));
            return Answer.ok(a);
        }
        if (p.length == 2 && p[0].equals("vms")) {
            return Answer.ok(vm(knownOrAsk(uuid(p[1]))));
        }
        if (p.length == 3 && p[0].equals("vms") && p[2].equals("nics")) {
            return Answer.ok(nics(knownOrAsk(uuid(p[1]))));
        }
        if (p.length == 1 && p[0].equals("networks")) {
            ArrayNode a = CloudStackClient.JSON.createArrayNode();
            services.vnis().networks().forEach(n -> a.add(network(n)));
            return Answer.ok(a);
        }
        if (p.length == 1 && p[0].equals("prepared-nics")) {
            ArrayNode a = CloudStackClient.JSON.createArrayNode();
            services.inventory().preparedNics().forEach(n -> a.addObject().put("mac", n.mac())
                    .put("networkId", n.networkUuid()).put("networkName", n.networkName()).put("vni", n.vni())
                    .put("nicId", n.nicUuid()).put("vm", n.vmUuid()).put("vmName", n.vmName())
                    .put("preparedAt", n.preparedAt().toString()));
            return Answer.ok(a);
        }
        if (p.length == 1 && p[0].equals("status")) {
            return Answer.ok(services.status().get());
        }
        return Answer.error(404, "no resource /api/cloudstack" + path);
    }

    /** Null when the caller is a signed-in admin, else the refusal: 401 without a session, 403 for a tenant. */
    private static Answer checkAdmin(Map<String, String> headers, Optional<Identity> caller) {
        if (caller.isEmpty()) {
            String auth = headers.getOrDefault("authorization", "").strip();
            return Answer.error(401, auth.isEmpty()
                    ? "sign in: /api/cloudstack needs a signed-in admin of the manager: send \"Authorization: Bearer"
                            + " <token>\" with the token of your session"
                    : "sign in: the Authorization header holds no valid session (unknown or expired token): sign in"
                            + " again");
        }
        Identity who = caller.get();
        if (!who.admin()) {
            return Answer.error(403, "admins only: /api/cloudstack shows every account's VMs and networks; "
                    + who.user() + (who.account().isEmpty() ? "" : " (account " + who.account() + ")")
                    + " is a tenant: use the manager's API for your own networks");
        }
        return null;
    }

    /** Null when the request carries {@code Authorization: Bearer <token>}, else a 401 naming {@code which}. */
    private static Answer checkBearer(Map<String, String> headers, String token, String which) {
        String auth = headers.getOrDefault("authorization", "");
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, auth.strip().getBytes(StandardCharsets.UTF_8))) {
            return Answer.error(401, "Authorization: expected \"Bearer\" and the configured " + which);
        }
        return null;
    }

    /** Null when the Network Extension's caller may go on, else the refusal. */
    private Answer checkExtensionCaller(Map<String, String> headers, boolean loopback) {
        String token = services.extensionToken();
        if (token != null) {
            return checkBearer(headers, token, "cloudstack.extensionToken");
        }
        if (!loopback && !allowRemote) {
            return Answer.error(403, "the Network Extension may call from another address only with a token: set"
                    + " cloudstack.extensionToken (and VNET_EXTENSION_TOKEN for the executable)");
        }
        return null;
    }

    private static String uuid(String s) {
        String u = s.toLowerCase(Locale.ROOT);
        if (!UUID.matcher(u).matches()) {
            throw new IllegalArgumentException("uuid: '" + s + "' is not a VM uuid (8-4-4-4-12 hex digits)");
        }
        return u;
    }

    /** The VM from the inventory, or else from CloudStack (404 when CloudStack does not know it either). */
    private CloudStackVm knownOrAsk(String uuid) throws CloudStackException {
        Optional<CloudStackVm> vm = services.inventory().vm(uuid);
        if (vm.isEmpty()) {
            vm = services.inventory().refresh(uuid);
        }
        return vm.orElseThrow(() -> new CloudStackException("listVirtualMachines", 404, 404,
                "CloudStack has no VM " + uuid));
    }

    /**
     * The NICs of a VM, the contract with the KVM host hook: {"vm": uuid, "nics": [{"mac",
     * "networkId", "networkName", "vni"}]}, vni non-null only on Home Networks (allocated on the
     * first ask).
     */
    private ObjectNode nics(CloudStackVm vm) throws CloudStackException {
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("vm", vm.uuid());
        ArrayNode a = o.putArray("nics");
        for (CloudStackNic n : vm.nics()) {
            ObjectNode nic = a.addObject().put("mac", n.mac()).put("networkId", n.networkId())
                    .put("networkName", n.networkName());
            OptionalInt vni = n.networkId() == null ? OptionalInt.empty() : services.vnis().vni(n.networkId());
            if (vni.isPresent()) {
                nic.put("vni", vni.getAsInt());
            } else {
                nic.putNull("vni");
            }
        }
        return o;
    }

    private ObjectNode vm(CloudStackVm v) {
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("uuid", v.uuid()).put("name", v.name())
                .put("displayName", v.displayName()).put("account", v.account()).put("domain", v.domain())
                .put("domainId", v.domainId()).put("state", v.state()).put("instanceName", v.instanceName());
        o.putObject("host").put("id", v.hostId()).put("name", v.hostName());
        ArrayNode nics = o.putArray("nics");
        for (CloudStackNic n : v.nics()) {
            ObjectNode nic = nics.addObject().put("id", n.id()).put("mac", n.mac()).put("networkId", n.networkId())
                    .put("networkName", n.networkName()).put("isDefault", n.isDefault())
                    .put("broadcastUri", n.broadcastUri()).put("vni", n.vni());
            nic.put("vnetHost", n.mac() == null ? null : services.inventory().vnetHostOf(n.mac()).orElse(null));
        }
        return o;
    }

    private static ObjectNode network(CloudStackNetwork n) {
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("networkId", n.networkUuid()).put("vni", n.vni())
                .put("name", n.name()).put("allocatedAt", n.allocatedAt().toString());
        if (n.internalId() != null) {
            o.put("internalId", n.internalId());
        } else {
            o.putNull("internalId");
        }
        return o;
    }
}
