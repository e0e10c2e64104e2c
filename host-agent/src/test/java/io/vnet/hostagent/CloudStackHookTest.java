package io.vnet.hostagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import groovy.lang.Binding;
import groovy.lang.GroovyObject;
import groovy.util.GroovyScriptEngine;
import io.vnet.libvirt.DomainInfo;
import io.vnet.libvirt.DomainXml;
import io.vnet.libvirt.Nic;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The CloudStack KVM agent hook (packaging/cloudstack/libvirt-vm-xml-transformer.groovy), run the
 * way CloudStack's LibvirtKvmAgentHook runs it: a GroovyScriptEngine rooted at the hooks directory
 * runs the script, and transform(logger, xml) is invoked on the object it returns. Against a stub
 * VNET manager (an HTTP server) and a stub vnetctl (a shell script), on CloudStack domain XML.
 */
class CloudStackHookTest {
    private static final String SCRIPT = "libvirt-vm-xml-transformer.groovy";
    private static final String PRESTART_UUID = "4670a80a-9857-4104-8148-2348cd1fc8ba";
    private static final String I_2_3_UUID = "91860126-7dda-4876-ac1e-48d06cd4b2eb";
    private static GroovyScriptEngine engine;

    @TempDir
    Path tmp;

    private HttpServer manager;
    private final Map<String, String[]> answers = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private Path vnetctlLog;

    /** A logger with the methods the hook calls on CloudStack's (log4j) logger. */
    public static final class Log {
        final List<String> lines = new ArrayList<>();

        public void info(String m) {
            lines.add("INFO " + m);
        }

        public void warn(String m) {
            lines.add("WARN " + m);
        }

        public void error(String m) {
            lines.add("ERROR " + m);
        }

        String all() {
            return String.join("\n", lines);
        }
    }

    @BeforeEach
    void start() throws IOException {
        manager = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        manager.createContext("/api/cloudstack/vms/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
            String[] parts = path.split("/");
            String[] answer = parts.length == 6 && parts[5].equals("nics") ? answers.get(parts[4]) : null;
            if (answer == null) {
                answer = new String[] {"404", "{\"error\":\"CloudStack does not know this VM\"}"};
            }
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        manager.start();

        vnetctlLog = tmp.resolve("vnetctl.log");
        Path vnetctl = tmp.resolve("vnetctl");
        Files.writeString(vnetctl, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + vnetctlLog + "'\n"
                + "for a in \"$@\"; do vni=$a; done\n"
                + "if [ \"$vni\" = 666 ]; then echo \"vnetctl: cannot create bridge vnbr666: Operation not permitted\" >&2;"
                + " exit 1; fi\n"
                + "echo vnbr$vni\n");
        Files.setPosixFilePermissions(vnetctl, PosixFilePermissions.fromString("rwx------"));
        writeSettings("manager.url=http://127.0.0.1:" + manager.getAddress().getPort() + "/\n"
                + "manager.token=s3cret\n"
                + "vnetctl=" + vnetctl + "\n"
                + "vnetctl.socket=/run/vnet-test/agent.sock\n");
    }

    @AfterEach
    void stop() {
        manager.stop(0);
        System.clearProperty("vnet.cloudstack.hook.config");
    }

    private void writeSettings(String properties) throws IOException {
        Path file = tmp.resolve("cloudstack-hook.properties");
        Files.writeString(file, properties);
        System.setProperty("vnet.cloudstack.hook.config", file.toString());
    }

    private static synchronized GroovyScriptEngine engine() throws IOException {
        if (engine == null) {
            engine = new GroovyScriptEngine(Path.of("packaging", "cloudstack").toString());
        }
        return engine;
    }

    /** What CloudStack's agent does with the hook: run the script, call transform(logger, xml) on its value. */
    private static Object transform(Log log, String xml) throws Exception {
        GroovyObject hook = (GroovyObject) engine().run(SCRIPT, new Binding());
        return hook.invokeMethod("transform", new Object[] {log, xml});
    }

    private void managerSays(String uuid, String status, String body) {
        answers.put(uuid, new String[] {status, body});
    }

    private List<String> vnetctlCalls() throws IOException {
        return Files.exists(vnetctlLog) ? Files.readAllLines(vnetctlLog) : List.of();
    }

    private static Element nicElement(String xml, String mac) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        NodeList macs = doc.getElementsByTagName("mac");
        for (int i = 0; i < macs.getLength(); i++) {
            Element m = (Element) macs.item(i);
            if (m.getAttribute("address").equals(mac)) {
                return (Element) m.getParentNode();
            }
        }
        throw new AssertionError("no NIC " + mac + " in\n" + xml);
    }

