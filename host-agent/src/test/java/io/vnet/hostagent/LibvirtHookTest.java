package io.vnet.hostagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vnetctl libvirt-hook} against a stand-in agent: a Unix control socket that answers JSON
 * lines like the agent's ControlServer, with real libvirt and CloudStack domain XML on stdin.
 */
class LibvirtHookTest {
    @TempDir
    Path tmp;

    private StandInAgent agent;

    /** The agent's control endpoint as the hook sees it: one JSON request per line, one answer each. */
    static final class StandInAgent implements AutoCloseable {
        final Path path;
        final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        private final ServerSocketChannel server;
        private final IntFunction<ObjectNode> answer;

        StandInAgent(Path path, IntFunction<ObjectNode> answer) throws IOException {
            this.path = path;
            this.answer = answer;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Thread t = new Thread(this::serve, "stand-in-agent");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                            StandardCharsets.UTF_8));
                    OutputStream out = Channels.newOutputStream(client);
                    String line;
                    while ((line = in.readLine()) != null) {
                        requests.add(line);
                        JsonNode req = Json.MAPPER.readTree(line);
                        ObjectNode a = "net-attach".equals(req.path("op").asText())
                                ? answer.apply(req.path("vni").asInt())
                                : Json.object().put("ok", false).put("error", "unknown op " + req.path("op").asText());
                        out.write((Json.MAPPER.writeValueAsString(a) + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    // a client went away; serve the next
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** What the agent answers to net-attach N when it works: bridge vnbrN, TAP vntapN. */
    static ObjectNode attached(int vni) {
        ObjectNode r = Json.object();
        r.put("ok", true);
        r.putObject("result").put("vni", vni).put("bridge", "vnbr" + vni).put("tap", "vntap" + vni).put("created", true);
        return r;
    }

    @AfterEach
    void stopAgent() throws IOException {
        if (agent != null) {
            agent.close();
        }
    }

    private StandInAgent agent(IntFunction<ObjectNode> answer) throws IOException {
        agent = new StandInAgent(tmp.resolve("agent.sock"), answer);
        return agent;
    }

    /** One run of the hook as libvirt makes it: arguments, and the XML on stdin. */
    record Run(int exit, String out, String err) {
    }

    private Run hook(InputStream stdin, String... args) {
        CommandLine cl = new CommandLine(new VnetCtl());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((LibvirtHook) cl.getSubcommands().get("libvirt-hook").getCommand()).stdin = stdin;
        List<String> all = new ArrayList<>(List.of("--socket", tmp.resolve("agent.sock").toString(), "libvirt-hook"));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(new String[0]));
        return new Run(exit, out.toString(), err.toString());
    }

    private Run hook(String xml, String... args) {
        return hook(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), args);
    }

    private static String attach(int vni) {
        return "{\"op\":\"net-attach\",\"vni\":" + vni + "}";
    }

    @Test
    void beforeADomainStartsTheNetworkOfItsVnbrBridgeIsAttached() throws IOException {
        agent(LibvirtHookTest::attached);
        Run r = hook(Samples.read("libvirt-9.0.0-running.xml"), "vnet-sample", "prepare", "begin", "-");
        assertEquals(new Run(0, "", ""), r, "nothing on stdout: libvirt keeps the XML");
        assertEquals(List.of(attach(123)), agent.requests, "only vnbr123 is a VNET bridge; cloudbr0 is not");
    }

    @Test
    void anIncomingMigrationAndARestoreAttachToo() throws IOException {
        agent(LibvirtHookTest::attached);
        String xml = Samples.read("libvirt-9.0.0-inactive.xml");
        assertEquals(0, hook(xml, "vnet-sample", "migrate", "begin", "-").exit());
        assertEquals(0, hook(xml, "vnet-sample", "restore", "begin", "-").exit());
        assertEquals(List.of(attach(123), attach(123)), agent.requests);
    }

    @Test
    void otherOperationsReturnAtOnceWithoutReadingTheXml() throws IOException {
        agent(LibvirtHookTest::attached);
        InputStream untouchable = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new AssertionError("the hook read its input for an operation it does not handle");
            }
        };
        for (String[] op : new String[][] {{"start", "begin"}, {"started", "begin"}, {"stopped", "end"},
                {"release", "end"}, {"reconnect", "begin"}, {"attach", "begin"}, {"migrate", "end"}, {"prepare", "end"}}) {
            assertEquals(new Run(0, "", ""), hook(untouchable, "vnet-sample", op[0], op[1], "-"), String.join(" ", op));
        }
        assertEquals(List.of(), agent.requests);
    }

    @Test
    void aDomainWithoutVnetBridgesStartsEvenWithNoAgent() throws IOException {
        Run r = hook(Samples.read("cloudstack-i-2-3-VM-running.xml"), "i-2-3-VM", "prepare", "begin", "-");
        assertEquals(new Run(0, "", ""), r, "breth1-511 is CloudStack's bridge: no agent is asked");
    }

    @Test
    void twoNicsOnOneNetworkAttachItOnce() throws IOException {
        agent(LibvirtHookTest::attached);
        String xml = Samples.read("cloudstack-s-2970-VM-running.xml")
                .replace("cloudbr1", "vnbr4000").replace("cloud0", "vnbr5000");
        assertEquals(0, hook(xml, "s-2970-VM", "prepare", "begin", "-").exit());
        assertEquals(List.of(attach(5000), attach(4000)), agent.requests);
    }

    @Test
    void whenTheAgentRefusesTheDomainIsRefusedWithTheReason() throws IOException {
        agent(vni -> Json.object().put("ok", false).put("error", "cannot create bridge vnbr" + vni + ": Operation not permitted"));
        Run r = hook(Samples.read("libvirt-9.0.0-running.xml"), "vnet-sample", "prepare", "begin", "-");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("vnet libvirt hook: domain vnet-sample (prepare begin): NIC 02:00:5e:10:00:01 on bridge vnbr123:"
                + " cannot attach VNET network 123: cannot create bridge vnbr123: Operation not permitted\n", r.err());
    }

    @Test
    void whenTheAgentIsDownTheDomainIsRefused() throws IOException {
        Run r = hook(Samples.read("libvirt-9.0.0-running.xml"), "vnet-sample", "migrate", "begin", "-");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("vnet libvirt hook: domain vnet-sample (migrate begin): NIC 02:00:5e:10:00:01 on"
                + " bridge vnbr123: cannot attach VNET network 123: cannot reach the agent's control socket "
                + tmp.resolve("agent.sock")), r.err());
    }

    @Test
    void anAgentThatCarriesTheNetworkOnAnotherBridgeIsAnError() throws IOException {
        agent(vni -> {
            ObjectNode r = attached(vni);
            ((ObjectNode) r.get("result")).put("bridge", "br-other");
            return r;
        });
        Run r = hook(Samples.read("libvirt-9.0.0-running.xml"), "vnet-sample", "prepare", "begin", "-");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("the agent carries it on bridge br-other, not on vnbr123"), r.err());
    }

    @Test
    void theBridgePrefixIsAnOption() throws IOException {
        agent(vni -> {
            ObjectNode r = attached(vni);
            ((ObjectNode) r.get("result")).put("bridge", "home" + vni);
            return r;
        });
        String xml = Samples.read("libvirt-9.0.0-running.xml").replace("vnbr123", "home77");
        assertEquals(0, hook(xml, "--bridge-prefix", "home", "vnet-sample", "prepare", "begin", "-").exit());
        assertEquals(0, hook(xml, "vnet-sample", "prepare", "begin", "-").exit(), "with the default prefix: no VNET NIC");
        assertEquals(List.of(attach(77)), agent.requests);
    }

    @Test
    void xmlThatCannotBeReadRefusesTheDomainWithTheReason() {
        Run r = hook("<domain><name>x</name>", "x", "prepare", "begin", "-");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("vnet libvirt hook: domain x (prepare begin): domain XML is not acceptable at line 1"),
                r.err());
    }

    @Test
    void theShellHookPassesLibvirtsArgumentsThrough() throws Exception {
        Path log = tmp.resolve("args");
        Path fake = tmp.resolve("vnetctl");
        Files.writeString(fake, "#!/bin/sh\necho \"$*\" > '" + log + "'\ncat > /dev/null\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        for (String[] call : new String[][] {{"vm1", "prepare", "begin", "-"}, {"vm1", "started", "begin", "-"}}) {
            List<String> cmd = new ArrayList<>(List.of("packaging/libvirt/qemu.d/vnet"));
            cmd.addAll(List.of(call));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("VNETCTL", fake.toString());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write("<domain/>".getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                // the hook may exit without reading the XML (it does for operations it ignores), as libvirt allows
            }
            assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("libvirt-hook --bridge-prefix vnbr -- vm1 prepare begin -"),
                Files.readAllLines(log), "started/begin never reaches vnetctl");
    }
}
