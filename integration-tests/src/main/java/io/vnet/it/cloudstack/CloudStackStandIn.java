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
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code CloudStackStandIn CONFIG.json}: a CloudStack API endpoint at {@code
 * http://127.0.0.1:PORT/client/api} for the test fabric. The configuration names the API keys,
 * the fixtures folder (a CloudStack version's recorded answers), the zone's hosts, its Home
 * Network and its VMs, and the fabric's migration command. Every request is logged, one JSON
 * object per line, to the configured log; a request whose signature, key or expiry is wrong gets
 * CloudStack's 401 answer. migrateVirtualMachine answers a job id at once and runs the migration
 * command in the background: queryAsyncJobResult answers jobstatus 0 until it finishes, then 1
 * (with the VM on its new host), or 2 with the command's output as errortext.
 */
public final class CloudStackStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");

    /** A VM of the zone: where it runs (a host id) and its NIC on the Home Network. */
    private static final class Vm {
        final String id;
        final String name;
        final String mac;
        volatile String hostId;

        Vm(JsonNode j) {
            id = j.path("id").asText();
            name = j.path("name").asText();
            mac = j.path("mac").asText();
            hostId = j.path("hostId").asText();
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
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    private final Map<String, String> hostNames = new TreeMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final PrintWriter log;

    private CloudStackStandIn(JsonNode config) throws IOException {
        this.config = config;
        this.fixtures = Path.of(config.path("fixtures").asText());
        config.path("vms").forEach(v -> vms.put(v.path("id").asText(), new Vm(v)));
        config.path("hosts").forEach(h -> hostNames.put(h.path("id").asText(), h.path("name").asText()));
        this.log = new PrintWriter(Files.newBufferedWriter(Path.of(config.path("log").asText())), true);
    }

    /**
     * Starts the stand-in in {@code host}'s namespace, by pid under the fabric, for {@code zone}:
     * the configuration above but for {@code fixtures} (CloudStack 4.20's recorded answers in
     * this repository) and {@code log}, which this fills in. Returns the request log's path.
     */
    public static Path start(io.vnet.it.fabric.Fabric fabric, io.vnet.it.fabric.Host host, ObjectNode zone)
            throws IOException {
        Path log = fabric.workDir().resolve("cloudstack-requests.jsonl");
        zone.put("fixtures", fabric.repoDir().resolve("plugin/manager-cloudstack/src/test/resources/cloudstack/4.20").toString())
                .put("log", log.toString());
        Path file = fabric.workDir().resolve("cloudstack-zone.json");
        Files.writeString(file, JSON.writeValueAsString(zone));
        fabric.spawn(host.ns(), List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), CloudStackStandIn.class.getName(), file.toString()),
                fabric.workDir().resolve("cloudstack-standin.log"));
        return log;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CloudStackStandIn CONFIG.json");
            System.exit(2);
        }
        CloudStackStandIn s = new CloudStackStandIn(JSON.readTree(Files.readString(Path.of(args[0]))));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", s.config.path("port").asInt()), 0);
        server.createContext("/client/api", s::serve);
        server.start();
        System.out.println("CloudStack stand-in (" + s.fixtures.getFileName() + " shapes) at http://127.0.0.1:"
                + s.config.path("port").asInt() + "/client/api");
    }

    private void serve(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        Map<String, String> params = params(query == null ? "" : query);
        String command = params.getOrDefault("command", "");
        int status = 200;
        JsonNode answer;
        try {
            String refusal = refusal(query == null ? "" : query, params);
            if (refusal != null) {
                status = 401;
                answer = fixture("error-401.json");
            } else {
                answer = answer(command, params);
                if (answer == null) {
                    status = 431;
                    answer = fixture("error-431.json");
                }
            }
            ObjectNode entry = JSON.createObjectNode().put("command", command).put("status", status);
            entry.set("params", JSON.valueToTree(params));
            entry.put("time", System.currentTimeMillis());
            if (answer.path("queryasyncjobresultresponse").has("jobstatus")) {
                entry.put("jobstatus", answer.path("queryasyncjobresultresponse").path("jobstatus").asInt());
            }
            if (refusal != null) {
                entry.put("refused", refusal);
            }
            log.println(JSON.writeValueAsString(entry));
        } catch (RuntimeException e) {
            status = 530;
            answer = JSON.createObjectNode().put("error", e.toString());
        }
        byte[] body = JSON.writeValueAsBytes(answer);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream os = x.getResponseBody()) {
            os.write(body);
        }
    }

    /** Why CloudStack would refuse this request, or null: key, expiry and signature, as ApiServer checks them. */
    private String refusal(String rawQuery, Map<String, String> params) {
        if (!config.path("apiKey").asText().equals(params.get("apikey"))) {
            return "unknown apiKey";
        }
        if (!"3".equals(params.get("signatureversion"))) {
            return "signatureVersion is not 3";
        }
        String expires = params.get("expires");
        if (expires == null || OffsetDateTime.parse(expires, EXPIRES).isBefore(OffsetDateTime.now())) {
            return "expired or no expires";
        }
        // everything but the signature, sorted by name, values as sent (URL-encoded), lower-cased
        List<String> parts = new ArrayList<>();
        String signature = null;
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (k.equalsIgnoreCase("signature")) {
                signature = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            } else {
                parts.add(kv.replace("+", "%20"));
            }
        }
        parts.sort(String.CASE_INSENSITIVE_ORDER);
        String expected = hmacSha1(config.path("secretKey").asText(), String.join("&", parts).toLowerCase(Locale.ROOT));
        return expected.equals(signature) ? null : "bad signature";
    }

    private static String hmacSha1(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parameter names lower-cased (CloudStack's are case-insensitive), values decoded. */
    private static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new TreeMap<>();
        for (String kv : rawQuery.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            out.put((eq < 0 ? kv : kv.substring(0, eq)).toLowerCase(Locale.ROOT),
                    eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private JsonNode answer(String command, Map<String, String> p) throws IOException {
        switch (command) {
            case "listVirtualMachines" -> {
                if ("-1".equals(p.get("projectid"))) {
                    return fixture("listVirtualMachines-empty.json"); // no VM of this zone belongs to a project
                }
                List<Vm> list = vms.values().stream().filter(v -> !p.containsKey("id") || v.id.equals(p.get("id"))).toList();
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
                if ("-1".equals(p.get("projectid"))) {
                    return JSON.createObjectNode().set("listnetworksresponse", JSON.createObjectNode());
                }
                ObjectNode r = (ObjectNode) fixture("listNetworks.json");
                ObjectNode body = (ObjectNode) r.path("listnetworksresponse");
                ObjectNode net = ((ObjectNode) body.path("network").get(0)).deepCopy();
                net.put("id", config.path("network").path("id").asText())
                        .put("name", config.path("network").path("name").asText());
                body.put("count", 1).set("network", JSON.createArrayNode().add(net));
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
                String name = j.status == 0 ? "queryAsyncJobResult-pending.json"
                        : j.status == 1 ? "queryAsyncJobResult-done.json" : "queryAsyncJobResult-failed.json";
                ObjectNode r = (ObjectNode) fixture(name);
                ObjectNode body = (ObjectNode) r.path("queryasyncjobresultresponse");
                body.put("jobid", j.id).put("jobinstanceid", j.vm.id);
                if (j.status == 1) {
                    ObjectNode vm = (ObjectNode) body.path("jobresult").path("virtualmachine");
                    body.with("jobresult").set("virtualmachine", vm(vm, j.vm));
                } else if (j.status == 2) {
                    ((ObjectNode) body.path("jobresult")).put("errortext", j.error);
                }
                return r;
            }
            default -> {
                return null;
            }
        }
    }

    /** The recorded VM {@code template}, rewritten to be {@code v}: ids, names, host, and its one NIC. */
    private JsonNode vm(ObjectNode template, Vm v) {
        ObjectNode o = template.deepCopy();
        o.put("id", v.id).put("name", v.name).put("displayname", v.name).put("instancename", v.name)
                .put("hostid", v.hostId).put("hostname", hostNames.get(v.hostId));
        ObjectNode nic = ((ObjectNode) template.path("nic").get(0)).deepCopy();
        nic.put("macaddress", v.mac).put("networkid", config.path("network").path("id").asText())
                .put("networkname", config.path("network").path("name").asText());
        o.set("nic", JSON.createArrayNode().add(nic));
        return o;
    }

    /** Runs the fabric's migration command for job {@code j}: {@code command... VNI MAC FROM TO} (host names). */
    private void run(Job j, String toHostId) {
        List<String> cmd = new ArrayList<>();
        config.path("migrate").forEach(c -> cmd.add(c.asText()));
        cmd.add(config.path("network").path("vni").asText());
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

    /** How a client signs a query: for tests that check this stand-in itself. */
    static String sign(String secret, Map<String, String> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
        parts.sort(String.CASE_INSENSITIVE_ORDER);
        return hmacSha1(secret, String.join("&", parts).toLowerCase(Locale.ROOT));
    }
}
