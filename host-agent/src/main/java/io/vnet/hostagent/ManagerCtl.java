package io.vnet.hostagent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vnetctl manager ...}: the manager's REST API for people (tables) and scripts ({@code
 * --json}, the API's answer as it is). {@code login} signs in as the local admin and keeps the
 * manager's address and the session's token in a file of mode 0600 ({@link ManagerSession}); every
 * other command uses it.
 */
@Command(name = "manager", description = "talk to the VNET manager's REST API (log in first: vnetctl manager login --url URL)",
        subcommands = {ManagerCtl.Login.class, ManagerCtl.Logout.class, ManagerCtl.Networks.class, ManagerCtl.Topology.class,
                ManagerCtl.Traffic.class, ManagerCtl.Agents.class, ManagerCtl.Links.class, ManagerCtl.Adaptation.class,
                ManagerCtl.Audit.class, ManagerCtl.VniMap.class, ManagerCtl.Version.class, ManagerCtl.Enrol.class,
                ManagerCtl.Enrolments.class})
final class ManagerCtl {
    @ParentCommand
    VnetCtl root;

    @Option(names = "--session", description = "the session file (default: $VNET_MANAGER_SESSION, or"
            + " $XDG_CONFIG_HOME/vnet/manager-session.json, or ~/.config/vnet/manager-session.json)")
    Path sessionFile;

    Path sessionFile() {
        return sessionFile != null ? sessionFile : ManagerSession.defaultFile();
    }

    ManagerSession session() throws IOException {
        return ManagerSession.load(sessionFile());
    }

    /** Prints {@code answer} as JSON with --json, else as {@code table} makes it. */
    int show(JsonNode answer, java.util.function.Function<JsonNode, TextTable> table) throws IOException {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        if (root.json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } else {
            TextTable t = table.apply(answer);
            if (t.isEmpty()) {
                out.println("(none)");
            } else {
                t.print(out);
            }
        }
        return 0;
    }

    int message(JsonNode answer, String text) throws IOException {
        return show(answer, a -> new TextTable("RESULT").row(text));
    }

