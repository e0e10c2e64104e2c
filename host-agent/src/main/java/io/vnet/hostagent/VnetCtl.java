package io.vnet.hostagent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.ControlClient;
import io.vnet.protocol.Json;
import io.vnet.api.ControlOps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vnetctl}: drives a running agent through its local control socket. */
@Command(name = "vnetctl", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "vnetctl 0.1.0",
        description = "Control a running VNET agent: links, forwarding rules, interfaces, statistics.",
        subcommands = {VnetCtl.Link.class, VnetCtl.Rule.class, VnetCtl.Iface.class, VnetCtl.Stats.class,
                VnetCtl.Pairs.class, VnetCtl.Learned.class, VnetCtl.Owners.class, VnetCtl.Status.class, VnetCtl.Net.class, LibvirtHook.class,
                ManagerCtl.class, VnetCtl.Completion.class})
public final class VnetCtl {
    @Option(names = {"-s", "--socket"}, description = "the agent's control socket (default: $VNET_SOCKET or /run/vnet/vnet-agent.sock)")
    Path socket;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "print the JSON answer as it is (anywhere on the line)")
    boolean json;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new VnetCtl());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("vnetctl: " + ex.getMessage());
            return ex instanceof ControlClient.ControlException || ex instanceof ManagerSession.ApiException ? 1 : 3;
        });
        System.exit(cl.execute(args));
    }

    JsonNode call(ObjectNode request) throws IOException {
        Path s = socket;
        if (s == null) {
            String env = System.getenv("VNET_SOCKET");
            s = Path.of(env != null ? env : "/run/vnet/vnet-agent.sock");
        }
        return new ControlClient(s).call(request);
    }

    int print(JsonNode result, Table table) throws IOException {
        PrintWriter out = new PrintWriter(System.out, true);
        if (json || table == null) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            table.print(result, out);
        }
        return 0;
    }

    interface Table {
        void print(JsonNode result, PrintWriter out);
    }

    static ObjectNode op(String op) {
        return Json.object().put("op", op);
    }

    @Command(name = "link", description = "add, delete or list overlay links",
            subcommands = {Link.Add.class, Link.Del.class, Link.List.class})
    static final class Link {
        @ParentCommand
        VnetCtl root;

        @Command(name = "add", description = "add a link (TCP: with --connect it dials, without it accepts the peer;"
                + " VXLAN: --connect is the peer's endpoint)")
        static final class Add implements Callable<Integer> {
            @ParentCommand
            Link link;
            @Parameters(index = "0", description = "link id")
            String id;
            @Option(names = "--peer", required = true, description = "the peer's host id")
            String peer;
            @Option(names = "--connect", description = "HOST:PORT of the peer's link listener")
            String connect;
            @Option(names = "--flood", description = "carry broadcast and unknown unicast (flooding links must form a tree)")
            boolean flood;
            @Option(names = "--transport", defaultValue = "tcp", description = "tcp (default) or vxlan (UDP, RFC 7348;"
                    + " --connect is then the peer's VXLAN endpoint)")
            String transport;
            @Option(names = "--vni", required = true, split = ",", paramLabel = "VNI",
                    description = "a network the link carries (repeat it or separate VNIs by commas); frames of any"
                            + " other network are neither sent on it nor accepted from it")
            java.util.List<Integer> vnis;

            @Override
            public Integer call() throws IOException {
                ObjectNode req = op(ControlOps.LINK_ADD).put("id", id).put("peer", peer).put("flood", flood)
                        .put("transport", transport);
                vnis.forEach(req.putArray("vnis")::add);
                if (connect != null) {
                    req.put("connect", connect);
                }
                return link.root.print(link.root.call(req), (r, out) -> out.println("added link " + r.path("id").asText()));
            }
        }

        @Command(name = "del", description = "delete a link and the rules that use it")
        static final class Del implements Callable<Integer> {
            @ParentCommand
            Link link;
            @Parameters(index = "0", description = "link id")
            String id;

            @Override
            public Integer call() throws IOException {
                return link.root.print(link.root.call(op(ControlOps.LINK_DEL).put("id", id)),
                        (r, out) -> out.println("deleted link " + id));
            }
        }

        @Command(name = "list", description = "list links")
        static final class List implements Callable<Integer> {
            @ParentCommand
            Link link;

            @Override
            public Integer call() throws IOException {
                return link.root.print(link.root.call(op(ControlOps.LINK_LIST)), (r, out) -> {
                    out.printf("%-16s %-16s %-9s %-24s %-5s %s%n", "ID", "PEER", "TRANSPORT", "CONNECT", "FLOOD", "VNIS");
                    for (JsonNode l : r) {
                        StringBuilder vnis = new StringBuilder();
                        l.path("vnis").forEach(v -> vnis.append(vnis.length() == 0 ? "" : ",").append(v.asInt()));
                        out.printf("%-16s %-16s %-9s %-24s %-5s %s%n", l.path("id").asText(), l.path("peer").asText(),
                                l.path("transport").asText(), l.path("connect").asText("(accepts)"),
                                l.path("flood").asBoolean(), vnis);
                    }
                });
            }
        }
    }

    @Command(name = "rule", description = "add, delete or list forwarding rules",
            subcommands = {Rule.Add.class, Rule.Del.class, Rule.List.class})
    static final class Rule {
        @ParentCommand
        VnetCtl root;

        static class Match {
            @Option(names = "--vni", required = true, description = "tenant network")
            int vni;
            @Option(names = "--src", defaultValue = "any", description = "source MAC or any (default)")
            String src;
            @Option(names = "--dst", defaultValue = "any", description = "destination MAC, broadcast or any (default)")
            String dst;

            ObjectNode into(ObjectNode req) {
                return req.put("vni", vni).put("src", src).put("dst", dst);
            }
        }

        @Command(name = "add", description = "add a rule; the most specific matching rule wins")
        static final class Add implements Callable<Integer> {
            @ParentCommand
            Rule rule;
            @CommandLine.Mixin
            Match match;
            @Option(names = "--to", required = true, description = "link:ID or interface:ID")
            String to;

            @Override
            public Integer call() throws IOException {
                return rule.root.print(rule.root.call(match.into(op(ControlOps.RULE_ADD)).put("to", to)),
                        (r, out) -> out.println("added rule " + r));
            }
        }

        @Command(name = "del", description = "delete the rule with this vni, src and dst")
        static final class Del implements Callable<Integer> {
            @ParentCommand
            Rule rule;
            @CommandLine.Mixin
            Match match;

            @Override
            public Integer call() throws IOException {
                return rule.root.print(rule.root.call(match.into(op(ControlOps.RULE_DEL))),
                        (r, out) -> out.println("deleted rule " + r.path("deleted").asText()));
            }
        }

        @Command(name = "list", description = "list rules")
        static final class List implements Callable<Integer> {
            @ParentCommand
            Rule rule;

            @Override
            public Integer call() throws IOException {
                return rule.root.print(rule.root.call(op(ControlOps.RULE_LIST)), (r, out) -> {
                    out.printf("%-8s %-18s %-18s %s%n", "VNI", "SRC", "DST", "TO");
                    for (JsonNode x : r) {
                        out.printf("%-8s %-18s %-18s %s%n", x.path("vni").asText(), x.path("src").asText(),
                                x.path("dst").asText(), x.path("to").asText());
                    }
                });
            }
        }
    }

    @Command(name = "if", description = "list local interfaces", subcommands = Iface.List.class)
    static final class Iface {
        @ParentCommand
        VnetCtl root;

        @Command(name = "list", description = "list local interfaces: TAPs, and a proxy's LAN devices (kind pcap)")
        static final class List implements Callable<Integer> {
            @ParentCommand
            Iface iface;

            @Override
            public Integer call() throws IOException {
                return iface.root.print(iface.root.call(op(ControlOps.IF_LIST)), (r, out) -> {
                    out.printf("%-16s %-6s %-8s %-16s %s%n", "INTERFACE", "KIND", "VNI", "BRIDGE", "MTU");
                    for (JsonNode x : r) {
                        out.printf("%-16s %-6s %-8s %-16s %s%n", x.path("id").asText(), x.path("kind").asText("tap"),
                                x.path("vni").asText(), x.path("bridge").asText("-"), x.path("mtu").asText());
                    }
                });
            }
        }
    }

    @Command(name = "stats", description = "frame, byte and drop counters of every link and interface")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        VnetCtl root;

        @Override
        public Integer call() throws IOException {
            return root.print(root.call(op(ControlOps.STATS)), (r, out) -> {
                out.printf("%-10s %-14s %-12s %10s %14s %10s %14s  %s%n", "KIND", "ID", "STATE",
                        "FRAMES-IN", "BYTES-IN", "FRAMES-OUT", "BYTES-OUT", "DROPS / PEER");
                for (JsonNode x : r) {
                    StringBuilder drops = new StringBuilder();
                    x.path("drops").fields().forEachRemaining(e ->
                            drops.append(e.getKey()).append('=').append(e.getValue().asLong()).append(' '));
                    out.printf("%-10s %-14s %-12s %10d %14d %10d %14d  %s%s%n", x.path("kind").asText(),
                            x.path("id").asText(), x.path("state").asText(), x.path("framesIn").asLong(),
                            x.path("bytesIn").asLong(), x.path("framesOut").asLong(), x.path("bytesOut").asLong(),
                            drops, x.path("peer").asText());
                }
            });
        }
    }

    @Command(name = "pairs", description = "traffic counted per VM pair (VTTIF's input), cumulative")
    static final class Pairs implements Callable<Integer> {
        @ParentCommand
        VnetCtl root;

        @Override
        public Integer call() throws IOException {
            return root.print(root.call(op(ControlOps.PAIRS)), (r, out) -> {
                out.printf("%-8s %-18s %-18s %12s %16s  %s%n", "VNI", "SRC", "DST", "FRAMES", "BYTES", "WHERE");
                for (JsonNode x : r) {
                    out.printf("%-8s %-18s %-18s %12d %16d  %s%n", x.path("vni").asText(), x.path("src").asText(),
                            x.path("dst").asText(), x.path("frames").asLong(), x.path("bytes").asLong(),
                            x.path("sameHost").asBoolean() ? "same host" : "overlay");
                }
            });
        }
    }

    @Command(name = "learned", description = "MAC addresses learned per network")
    static final class Learned implements Callable<Integer> {
        @ParentCommand
        VnetCtl root;

        @Override
        public Integer call() throws IOException {
            return root.print(root.call(op(ControlOps.LEARNED)), (r, out) -> r.forEach(x -> out.println(x.asText())));
        }
    }

    @Command(name = "owners", description = "VM addresses owned here or elsewhere per network (frames claiming them"
            + " from the wrong side are dropped as spoofed)")
    static final class Owners implements Callable<Integer> {
        @ParentCommand
        VnetCtl root;

        @Override
        public Integer call() throws IOException {
            return root.print(root.call(op(ControlOps.OWNERS)), (r, out) -> r.forEach(x -> out.println(x.asText())));
        }
    }

    @Command(name = "status", description = "host id, role, networks and link port of the agent")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        VnetCtl root;

        @Override
        public Integer call() throws IOException {
            return root.print(root.call(op(ControlOps.STATUS)), null);
        }
    }

    @Command(name = "completion", description = "print the shell completion script: bash or zsh (the packages install"
            + " both: /usr/share/bash-completion/completions/vnetctl, /usr/share/zsh/vendor-completions/_vnetctl)")
    static final class Completion implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "bash or zsh")
        String shell;

        @Override
        public Integer call() throws IOException {
            System.out.print(script(shell, spec.root().commandLine()));
            return 0;
        }

        /** The script for {@code shell}: picocli's bash completion, which zsh runs through bashcompinit. */
        static String script(String shell, CommandLine root) throws IOException {
            String bash = picocli.AutoComplete.bash("vnetctl", root);
            return switch (shell) {
                case "bash" -> bash;
                case "zsh" -> "#compdef vnetctl\n# vnetctl's completion for zsh: its bash completion, through bashcompinit\n"
                        + "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + bash;
                default -> throw new IOException("completion: expected bash or zsh, got '" + shell + "'");
            };
        }
    }

    @Command(name = "net", description = "networks carried on demand", subcommands = Net.Attach.class)
    static final class Net {
        @ParentCommand
        VnetCtl root;

        @Command(name = "attach", description = "carry network VNI here (its bridge and the agent's TAP on it, created"
                + " if missing); prints the bridge's name. The libvirt and CloudStack hooks call it before a VM starts.")
        static final class Attach implements Callable<Integer> {
            @ParentCommand
            Net net;

            @Parameters(index = "0", description = "the network's VNI (1..16777215)")
            int vni;

            @Override
            public Integer call() throws IOException {
                JsonNode r = net.root.call(op(ControlOps.NET_ATTACH).put("vni", vni));
                return net.root.print(r, (x, out) -> out.println(x.path("bridge").asText()));
            }
        }
    }
}
