package io.vnet.it.cloudstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code CloudStackStandIn CONFIG.json}: a CloudStack API endpoint at {@code
 * http://127.0.0.1:PORT/client/api} for the test fabric. The configuration (the "zone file") names
 * the API keys, the fixtures folder (a CloudStack version's recorded answers), the zone's hosts, its
 * accounts, its networks and its VMs, and the fabric's migration command. Every request is logged,
 * one JSON object per line, to the configured log (with the {@code account} of its key); a request
 * whose key is unknown, or whose signature or expiry is wrong, gets CloudStack's 401 answer.
 * migrateVirtualMachine answers a job id at once and runs the migration command in the background:
 * queryAsyncJobResult answers jobstatus 0 until it finishes, then 1 (with the VM on its new host),
 * or 2 with the command's output as errortext.
 *
 * <p>The zone file:
 * <pre>
 * {
 *   "port": 18080,
 *   "apiKey": "...", "secretKey": "...",   // the root admin's keys (account "admin", accounttype 1): the manager's
 *   "hosts": [{"id": "uuid", "name": "h1"}],
 *   "network": {"id": "uuid", "name": "alice-home", "vni": 5000,  // the VMs' Home Network (unless each names one)
 *               "account": "alice"},       // optional: its owner; without it, the recorded one (alice, ROOT)
 *   "networks": [                          // optional: more networks, each owned by an account
 *     {"id": "uuid", "name": "bob-home", "account": "bob", "vni": 5001,   // vni: for migrations of its VMs
 *      "offering": "Home Network (VNET)"}],   // optional: another offering makes it no Home Network
 *   "accounts": [                          // optional: tenants' accounts, each with its user's key pair
 *     {"name": "alice", "apiKey": "...", "secretKey": "...",
 *      "id": "uuid", "domainid": "uuid", "domain": "ROOT", // optional (id from the name; ROOT domain)
 *      "accounttype": 0,                   // optional: 0 user (default), 2 domain admin, 1 root admin
 *      "user": "alice"}],                  // optional: the user's name (default: the account's)
 *   "vms": [{"id": "uuid", "name": "i-2-7-VM", "mac": "02:...", "hostId": "uuid",
 *            "network": "uuid"}],          // optional: the VM's network (default: "network")
 *   "migrate": ["/path/to/script"],        // run as: script VNI MAC FROM-HOST TO-HOST
 *   "fixtures": "/path/to/4.20",           // the recorded answers (plugin/manager-cloudstack/src/test/resources/cloudstack/4.20)
 *   "log": "/path/to/requests.jsonl"       // where each request is logged
 * }
 * </pre>
 * Each request is checked against the key pair its {@code apikey} names. listAccounts answers a
 * root admin with every account (the admin's and the declared ones), filtered by the {@code name},
 * {@code id} and {@code domainid} parameters, and any other caller with its own account only; each
 * account lists its user with {@code username} and {@code apikey}. listNetworks and
 * listVirtualMachines answer a root admin with every network or VM, and any other caller with those
 * of its own account; both filter by {@code account}/{@code domainid} (and listNetworks by
 * {@code id}); {@code account} together with {@code projectid} is refused with 431 as CloudStack
 * does. A project listing ({@code projectid=-1}) is empty.
 *
 * <p>An IT declaring two tenants, each with one Home Network:
 * <pre>
 * ArrayNode accounts = zone.putArray("accounts");
 * accounts.addObject().put("name", "alice").put("apiKey", aliceKey).put("secretKey", aliceSecret);
 * accounts.addObject().put("name", "bob").put("apiKey", bobKey).put("secretKey", bobSecret)
 *         .put("domainid", UUID.randomUUID().toString()).put("domain", "tenants");
 * zone.putObject("network").put("id", aliceNet).put("name", "alice-home").put("vni", 0).put("account", "alice");
 * zone.putArray("networks").addObject().put("id", bobNet).put("name", "bob-home").put("account", "bob");
 * zone.putArray("vms").addObject().put("id", vmId).put("name", "i-2-7-VM").put("mac", mac).put("hostId", h1Id)
 *         .put("network", bobNet);
 * StandInProcess.start(fabric, mgr, zone);   // integration-tests/tests: fills in "fixtures" and "log"
 * </pre>
 */
public final class CloudStackStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CloudStack's accounttype of a root admin (1), and of a domain admin (2). */
    private static final int ROOT_ADMIN = 1;
    private static final int DOMAIN_ADMIN = 2;

    /** An account of the zone and the key pair of its one user. */
    private static final class Account {
        final String name;
        final String id;
        final String domainId;
        final String domain;
        final int type;
        final String user;
        final String apiKey;
        final String secretKey;

        Account(String name, String id, String domainId, String domain, int type, String user, String apiKey,
                String secretKey) {
            this.name = name;
            this.id = id;
            this.domainId = domainId;
            this.domain = domain;
            this.type = type;
            this.user = user;
            this.apiKey = apiKey;
            this.secretKey = secretKey;
        }

        boolean rootAdmin() {
            return type == ROOT_ADMIN;
        }

        boolean owns(Net n) {
            return name.equals(n.account) && domainId.equals(n.domainId);
        }
    }

    /** A network of the zone and its owner. */
    private static final class Net {
        final String id;
        final String name;
        final int vni;
        final String account;
        final String domainId;
        final String domain;
        /** null: the recorded Home Network offering. */
        final String offering;

        Net(String id, String name, int vni, String account, String domainId, String domain, String offering) {
            this.id = id;
            this.name = name;
            this.vni = vni;
            this.account = account;
            this.domainId = domainId;
            this.domain = domain;
            this.offering = offering;
        }
    }

    /** A VM of the zone: where it runs (a host id) and its NIC on its network. */
    private static final class Vm {
        final String id;
        final String name;
        final String mac;
        final Net net;
        volatile String hostId;

        Vm(JsonNode j, Net net) {
            id = j.path("id").asText();
            name = j.path("name").asText();
            mac = j.path("mac").asText();
            hostId = j.path("hostId").asText();
            this.net = net;
        }
    }

    /** An async job: 0 pending, 1 done, 2 failed. */
    private static final class Job {
        final String id = UUID.randomUUID().toString();
        final Vm vm;
        volatile int status;
        volatile String error;

        Job(Vm vm) {
            this.vm = vm;
        }
    }

    private final JsonNode config;
    private final Path fixtures;
    /** Every account by its API key, the root admin's first. */
    private final Map<String, Account> byKey = new LinkedHashMap<>();
    private final Map<String, Net> networks = new LinkedHashMap<>();
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    private final Map<String, String> hostNames = new TreeMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final PrintWriter log;

    private CloudStackStandIn(JsonNode config) throws IOException {
        this.config = config;
        this.fixtures = Path.of(config.path("fixtures").asText());
        // the admin account as recorded (listAccounts-admin.json), its user holding the zone's key pair
        JsonNode admin = fixture("listAccounts-admin.json").path("listaccountsresponse").path("account").get(0);
        Account root = new Account(admin.path("name").asText(), admin.path("id").asText(), admin.path("domainid").asText(),
                admin.path("domain").asText(), ROOT_ADMIN, "admin", config.path("apiKey").asText(),
                config.path("secretKey").asText());
        byKey.put(root.apiKey, root);
        for (JsonNode a : config.path("accounts")) {
            String name = a.path("name").asText();
            Account account = new Account(name, a.path("id").asText(UUID.nameUUIDFromBytes(
                    ("account:" + name).getBytes(StandardCharsets.UTF_8)).toString()),
                    a.path("domainid").asText(root.domainId), a.path("domain").asText(root.domain),
                    a.path("accounttype").asInt(0), a.path("user").asText(name), a.path("apiKey").asText(),
                    a.path("secretKey").asText());
            if (name.isEmpty() || account.apiKey.isEmpty() || account.secretKey.isEmpty()
                    || byKey.containsKey(account.apiKey)) {
                throw new IllegalArgumentException("accounts: each needs a name and its own apiKey and secretKey: " + a);
            }
            byKey.put(account.apiKey, account);
        }
        // the main network, owned as recorded unless the zone names its account
        JsonNode recorded = fixture("listNetworks.json").path("listnetworksresponse").path("network").get(0);
        if (config.has("network")) {
            addNetwork(config.path("network"), recorded);
        }
        for (JsonNode n : config.path("networks")) {
            addNetwork(n, recorded);
        }
        Net main = config.has("network") ? networks.get(config.path("network").path("id").asText()) : null;
        for (JsonNode v : config.path("vms")) {
            Net net = v.has("network") ? networks.get(v.path("network").asText()) : main;
            if (net == null) {
                throw new IllegalArgumentException("vms: the network of " + v + " is not declared (\"network\")");
            }
            vms.put(v.path("id").asText(), new Vm(v, net));
        }
        config.path("hosts").forEach(h -> hostNames.put(h.path("id").asText(), h.path("name").asText()));
        this.log = new PrintWriter(Files.newBufferedWriter(Path.of(config.path("log").asText())), true);
    }

    private void addNetwork(JsonNode n, JsonNode recorded) {
        String owner = n.path("account").asText("");
        String account = recorded.path("account").asText();
        String domainId = recorded.path("domainid").asText();
        String domain = recorded.path("domain").asText();
        if (!owner.isEmpty()) {
            Account a = byKey.values().stream().filter(x -> x.name.equals(owner)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("networks: account '" + owner + "' of " + n + " is not declared"));
            account = a.name;
            domainId = a.domainId;
            domain = a.domain;
        }
        if (n.path("id").asText().isEmpty() || networks.containsKey(n.path("id").asText())) {
            throw new IllegalArgumentException("networks: each needs an id of its own: " + n);
        }
        Net net = new Net(n.path("id").asText(), n.path("name").asText(), n.path("vni").asInt(0), account, domainId,
                domain, n.has("offering") ? n.path("offering").asText() : null);
        networks.put(net.id, net);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CloudStackStandIn CONFIG.json");
            System.exit(2);
        }
        CloudStackStandIn s = new CloudStackStandIn(JSON.readTree(Files.readString(Path.of(args[0]))));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", s.config.path("port").asInt()), 0);
        server.createContext("/client/api", s::serve);
        server.createContext("/client/plugins/", CloudStackStandIn::plugin);
        server.start();
        System.out.println("CloudStack stand-in (" + s.fixtures.getFileName() + " shapes) at http://127.0.0.1:"
                + s.config.path("port").asInt() + "/client/api, " + s.byKey.size() + " account(s)");
    }

    /**
     * {@code GET /client/plugins/NAME?path=URL}: what CloudStack's console shows for a UI plugin of
     * config.json, the plugin's page in an iframe, on the console's origin. (A stand-in for the
     * console's frame only, to test who may frame the manager's page; not CloudStack's own markup.)
     */
    private static void plugin(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        String path = ApiRequest.params(query).getOrDefault("path", "");
        String name = x.getRequestURI().getPath().substring("/client/plugins/".length());
        boolean ok = path.startsWith("http://") || path.startsWith("https://");
        String attr = path.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        byte[] body = (ok ? "<!doctype html><html><head><title>" + name.replace("<", "&lt;") + "</title></head>"
                + "<body style=\"margin:0\"><iframe id=\"plugin\" src=\"" + attr + "\" style=\"border:0;width:100vw;"
                + "height:100vh\"></iframe></body></html>" : "path: expected an http(s) URL").getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", ok ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
        x.sendResponseHeaders(ok ? 200 : 400, body.length);
        try (var out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private void serve(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        Map<String, String> params = ApiRequest.params(query);
        String command = params.getOrDefault("command", "");
        int status = 200;
        JsonNode answer;
        try {
            Account caller = byKey.get(params.getOrDefault("apikey", ""));
            String refusal = ApiRequest.refusal(query == null ? "" : query,
                    key -> byKey.containsKey(key) ? byKey.get(key).secretKey : null);
            if (refusal != null) {
                status = 401;
                answer = error(command, 401, "unable to verify user credentials and/or request signature");
            } else {
                answer = answer(command, params, caller);
                if (answer == null) {
                    status = 431;
                    answer = fixture("error-431.json");
                } else if (answer.path(command.toLowerCase(Locale.ROOT) + "response").has("errorcode")) {
                    status = answer.path(command.toLowerCase(Locale.ROOT) + "response").path("errorcode").asInt();
                }
            }
            ObjectNode entry = JSON.createObjectNode().put("command", command).put("status", status);
            entry.set("params", JSON.valueToTree(params));
            entry.put("time", System.currentTimeMillis());
            if (caller != null) {
                entry.put("account", caller.name);
            }
            if (answer.path("queryasyncjobresultresponse").has("jobstatus")) {
                entry.put("jobstatus", answer.path("queryasyncjobresultresponse").path("jobstatus").asInt());
            }
            if (refusal != null) {
                entry.put("refused", refusal);
            }
            log.println(JSON.writeValueAsString(entry));
        } catch (RuntimeException e) {
            // CloudStack's internal error, as it answers one (errorcode 530), and the trace in the
            // stand-in's log so that a test failing on it says why
            e.printStackTrace();
            status = 530;
            answer = error(command, 530, "stand-in failed: " + e);
        }
        byte[] body = JSON.writeValueAsBytes(answer);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream os = x.getResponseBody()) {
            os.write(body);
        }
    }




    /** CloudStack's error answer (the recorded ExceptionResponse) for {@code command}. */
    private JsonNode error(String command, int code, String text) throws IOException {
        ObjectNode inner = (ObjectNode) fixture("error-401.json").path("listvirtualmachinesresponse").deepCopy();
        inner.put("errorcode", code).put("errortext", text);
        ObjectNode r = JSON.createObjectNode();
        r.set(command.toLowerCase(Locale.ROOT) + "response", inner);
        return r;
    }

    /** Whether the caller may see what this account owns: a root admin sees everything, others their own. */
    private static boolean sees(Account caller, String account, String domainId) {
        return caller.rootAdmin() || (caller.name.equals(account) && caller.domainId.equals(domainId));
    }

    /** Whether the resource of this account passes the account/domainid filters of a list call. */
    private static boolean matches(Map<String, String> p, String account, String domainId) {
        return (!p.containsKey("account") || p.get("account").equals(account))
                && (!p.containsKey("domainid") || p.get("domainid").equals(domainId));
    }

    private JsonNode answer(String command, Map<String, String> p, Account caller) throws IOException {
        switch (command) {
            case "listAccounts" -> {
                List<Account> list = byKey.values().stream().filter(a -> caller.rootAdmin() || a == caller)
                        .filter(a -> (!p.containsKey("name") || p.get("name").equals(a.name))
                                && (!p.containsKey("id") || p.get("id").equals(a.id))
                                && (!p.containsKey("domainid") || p.get("domainid").equals(a.domainId)))
                        .toList();
                if (list.isEmpty()) {
                    return JSON.createObjectNode().set("listaccountsresponse", JSON.createObjectNode());
                }
                ObjectNode r = (ObjectNode) fixture("listAccounts-user.json");
                ObjectNode body = (ObjectNode) r.path("listaccountsresponse");
                JsonNode userTemplate = body.path("account").get(0);
                JsonNode adminTemplate = fixture("listAccounts-admin.json").path("listaccountsresponse").path("account")
                        .get(0);
                ArrayNode out = JSON.createArrayNode();
                list.forEach(a -> out.add(account(a.rootAdmin() ? adminTemplate : userTemplate, a)));
                body.put("count", out.size()).set("account", out);
                return r;
            }
            case "listVirtualMachines" -> {
                if ("-1".equals(p.get("projectid"))) {
                    return fixture("listVirtualMachines-empty.json"); // no VM of this zone belongs to a project
                }
                List<Vm> list = vms.values().stream().filter(v -> !p.containsKey("id") || v.id.equals(p.get("id")))
                        .filter(v -> sees(caller, v.net.account, v.net.domainId) && matches(p, v.net.account, v.net.domainId))
                        .toList();
                if (list.isEmpty()) {
                    return p.containsKey("id") ? null : fixture("listVirtualMachines-empty.json");
                }
                ObjectNode r = (ObjectNode) fixture("listVirtualMachines.json");
                ObjectNode body = (ObjectNode) r.path("listvirtualmachinesresponse");
                ObjectNode template = (ObjectNode) body.path("virtualmachine").get(0);
                ArrayNode out = JSON.createArrayNode();
                list.forEach(v -> out.add(vm(template, v)));
                body.put("count", out.size()).set("virtualmachine", out);
                return r;
            }
            case "listHosts" -> {
                ObjectNode r = (ObjectNode) fixture("listHosts.json");
                ObjectNode body = (ObjectNode) r.path("listhostsresponse");
                ObjectNode template = (ObjectNode) body.path("host").get(0);
                ArrayNode out = JSON.createArrayNode();
                hostNames.forEach((id, name) -> out.add(template.deepCopy().put("id", id).put("name", name)));
                body.put("count", out.size()).set("host", out);
                return r;
            }
            case "listNetworks" -> {
                if (p.containsKey("account") && p.containsKey("projectid")) {
                    return error(command, 431, "Account and projectId can't be specified together");
                }
                if ("-1".equals(p.get("projectid"))) {
                    return JSON.createObjectNode().set("listnetworksresponse", JSON.createObjectNode());
                }
                List<Net> list = networks.values().stream().filter(n -> !p.containsKey("id") || n.id.equals(p.get("id")))
                        .filter(n -> sees(caller, n.account, n.domainId) && matches(p, n.account, n.domainId)).toList();
                if (list.isEmpty()) {
                    return JSON.createObjectNode().set("listnetworksresponse", JSON.createObjectNode());
                }
                ObjectNode r = (ObjectNode) fixture("listNetworks.json");
                ObjectNode body = (ObjectNode) r.path("listnetworksresponse");
                ObjectNode home = (ObjectNode) body.path("network").get(0);
                ObjectNode other = (ObjectNode) body.path("network").get(1);
                ArrayNode out = JSON.createArrayNode();
                list.forEach(n -> out.add(network(n.offering == null ? home : other, n)));
                body.put("count", out.size()).set("network", out);
                return r;
            }
            case "migrateVirtualMachine" -> {
                Vm v = vms.get(p.getOrDefault("virtualmachineid", ""));
                String host = p.getOrDefault("hostid", "");
                if (v == null || !hostNames.containsKey(host)) {
                    return null;
                }
                Job j = new Job(v);
                jobs.put(j.id, j);
                Thread t = new Thread(() -> run(j, host), "migrate-" + v.name);
                t.start();
                ObjectNode r = (ObjectNode) fixture("migrateVirtualMachine.json");
                ((ObjectNode) r.path("migratevirtualmachineresponse")).put("id", v.id).put("jobid", j.id);
                return r;
            }
            case "queryAsyncJobResult" -> {
                Job j = jobs.get(p.getOrDefault("jobid", ""));
                if (j == null) {
                    return null;
                }
                // the job's status read once: the migration thread may finish it while this answers
                // (read twice, a pending answer was once given a done job's body: CI run 10's 530)
                int status = j.status;
                String name = status == 0 ? "queryAsyncJobResult-pending.json"
                        : status == 1 ? "queryAsyncJobResult-done.json" : "queryAsyncJobResult-failed.json";
                ObjectNode r = (ObjectNode) fixture(name);
                ObjectNode body = (ObjectNode) r.path("queryasyncjobresultresponse");
                body.put("jobid", j.id).put("jobinstanceid", j.vm.id);
                if (status == 1) {
                    ObjectNode vm = (ObjectNode) body.path("jobresult").path("virtualmachine");
                    body.with("jobresult").set("virtualmachine", vm(vm, j.vm));
                } else if (status == 2) {
                    ((ObjectNode) body.path("jobresult")).put("errortext", j.error);
                }
                return r;
            }
            default -> {
                return null;
            }
        }
    }

    /** The recorded account {@code template}, rewritten to be {@code a}, with its one user and that user's API key. */
    private static JsonNode account(JsonNode template, Account a) {
        ObjectNode o = template.deepCopy();
        o.put("id", a.id).put("name", a.name).put("accounttype", a.type).put("domainid", a.domainId)
                .put("domain", a.domain).put("domainpath", a.domain.equals("ROOT") ? "ROOT" : "ROOT/" + a.domain);
        ObjectNode user = ((ObjectNode) template.path("user").get(0)).deepCopy();
        user.put("id", UUID.nameUUIDFromBytes(("user:" + a.name + "/" + a.user).getBytes(StandardCharsets.UTF_8)).toString())
                .put("username", a.user).put("account", a.name).put("accountid", a.id).put("accounttype", a.type)
                .put("domainid", a.domainId).put("domain", a.domain).put("apikey", a.apiKey);
        if (a.type != template.path("accounttype").asInt()) {
            // a declared account of another type than its template: the default role of the type
            String type = a.rootAdmin() ? "Admin" : a.type == DOMAIN_ADMIN ? "DomainAdmin" : "User";
            String name = a.rootAdmin() ? "Root Admin" : a.type == DOMAIN_ADMIN ? "Domain Admin" : "User";
            o.put("roletype", type).put("rolename", name);
            user.put("roletype", type).put("rolename", name);
        }
        o.set("user", JSON.createArrayNode().add(user));
        return o;
    }

    /** A recorded network ({@code template}: the Home Network or the other one), rewritten to be {@code n}. */
    private static JsonNode network(ObjectNode template, Net n) {
        ObjectNode o = template.deepCopy();
        o.put("id", n.id).put("related", n.id).put("name", n.name).put("displaytext", n.name).put("account", n.account)
                .put("domainid", n.domainId).put("domain", n.domain);
        if (n.offering != null) {
            o.put("networkofferingname", n.offering).put("networkofferingdisplaytext", n.offering);
        }
        return o;
    }

    /** The recorded VM {@code template}, rewritten to be {@code v}: ids, names, owner, host, and its one NIC. */
    private JsonNode vm(ObjectNode template, Vm v) {
        ObjectNode o = template.deepCopy();
        o.put("id", v.id).put("name", v.name).put("displayname", v.name).put("instancename", v.name)
                .put("hostid", v.hostId).put("hostname", hostNames.get(v.hostId)).put("account", v.net.account)
                .put("domainid", v.net.domainId).put("domain", v.net.domain);
        ObjectNode nic = ((ObjectNode) template.path("nic").get(0)).deepCopy();
        nic.put("macaddress", v.mac).put("networkid", v.net.id).put("networkname", v.net.name);
        o.set("nic", JSON.createArrayNode().add(nic));
        return o;
    }

    /** Runs the fabric's migration command for job {@code j}: {@code command... VNI MAC FROM TO} (host names). */
    private void run(Job j, String toHostId) {
        List<String> cmd = new ArrayList<>();
        config.path("migrate").forEach(c -> cmd.add(c.asText()));
        cmd.add(Integer.toString(j.vm.net.vni));
        cmd.add(j.vm.mac);
        cmd.add(hostNames.get(j.vm.hostId));
        cmd.add(hostNames.get(toHostId));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0) {
                j.vm.hostId = toHostId;
                j.status = 1;
            } else {
                j.error = "Unable to migrate VM " + j.vm.name + ": " + out;
                j.status = 2;
            }
        } catch (IOException | InterruptedException e) {
            j.error = "Unable to migrate VM " + j.vm.name + ": " + e;
            j.status = 2;
        }
    }

    private JsonNode fixture(String name) throws IOException {
        return JSON.readTree(Files.readString(fixtures.resolve(name)));
    }

}