    static String vni(int vni) {
        if (vni < 1 || vni > 16_777_215) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ManagerCtl()),
                    "VNI " + vni + ": expected 1..16777215");
        }
        return Integer.toString(vni);
    }

    @Command(name = "login", description = "sign in as the manager's local admin and keep the session (mode 0600)")
    static final class Login implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;
        @Option(names = "--url", required = true, description = "the manager's address, e.g. http://127.0.0.1:8470")
        String url;
        @Option(names = "--user", defaultValue = "admin", description = "the local admin's name (default: admin)")
        String user;
        @Option(names = "--password-file", description = "read the password from this file's first line (default:"
                + " ask, or read a line from standard input)")
        Path passwordFile;

        @Override
        public Integer call() throws IOException {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IOException("--url: expected http://HOST:PORT or https://HOST:PORT, got '" + url + "'");
            }
            ManagerSession s = ManagerSession.login(url, Json.object().put("user", user).put("password", password()));
            Path file = m.sessionFile();
            s.save(file);
            return m.message(Json.object().put("url", s.url()).put("session", file.toString()),
                    "logged in to " + s.url() + " as " + user + "; session kept in " + file + " (mode 0600)");
        }

        private String password() throws IOException {
            if (passwordFile != null) {
                return Files.readAllLines(passwordFile).stream().findFirst().orElse("").strip();
            }
            java.io.Console c = System.console();
            if (c != null) {
                char[] pw = c.readPassword("password for %s: ", user);
                return pw == null ? "" : new String(pw);
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line.strip();
        }
    }

    @Command(name = "logout", description = "forget the kept session")
    static final class Logout implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            boolean had = Files.deleteIfExists(m.sessionFile());
            return m.message(Json.object().put("loggedOut", had), had ? "logged out" : "no session to forget");
        }
    }

    @Command(name = "version", description = "the manager's version and the agent protocols it speaks, and this command's")
    static final class Version implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            ManagerSession s = m.session();
            JsonNode v = s.get("/api/version");
            return m.show(v, a -> new TextTable("WHO", "SOFTWARE", "PROTOCOLS")
                    .row("manager " + s.url(), a.path("software").asText("-"),
                            a.path("minProtocol").asInt() + ".." + a.path("protocol").asInt()));
        }
    }

    @Command(name = "networks", description = "the tenant networks the manager knows")
    static final class Networks implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            return m.show(m.session().get("/api/networks"), a -> {
                TextTable t = new TextTable("VNI", "NAME");
                a.forEach(n -> t.row(n.path("vni").asInt(), n.path("name").asText("")));
                return t;
            });
        }
    }

    @Command(name = "topology", description = "a network's topology as VTTIF inferred it")
    static final class Topology implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;
        @Parameters(index = "0", description = "the network's VNI")
        int vni;

        @Override
        public Integer call() throws IOException {
            return m.show(m.session().get("/api/networks/" + vni(vni) + "/topology"), a -> {
                JsonNode g = a.path("graph");
                TextTable t = new TextTable("VNI", "CLASS", "SINCE", "VMS", "EDGES", "DESCRIPTION");
                t.row(a.path("vni").asInt(), a.path("class").asText(), a.path("time").asText(), g.path("nodes").size(),
                        g.path("edges").size(), g.path("description").asText(""));
                return t;
            });
        }
    }

    @Command(name = "traffic", description = "a network's newest recorded traffic matrix (bytes/s per VM pair)")
    static final class Traffic implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;
        @Parameters(index = "0", description = "the network's VNI")
        int vni;

        @Override
        public Integer call() throws IOException {
            JsonNode list = m.session().get("/api/networks/" + vni(vni) + "/traffic?limit=1");
            JsonNode newest = list.isArray() && !list.isEmpty() ? list.get(list.size() - 1) : Json.object();
            return m.show(newest, a -> {
                TextTable t = new TextTable("SRC", "DST", "BYTES/S");
                java.util.List<JsonNode> rows = new java.util.ArrayList<>();
                a.path("matrix").path("entries").forEach(rows::add);
                rows.sort((x, y) -> Double.compare(y.path("bytesPerSecond").asDouble(), x.path("bytesPerSecond").asDouble()));
                rows.forEach(e -> t.row(e.path("src").asText(), e.path("dst").asText(),
                        String.format(Locale.ROOT, "%.0f", e.path("bytesPerSecond").asDouble())));
                return t;
            });
        }
    }

    @Command(name = "agents", description = "the agents: role, connection, versions, generations")
    static final class Agents implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            return m.show(m.session().get("/api/agents"), a -> {
                TextTable t = new TextTable("HOST", "ROLE", "CONNECTED", "SOFTWARE", "PROTOCOL", "APPLIED", "DESIRED",
                        "LINKS", "VMS", "SECURITY");
                a.forEach(h -> t.row(h.path("hostId").asText(), h.path("role").asText(), h.path("connected").asBoolean()
                        ? "yes" : "no", h.path("software").asText("-"), h.path("protocol").asInt(),
                        h.path("appliedGeneration").asLong(), h.path("desiredGeneration").asLong(), h.path("links").size(),
                        h.path("vms").size(), h.path("security").asText()));
                return t;
            });
        }
    }

    @Command(name = "links", description = "every agent's overlay links as measured: up, round trip, rates")
    static final class Links implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            JsonNode agents = m.session().get("/api/agents");
            com.fasterxml.jackson.databind.node.ArrayNode links = Json.array();
            agents.forEach(h -> h.path("links").forEach(l -> {
                ObjectNode o = Json.object().put("hostId", h.path("hostId").asText());
                o.setAll((ObjectNode) l);
                links.add(o);
            }));
            return m.show(links, a -> {
                TextTable t = new TextTable("HOST", "LINK", "PEER", "TRANSPORT", "UP", "RTT-MS", "OUT-MBIT/S", "IN-MBIT/S");
                a.forEach(l -> t.row(l.path("hostId").asText(), l.path("id").asText(), l.path("peer").asText(),
                        l.path("transport").asText(), l.path("up").asBoolean() ? "yes" : "no",
                        l.path("rttMicros").asLong() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", l.path("rttMicros").asLong() / 1000.0),
                        String.format(Locale.ROOT, "%.1f", l.path("outBitsPerSecond").asLong() / 1e6),
                        String.format(Locale.ROOT, "%.1f", l.path("inBitsPerSecond").asLong() / 1e6)));
                return t;
            });
        }
    }

    @Command(name = "adaptation", description = "a network's closed loop: show its settings and decisions, set its"
            + " mode, apply its recommendation now, roll back",
            subcommands = {Adaptation.Show.class, Adaptation.Mode.class, Adaptation.Apply.class, Adaptation.Rollback.class,
                    Adaptation.Decisions.class})
    static final class Adaptation {
        @ParentCommand
        ManagerCtl m;

        static TextTable decisions(JsonNode a) {
            TextTable t = new TextTable("ID", "TIME", "TRIGGER", "APPLIED", "PREDICTED", "REALISED", "NOTE");
            a.path("decisions").forEach(d -> t.row(d.path("id").asLong(), d.path("time").asText(), d.path("trigger").asText(),
                    d.path("applied").asBoolean() ? "yes" : "no",
                    gain(d.path("recommendation").path("predictedGain")), gain(d.path("realisedGain")),
                    d.path("note").asText("")));
            return t;
        }

        static String gain(JsonNode g) {
            return g.isNumber() && !Double.isNaN(g.asDouble()) ? String.format(Locale.ROOT, "%.2f", g.asDouble()) : "-";
        }

        @Command(name = "show", description = "its mode, algorithm and migrations")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Adaptation a;
            @Parameters(index = "0", description = "the network's VNI")
            int vni;

            @Override
            public Integer call() throws IOException {
                return a.m.show(a.m.session().get("/api/networks/" + vni(vni) + "/adaptation"), x -> new TextTable("VNI",
                        "MODE", "ALGORITHM", "MIGRATE", "MAX-MIGRATIONS/H", "DECISIONS").row(x.path("vni").asInt(),
                        x.path("mode").asText(), x.path("algorithm").asText(), x.path("migrate").asBoolean() ? "yes" : "no",
                        x.path("maxMigrationsPerHour").asInt(), x.path("decisions").size()));
            }
        }

        @Command(name = "decisions", description = "its recorded decisions, newest first")
        static final class Decisions implements Callable<Integer> {
            @ParentCommand
            Adaptation a;
            @Parameters(index = "0", description = "the network's VNI")
            int vni;

            @Override
            public Integer call() throws IOException {
                return a.m.show(a.m.session().get("/api/networks/" + vni(vni) + "/adaptation"), Adaptation::decisions);
            }
        }

        @Command(name = "mode", description = "set its mode: off, recommend or automatic (its other settings kept)")
        static final class Mode implements Callable<Integer> {
            @ParentCommand
            Adaptation a;
            @Parameters(index = "0", description = "the network's VNI")
            int vni;
            @Parameters(index = "1", description = "off, recommend or automatic")
            String mode;

            @Override
            public Integer call() throws IOException {
                String mo = mode.toLowerCase(Locale.ROOT);
                if (!mo.equals("off") && !mo.equals("recommend") && !mo.equals("automatic")) {
                    throw new IOException("mode: expected off, recommend or automatic, got '" + mode + "'");
                }
                ManagerSession s = a.m.session();
                String path = "/api/networks/" + vni(vni) + "/adaptation";
                ObjectNode now = (ObjectNode) s.get(path);
                ObjectNode body = Json.object().put("mode", mo).put("algorithm", now.path("algorithm").asText())
                        .put("migrate", now.path("migrate").asBoolean()).put("maxMigrationsPerHour",
                                now.path("maxMigrationsPerHour").asInt());
                JsonNode r = s.call("PUT", path, body.toString());
                return a.m.message(r, "network " + vni + ": mode " + r.path("mode").asText(mo));
            }
        }

        @Command(name = "apply", description = "apply its recommendation now")
        static final class Apply implements Callable<Integer> {
            @ParentCommand
            Adaptation a;
            @Parameters(index = "0", description = "the network's VNI")
            int vni;

            @Override
            public Integer call() throws IOException {
                JsonNode d = a.m.session().call("POST", "/api/networks/" + vni(vni) + "/adaptation/apply", null);
                return a.m.show(d, x -> decisions(Json.object().set("decisions", Json.array().add(x))));
            }
        }

        @Command(name = "rollback", description = "roll its newest applied decision back")
        static final class Rollback implements Callable<Integer> {
            @ParentCommand
            Adaptation a;
            @Parameters(index = "0", description = "the network's VNI")
            int vni;

            @Override
            public Integer call() throws IOException {
                JsonNode d = a.m.session().call("POST", "/api/networks/" + vni(vni) + "/adaptation/rollback", null);
                return a.m.show(d, x -> decisions(Json.object().set("decisions", Json.array().add(x))));
            }
        }
    }

    @Command(name = "audit", description = "the audit log: who changed what, newest last")
    static final class Audit implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;
        @Option(names = "--limit", defaultValue = "50", description = "how many entries (default 50)")
        int limit;

        @Override
        public Integer call() throws IOException {
            if (limit < 1 || limit > 10_000) {
                throw new IOException("--limit: expected 1..10000, got " + limit);
            }
            return m.show(m.session().get("/api/audit?limit=" + limit), a -> {
                TextTable t = new TextTable("ID", "TIME", "ACTOR", "ACTION", "TARGET", "DETAIL");
                a.forEach(e -> t.row(e.path("id").asLong(), e.path("time").asText(), e.path("actor").asText(),
                        e.path("action").asText(), e.path("target").asText(), e.path("detail").asText("")));
                return t;
            });
        }
    }

    @Command(name = "enrol", description = "a one-time token for a new host (or proxy): put it in the new daemon's"
            + " enrolment.tokenFile; it joins with it, gets its certificate, and the token is spent")
    static final class Enrol implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;
        @Parameters(index = "0", description = "the new host's id (its configuration's hostId)")
        String hostId;
        @Option(names = "--role", defaultValue = "host", description = "host (default) or proxy")
        String role;
        @Option(names = "--tenant", description = "a proxy's tenant (the account whose networks it may carry)")
        String tenant;
        @Option(names = "--ttl-minutes", description = "how long the token lasts (default: the manager's, a day)")
        Integer ttl;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = Json.object().put("hostId", hostId).put("role", role);
            if (tenant != null) {
                body.put("tenant", tenant);
            }
            if (ttl != null) {
                body.put("ttlMinutes", ttl);
            }
            JsonNode r = m.session().call("POST", "/api/enrolments", body.toString());
            if (m.root.json) {
                return m.show(r, null);
            }
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            out.println(r.path("token").asText());
            System.err.println("vnetctl: a one-time token for " + r.path("role").asText() + " " + r.path("hostId").asText()
                    + ", valid until " + r.path("expiresAt").asText() + " (id " + r.path("id").asText() + "); it is shown"
                    + " this once");
            return 0;
        }
    }

    @Command(name = "enrolments", description = "the enrolment tokens made, newest first: whom each enrols, expiry, use")
    static final class Enrolments implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            return m.show(m.session().get("/api/enrolments"), a -> {
                TextTable t = new TextTable("ID", "HOST", "ROLE", "TENANT", "BY", "EXPIRES", "USED");
                a.forEach(e -> t.row(e.path("id").asText(), e.path("hostId").asText(), e.path("role").asText(),
                        e.path("tenant").asText("-"), e.path("createdBy").asText(), e.path("expiresAt").asText(),
                        e.path("usedAt").asText("-")));
                return t;
            });
        }
    }

    @Command(name = "vni-map", description = "CloudStack's Home Networks and the VNIs they have (with the CloudStack integration)")
    static final class VniMap implements Callable<Integer> {
        @ParentCommand
        ManagerCtl m;

        @Override
        public Integer call() throws IOException {
            return m.show(m.session().get("/api/cloudstack/networks"), a -> {
                TextTable t = new TextTable("VNI", "NETWORK", "NAME", "ALLOCATED");
                a.forEach(n -> t.row(n.path("vni").asText("-"), n.path("networkId").asText("-"), n.path("name").asText("-"),
                        n.path("allocatedAt").asText("-")));
                return t;
            });
        }
    }
}
