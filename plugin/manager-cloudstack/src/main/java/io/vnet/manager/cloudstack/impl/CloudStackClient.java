package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackNic;
import io.vnet.manager.cloudstack.CloudStackVm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * CloudStack's HTTP API, signed with the API key and secret key (signatureVersion 3: every request
 * carries an {@code expires} time), JSON answers. Each call is a GET on the API URL (e.g.
 * {@code http://cloudstack:8080/client/api}). An error answer becomes a {@link CloudStackException}
 * with CloudStack's errorcode and errortext and the command; a connection failure becomes one that
 * is {@link CloudStackException#unreachable() unreachable}.
 */
public final class CloudStackClient {
    /** The {@code expires} format CloudStack's developer guide names: yyyy-MM-ddThh:mm:ssZ, e.g. 2011-10-10T12:00:00+0530. */
    static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ").withZone(ZoneOffset.UTC);
    /** How CloudStack writes dates in answers, e.g. 2024-03-05T10:15:30+0000. */
    static final DateTimeFormatter ANSWER_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param endpoint       the API URL, e.g. http://cloudstack:8080/client/api
     * @param expires        how long a signed request stays valid
     * @param requestTimeout how long one HTTP request may take
     * @param pageSize       the page size of list calls
     */
    public record Settings(URI endpoint, String apiKey, String secretKey, Duration expires, Duration requestTimeout,
                           int pageSize) {
        public Settings {
            if (endpoint == null || !(endpoint.getScheme() != null
                    && (endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https")))) {
                throw new IllegalArgumentException("url: expected an http(s) URL of CloudStack's API, e.g."
                        + " http://cloudstack:8080/client/api, got '" + endpoint + "'");
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey: must not be empty");
            }
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize: must be positive");
            }
        }
    }

    private final Settings settings;
    private final ApiSigner signer;
    private final HttpClient http;
    private final Clock clock;

    public CloudStackClient(Settings settings, Clock clock) {
        this(settings, clock, httpClient(settings.requestTimeout()));
    }

    /** A client over a shared HTTP client (e.g. one per tenant sign-in: each needs its own keys). */
    CloudStackClient(Settings settings, Clock clock, HttpClient http) {
        this.settings = settings;
        this.signer = new ApiSigner(settings.secretKey());
        this.clock = clock;
        this.http = http;
    }

    /** The HTTP client a CloudStack client uses: this connect timeout, no redirects followed. */
    static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI endpoint() {
        return settings.endpoint();
    }

    /** The signed URL of a call (the parameters with command, response, apiKey, signatureVersion, expires, signature). */
    URI signedUri(String command, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("command", command);
        params.forEach((k, v) -> {
            if (v != null) {
                all.put(k, v);
            }
        });
        all.put("response", "json");
        all.put("apiKey", settings.apiKey());
        all.put("signatureVersion", "3");
        all.put("expires", EXPIRES.format(clock.instant().plus(settings.expires())));
        StringJoiner q = new StringJoiner("&");
        all.forEach((k, v) -> q.add(k + "=" + ApiSigner.encode(v)));
        q.add("signature=" + ApiSigner.encode(signer.sign(all)));
        return URI.create(settings.endpoint() + "?" + q);
    }

    /**
     * Calls a command; returns the inner object of the answer (the value of e.g.
     * {@code listvirtualmachinesresponse}).
     */
    public JsonNode call(String command, Map<String, String> params) throws CloudStackException {
        HttpRequest req = HttpRequest.newBuilder(signedUri(command, params)).timeout(settings.requestTimeout())
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CloudStackException(command, settings.endpoint().toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudStackException(command, settings.endpoint().toString(), e);
        }
        int status = resp.statusCode();
        JsonNode root;
        try {
            root = JSON.readTree(resp.body());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            String body = resp.body() == null ? "" : resp.body().strip();
            throw new CloudStackException(command, status, status, "not a JSON answer: "
                    + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
        }
        JsonNode inner = root.get(command.toLowerCase(Locale.ROOT) + "response");
        if (inner == null) {
            inner = root.elements().next(); // e.g. "errorresponse" for an unknown command
        }
        if (inner.has("errorcode")) {
            throw new CloudStackException(command, status, inner.path("errorcode").asInt(), text(inner, "errortext"));
        }
        if (status / 100 != 2) {
            throw new CloudStackException(command, status, status, "HTTP " + status + " without an error code");
        }
        return inner;
    }

    /** All pages of a list call: the items under {@code itemKey} (e.g. "virtualmachine"). */
    List<JsonNode> list(String command, String itemKey, Map<String, String> params) throws CloudStackException {
        List<JsonNode> out = new ArrayList<>();
        int pageSize = settings.pageSize();
        for (int page = 1; page <= 100_000; page++) {
            Map<String, String> p = new LinkedHashMap<>(params);
            p.put("page", Integer.toString(page));
            p.put("pagesize", Integer.toString(pageSize));
            JsonNode inner = call(command, p);
            JsonNode items = inner.path(itemKey);
            items.forEach(out::add);
            int count = inner.path("count").asInt(0);
            if (items.size() < pageSize || out.size() >= count) {
                break;
            }
        }
        return out;
    }

    // ---- VMs

    /** VMs matching the filter, of every account (listall=true) and of every project (a second query, projectid=-1). */
    public List<CloudStackVm> listVirtualMachines(Map<String, String> filter) throws CloudStackException {
        List<CloudStackVm> out = new ArrayList<>();
        for (JsonNode n : listAllAccountsAndProjects("listVirtualMachines", "virtualmachine", filter)) {
            out.add(vm(n));
        }
        return out;
    }

    /**
     * A list call's items of every account (listall=true), then of every project (the same query
     * with projectid=-1), each id once: the first answer wins.
     */
    private List<JsonNode> listAllAccountsAndProjects(String command, String itemKey, Map<String, String> filter)
            throws CloudStackException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        Map<String, String> p = new LinkedHashMap<>(filter);
        p.put("listall", "true");
        for (JsonNode n : list(command, itemKey, p)) {
            byId.put(text(n, "id"), n);
        }
        p.put("projectid", "-1");
        for (JsonNode n : list(command, itemKey, p)) {
            byId.putIfAbsent(text(n, "id"), n);
        }
        return new ArrayList<>(byId.values());
    }

    /** The VM with this uuid, if CloudStack knows it. */
    public Optional<CloudStackVm> virtualMachine(String uuid) throws CloudStackException {
        return listVirtualMachines(Map.of("id", uuid)).stream().filter(v -> v.uuid().equalsIgnoreCase(uuid)).findFirst();
    }

    static CloudStackVm vm(JsonNode n) {
        List<CloudStackNic> nics = new ArrayList<>();
        for (JsonNode nic : n.path("nic")) {
            String mac = text(nic, "macaddress");
            nics.add(new CloudStackNic(text(nic, "id"), mac == null ? null : mac.toLowerCase(Locale.ROOT),
                    text(nic, "networkid"), text(nic, "networkname"), nic.path("isdefault").asBoolean(false),
                    text(nic, "broadcasturi"), null));
        }
        return new CloudStackVm(text(n, "id"), text(n, "name"), text(n, "displayname"), text(n, "account"),
                text(n, "domain"), text(n, "domainid"), text(n, "state"), text(n, "hostid"), text(n, "hostname"),
                text(n, "instancename"), nics);
    }

    // ---- hosts, networks, offerings, zones

    /** The hypervisor hosts (type Routing). */
    public List<CsHost> listRoutingHosts() throws CloudStackException {
        List<CsHost> out = new ArrayList<>();
        for (JsonNode n : list("listHosts", "host", Map.of("type", "Routing"))) {
            out.add(new CsHost(text(n, "id"), text(n, "name"), text(n, "state"), text(n, "type"), text(n, "ipaddress"),
                    text(n, "hypervisor"), text(n, "version")));
        }
        return out;
    }

    /** Networks of every account and project matching the filter. */
    public List<CsNetwork> listNetworks(Map<String, String> filter) throws CloudStackException {
        List<CsNetwork> out = new ArrayList<>();
        for (JsonNode n : listAllAccountsAndProjects("listNetworks", "network", filter)) {
            out.add(network(n));
        }
        return out;
    }

    /**
     * The networks of one account: {@code listNetworks account=<name> domainid=<id> listall=true}, one
     * query. Not asked again with {@code projectid=-1}: CloudStack refuses an account together with a
     * project ("Account and projectId can't be specified together"), and a project's networks are not
     * the account's.
     */
    public List<CsNetwork> listAccountNetworks(String account, String domainId) throws CloudStackException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("account", account);
        p.put("domainid", domainId);
        p.put("listall", "true");
        List<CsNetwork> out = new ArrayList<>();
        for (JsonNode n : list("listNetworks", "network", p)) {
            out.add(network(n));
        }
        return out;
    }

    /**
     * The network with this id: its uuid, or its numeric database id (listNetworks' id parameter
     * predates CloudStack 3 and so accepts both; the Network Extension names networks by the latter).
     */
    public Optional<CsNetwork> network(String id) throws CloudStackException {
        List<CsNetwork> l = listNetworks(Map.of("id", id));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    static CsNetwork network(JsonNode n) {
        return new CsNetwork(text(n, "id"), text(n, "name"), text(n, "networkofferingid"),
                text(n, "networkofferingname"), text(n, "type"), text(n, "broadcasturi"), text(n, "zoneid"),
                text(n, "state"));
    }

    /** Network offerings with this name (CloudStack matches the name as a keyword; callers check equality). */
    public List<CsOffering> listNetworkOfferings(String name) throws CloudStackException {
        List<CsOffering> out = new ArrayList<>();
        for (JsonNode n : list("listNetworkOfferings", "networkoffering", name == null ? Map.of() : Map.of("name", name))) {
            out.add(offering(n));
        }
        return out;
    }

    public CsOffering createNetworkOffering(Map<String, String> params) throws CloudStackException {
        return offering(call("createNetworkOffering", params).path("networkoffering"));
    }

    static CsOffering offering(JsonNode n) {
        return new CsOffering(text(n, "id"), text(n, "name"), text(n, "state"), text(n, "guestiptype"),
                text(n, "traffictype"));
    }

    // ---- accounts

    /**
     * listAccounts as the caller of this client sees it, each account as CloudStack answers it
     * ({@code id}, {@code name}, {@code accounttype}, {@code roletype}, {@code domainid}, {@code domain},
     * {@code user[]} with {@code username} and {@code apikey}, ...). A User-role caller gets its own
     * account; an admin gets the accounts of its domain.
     */
    public List<JsonNode> listAccounts(Map<String, String> filter) throws CloudStackException {
        return list("listAccounts", "account", filter);
    }

    // ---- events

    /**
     * Events since {@code startDate} (CloudStack's format yyyy-MM-dd HH:mm:ss, in the management
     * server's time zone), of every account; {@code type} may be null (all types).
     */
    public List<CsEvent> listEvents(String startDate, String type) throws CloudStackException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listall", "true");
        p.put("startdate", startDate);
        if (type != null) {
            p.put("type", type);
        }
        List<CsEvent> out = new ArrayList<>();
        for (JsonNode n : list("listEvents", "event", p)) {
            out.add(new CsEvent(text(n, "id"), text(n, "type"), text(n, "state"), text(n, "resourceid"),
                    text(n, "resourcetype"), date(n, "created"), text(n, "description")));
        }
        return out;
    }

    // ---- migration and async jobs

    /** Starts a live migration; returns the async job's id. */
    public String migrateVirtualMachine(String vmId, String hostId) throws CloudStackException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("virtualmachineid", vmId);
        p.put("hostid", hostId);
        JsonNode inner = call("migrateVirtualMachine", p);
        String job = text(inner, "jobid");
        if (job == null) {
            throw new CloudStackException("migrateVirtualMachine", 200, 0, "the answer has no jobid: " + inner);
        }
        return job;
    }

    public CsJob queryAsyncJobResult(String jobId) throws CloudStackException {
        JsonNode inner = call("queryAsyncJobResult", Map.of("jobid", jobId));
        JsonNode result = inner.path("jobresult");
        int status = inner.path("jobstatus").asInt(-1);
        if (status < 0 || status > 2) {
            throw new CloudStackException("queryAsyncJobResult", 200, 0, "jobstatus: expected 0, 1 or 2 in " + inner);
        }
        return new CsJob(jobId, status, result, status == CsJob.FAILED ? result.path("errorcode").asInt(0) : 0,
                status == CsJob.FAILED ? text(result, "errortext") : null);
    }

    // ---- JSON helpers

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Instant date(JsonNode n, String field) {
        String s = text(n, field);
        if (s == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(s, ANSWER_DATE).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