    private static int count(Element e, String child) {
        return e.getElementsByTagName(child).getLength();
    }

    @Test
    void aHomeNetworkNicMovesOntoItsVnetBridgeAndTheOthersStay() throws Exception {
        String xml = Samples.read("cloudstack-prestart-composed.xml");
        managerSays(PRESTART_UUID, "200", "{\"vm\":\"" + PRESTART_UUID + "\",\"nics\":["
                + "{\"mac\":\"02:01:00:cc:00:01\",\"networkId\":\"a1\",\"networkName\":\"guest\",\"vni\":null},"
                + "{\"mac\":\"02:01:00:CC:00:02\",\"networkId\":\"b2\",\"networkName\":\"home \\u00e9\",\"vni\":5000}]}");
        Log log = new Log();

        String out = (String) transform(log, xml);

        DomainInfo d = DomainXml.parse(out);
        assertEquals(PRESTART_UUID, d.uuid());
        assertEquals(List.of("breth1-1338", "vnbr5000", "cloudbr0"), d.nics().stream().map(Nic::sourceBridge).toList());
        assertEquals(List.of("bridge", "bridge", "bridge"), d.nics().stream().map(Nic::type).toList());
        Element moved = nicElement(out, "02:01:00:cc:00:02");
        assertEquals(0, count(moved, "vlan"), "the VLAN tag is CloudStack's, not the VNET network's");
        assertEquals(0, count(moved, "virtualport"), "the Open vSwitch port is gone");
        assertEquals(1, count(moved, "source"));
        assertEquals("virtio", ((Element) moved.getElementsByTagName("model").item(0)).getAttribute("type"));
        assertEquals("up", ((Element) moved.getElementsByTagName("link").item(0)).getAttribute("state"));
        Element other = nicElement(out, "02:01:00:cc:00:01");
        assertEquals(1, count(other, "bandwidth"), "a NIC on another network keeps everything");
        assertEquals(List.of("--socket /run/vnet-test/agent.sock net attach 5000"), vnetctlCalls());
        assertEquals(List.of("GET /api/cloudstack/vms/" + PRESTART_UUID + "/nics auth=Bearer s3cret"), requests);
        assertTrue(log.all().contains("INFO vnet: VM i-2-7-VM (" + PRESTART_UUID + "): Home Network NICs moved onto VNET"
                + " bridges: 02:01:00:cc:00:02 -> vnbr5000 (network 5000)"), log.all());
    }

    @Test
    void aRunningCloudStackVmKeepsItsTargetAliasAndAddress() throws Exception {
        String xml = Samples.read("cloudstack-i-2-3-VM-running.xml");
        managerSays(I_2_3_UUID, "200", "{\"vm\":\"" + I_2_3_UUID + "\",\"nics\":[{\"mac\":\"02:00:4c:5f:00:01\","
                + "\"networkId\":\"n\",\"networkName\":\"home\",\"vni\":123}]}");

        String out = (String) transform(new Log(), xml);

        Nic nic = DomainXml.parse(out).nics().get(0);
        assertEquals("vnbr123", nic.sourceBridge());
        assertEquals("vnet6", nic.targetDev());
        assertEquals("e1000", nic.model());
        Element e = nicElement(out, "02:00:4c:5f:00:01");
        assertEquals("net0", ((Element) e.getElementsByTagName("alias").item(0)).getAttribute("name"));
        assertEquals("0x03", ((Element) e.getElementsByTagName("address").item(0)).getAttribute("slot"));
        assertTrue(out.contains("passwd=\"LEm_y8SIs-8hXimtxnyEnA\""), "the rest of the domain is kept");
    }

    @Test
    void aVmWithoutHomeNetworkNicsIsReturnedAsItCame() throws Exception {
        String xml = Samples.read("cloudstack-prestart-composed.xml");
        managerSays(PRESTART_UUID, "200", "{\"vm\":\"" + PRESTART_UUID + "\",\"nics\":["
                + "{\"mac\":\"02:01:00:cc:00:01\",\"networkId\":\"a1\",\"networkName\":\"guest\",\"vni\":null}]}");

        assertSame(xml, transform(new Log(), xml));
        assertEquals(List.of(), vnetctlCalls());
        assertEquals(1, requests.size());
    }

    @Test
    void aVmTheManagerDoesNotKnowIsUntouched() throws Exception {
        String xml = Samples.read("cloudstack-i-2-3-VM-running.xml");
        Log log = new Log();

        assertSame(xml, transform(log, xml));
        assertEquals(List.of(), vnetctlCalls());
        assertEquals(List.of("INFO vnet: VM i-2-3-VM (" + I_2_3_UUID + ") is unknown to the VNET manager; NICs"
                + " 02:00:4c:5f:00:01 left as they are"), log.lines);
    }

    @Test
    void whenTheManagerCannotBeReachedTheXmlIsUnchangedAndTheErrorNamesVmAndNics() throws Exception {
        String xml = Samples.read("cloudstack-prestart-composed.xml");
        manager.stop(0);
        Log log = new Log();

        assertSame(xml, transform(log, xml));
        assertEquals(List.of(), vnetctlCalls());
        assertEquals(1, log.lines.size(), log.all());
        String line = log.lines.get(0);
        assertTrue(line.startsWith("ERROR vnet: VM i-2-7-VM (" + PRESTART_UUID + "): NICs 02:01:00:cc:00:01,"
                + " 02:01:00:cc:00:02, 02:01:00:cc:00:03: cannot learn which are on Home Networks: cannot reach the VNET"
                + " manager at http://127.0.0.1:"), line);
        assertTrue(line.endsWith("; domain XML left unchanged"), line);
    }

    @Test
    void anErrorAnswerOfTheManagerIsLoggedWithItsText() throws Exception {
        String xml = Samples.read("cloudstack-i-2-3-VM-running.xml");
        managerSays(I_2_3_UUID, "503", "{\"error\":\"no CloudStack is configured\"}");
        Log log = new Log();

        assertSame(xml, transform(log, xml));
        assertTrue(log.all().contains("answered HTTP 503 to http://127.0.0.1:" + manager.getAddress().getPort()
                + "/api/cloudstack/vms/" + I_2_3_UUID + "/nics: no CloudStack is configured"), log.all());
        assertTrue(log.all().startsWith("ERROR vnet: VM i-2-3-VM"), log.all());
    }

    @Test
    void whenVnetctlFailsTheXmlIsUnchangedAndTheErrorNamesTheNic() throws Exception {
        String xml = Samples.read("cloudstack-prestart-composed.xml");
        managerSays(PRESTART_UUID, "200", "{\"vm\":\"" + PRESTART_UUID + "\",\"nics\":["
                + "{\"mac\":\"02:01:00:cc:00:03\",\"networkId\":\"c3\",\"networkName\":\"home\",\"vni\":666}]}");
        Log log = new Log();

        assertSame(xml, transform(log, xml));
        assertEquals(List.of("ERROR vnet: VM i-2-7-VM (" + PRESTART_UUID + "): NIC 02:01:00:cc:00:03: cannot attach VNET"
                + " network 666: " + tmp.resolve("vnetctl") + " --socket /run/vnet-test/agent.sock net attach 666 failed"
                + " (exit 1): vnetctl: cannot create bridge vnbr666: Operation not permitted; domain XML left unchanged"),
                log.lines);
    }

    @Test
    void twoNicsOnOneNetworkAttachItOnce() throws Exception {
        String xml = Samples.read("cloudstack-prestart-composed.xml");
        managerSays(PRESTART_UUID, "200", "{\"vm\":\"" + PRESTART_UUID + "\",\"nics\":["
                + "{\"mac\":\"02:01:00:cc:00:02\",\"networkId\":\"h\",\"networkName\":\"home\",\"vni\":77},"
                + "{\"mac\":\"02:01:00:cc:00:03\",\"networkId\":\"h\",\"networkName\":\"home\",\"vni\":77}]}");

        String out = (String) transform(new Log(), xml);

        assertEquals(List.of("breth1-1338", "vnbr77", "vnbr77"),
                DomainXml.parse(out).nics().stream().map(Nic::sourceBridge).toList());
        assertEquals(1, vnetctlCalls().size());
    }

    @Test
    void withoutItsSettingsTheHookChangesNothingAndSaysWhy() throws Exception {
        String xml = Samples.read("cloudstack-i-2-3-VM-running.xml");
        System.setProperty("vnet.cloudstack.hook.config", tmp.resolve("missing.properties").toString());
        Log log = new Log();

        assertSame(xml, transform(log, xml));
        assertTrue(log.all().contains("cannot read the hook's settings " + tmp.resolve("missing.properties")), log.all());
        assertTrue(requests.isEmpty());
    }

    @Test
    void xmlThatIsNotADomainIsReturnedAsItCame() throws Exception {
        Log log = new Log();
        String notXml = "<domain><name>x</name>";
        assertSame(notXml, transform(log, notXml));
        assertTrue(log.all().startsWith("ERROR vnet: unknown VM: the domain XML cannot be read"), log.all());
        String network = "<network><name>default</name></network>";
        assertSame(network, transform(log, network));
        assertFalse(log.all().contains("Exception in"), log.all());
    }
}
