package io.vnet.agent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad file fails with a message naming the file, the field and what was expected. */
class AgentConfigErrorsTest {
    @TempDir
    Path dir;

    private Path file;

    /** Loads {@code json}; asserts it fails and that the message names the file and each of {@code parts}. */
    private String fails(String json, String... parts) throws IOException {
        file = dir.resolve("vnet-agent.json");
        Files.writeString(file, json);
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));
        String m = e.getMessage();
        assertTrue(m.startsWith("config " + file + ": "), m);
        for (String p : parts) {
            assertTrue(m.contains(p), "message lacks [" + p + "]: " + m);
        }
        return m;
    }

    private static String withHost(String rest) {
        return "{\"hostId\": \"host-a\", \"insecure\": true, " + rest + "}";
    }

    private static final String NET = "\"networks\": [{\"vni\": 100, \"tap\": \"vnet100\"}]";

    @Test
    void missingHostId() throws IOException {
        String m = fails("{\"role\": \"host\"}", "hostId", "required", "expected a string");
        assertFalse(m.contains("hostId: hostId"), "field named once: " + m);
    }

    @Test
    void invalidHostId() throws IOException {
        fails("{\"hostId\": \"host a\"}", "hostId: invalid host id 'host a'");
        fails("{\"hostId\": 7}", "hostId", "expected a string, got 7");
    }

    @Test
    void vniOutOfRange() throws IOException {
        fails(withHost("\"networks\": [{\"vni\": 0}]"), "networks[0].vni", "expected an integer 1..16777215", "got 0");
        fails(withHost("\"networks\": [{\"vni\": 1}, {\"vni\": 16777216}]"), "networks[1].vni", "got 16777216");
        fails(withHost("\"networks\": [{\"vni\": \"100\"}]"), "networks[0].vni", "expected an integer");
        fails(withHost("\"networks\": [{\"vni\": 100.5}]"), "networks[0].vni", "got 100.5");
        fails(withHost("\"networks\": [{\"tap\": \"t\"}]"), "networks[0].vni", "required");
    }

    @Test
    void hugeIntegersDoNotWrapIntoRange() throws IOException {
        // 2^64 + 100 would be 100 if it were truncated to a long
        fails(withHost("\"networks\": [{\"vni\": 18446744073709551716}]"), "networks[0].vni",
                "got 18446744073709551716");
        fails(withHost("\"keepaliveMs\": 18446744073709553616"), "keepaliveMs", "got 18446744073709553616");
    }

    @Test
    void duplicateVni() throws IOException {
        fails(withHost("\"networks\": [{\"vni\": 100}, {\"vni\": 200}, {\"vni\": 100}]"),
                "networks[2].vni", "network 100 is listed twice");
    }

    @Test
    void duplicateTapAndBridgeWithoutTap() throws IOException {
        fails(withHost("\"networks\": [{\"vni\": 100, \"tap\": \"t0\"}, {\"vni\": 200, \"tap\": \"t0\"}]"),
                "networks[1].tap", "t0 is used twice");
        fails(withHost("\"networks\": [{\"vni\": 100, \"bridge\": \"br0\"}]"), "networks[0].bridge", "needs a tap");
    }

    @Test
    void badTapBridgeOrMtu() throws IOException {
        fails(withHost("\"networks\": [{\"vni\": 100, \"tap\": \"a-very-long-tap-name\"}]"),
                "networks[0].tap", "'a-very-long-tap-name'");
        fails(withHost("\"networks\": [{\"vni\": 100, \"tap\": \"t0\", \"bridge\": \"br/0\"}]"),
                "networks[0].bridge", "'br/0'");
        fails(withHost("\"networks\": [{\"vni\": 100, \"mtu\": 67}]"), "networks[0].mtu", "68..65521", "got 67");
    }

    @Test
    void badMacInARule() throws IOException {
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100, \"dst\": \"02:00:00:00:00:zz\", \"to\": \"interface:vnet100\"}]"),
                "rules[0].dst", "'02:00:00:00:00:zz'", "expected any, broadcast or a MAC address");
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100, \"src\": \"02:00\", \"to\": \"interface:vnet100\"}]"),
                "rules[0].src", "'02:00'");
    }

    @Test
    void broadcastSourceInARule() throws IOException {
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100, \"src\": \"broadcast\", \"to\": \"interface:vnet100\"}]"),
                "rules[0].src", "'broadcast'");
    }

    @Test
    void ruleToALinkNotInTheFile() throws IOException {
        fails(withHost(NET + ", \"links\": [{\"id\": \"to-c\", \"peer\": \"host-c\", \"vnis\": [100], \"connect\": \"c:1\"}],"
                        + " \"rules\": [{\"vni\": 100, \"to\": \"link:to-c\"}, {\"vni\": 100, \"dst\": \"broadcast\","
                        + " \"to\": \"link:nope\"}]"),
                "rules[1].to", "no link:nope in this file");
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100, \"to\": \"interface:tap9\"}]"),
                "rules[0].to", "no interface:tap9");
    }

    @Test
    void badRuleTargetOrNetwork() throws IOException {
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100, \"to\": \"vnet100\"}]"), "rules[0].to", "'vnet100'",
                "expected link:ID or interface:ID");
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100}]"), "rules[0].to", "required");
        fails(withHost(NET + ", \"rules\": [{\"vni\": 300, \"to\": \"interface:vnet100\"}]"),
                "rules[0].vni", "network 300 is not in networks");
    }

    @Test
    void invalidJsonNamesTheLine() throws IOException {
        fails("{\n  \"hostId\": \"host-a\",\n  \"networks\": [ {\"vni\": 100 ]\n}\n", "not valid JSON", "line 3");
        fails("{\"hostId\": \"host-a\",}", "not valid JSON", "line 1");
    }

    @Test
    void emptyOrNonObjectFile() throws IOException {
        fails("", "empty file", "expected a JSON object");
        fails("   \n", "empty file");
        String m = fails("[1, 2]", "expected an object", "got array");
        assertFalse(m.contains(": : "), "no empty field path: " + m);
    }

    @Test
    void acceptingLinkWithoutListenAddress() throws IOException {
        fails(withHost("\"links\": [{\"id\": \"to-c\", \"peer\": \"host-c\", \"vnis\": [100], \"connect\": \"192.0.2.3:5800\"},"
                        + " {\"id\": \"from-b\", \"peer\": \"host-b\", \"vnis\": [100]}]"),
                "links[1]", "from-b", "no connect address", "no listen address");
    }

    @Test
    void badLinkFields() throws IOException {
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"nowhere\"}]"),
                "links[0].connect", "'nowhere'", "expected HOST:PORT");
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"h:99999\"}]"),
                "links[0].connect", "invalid port 99999");
        fails(withHost("\"links\": [{\"id\": \"bad id\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"h:1\"}]"),
                "links[0].id", "'bad id'");
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p/q\", \"vnis\": [100], \"connect\": \"h:1\"}]"),
                "links[0].peer", "'p/q'");
        fails(withHost("\"links\": [{\"id\": \"l\", \"connect\": \"h:1\"}]"), "links[0].peer", "required");
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"h:1\", \"transport\": \"udp\"}]"),
                "links[0].transport", "'udp'", "expected tcp");
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"h:1\", \"flood\": \"yes\"}]"),
                "links[0].flood", "expected true or false");
    }

    @Test
    void withoutTlsTheAgentRefusesToStartUnlessToldItIsInsecure() throws Exception {
        fails("{\"hostId\": \"h1\"}", "authenticated with mutual TLS", "scripts/vnet-certs.sh", "\"insecure\": true");
        fails("{\"hostId\": \"h1\", \"insecure\": true, \"tls\": {\"ca\": \"x\", \"cert\": \"y\", \"key\": \"z\"}}",
                "tls.ca: cannot read");
        fails("{\"hostId\": \"h1\", \"insecure\": true, \"manager\": \"192.0.2.10:5900\"}", "enrolmentTokenFile",
                "enrolment token");
        Files.writeString(dir.resolve("token"), "short\n");
        fails("{\"hostId\": \"h1\", \"insecure\": true, \"manager\": \"192.0.2.10:5900\", \"enrolmentTokenFile\":"
                + " \"token\"}", "enrolmentTokenFile", "at least 16");
        Files.writeString(dir.resolve("token"), "0123456789abcdef0123\n");
        file = dir.resolve("ok.json");
        Files.writeString(file, "{\"hostId\": \"h1\", \"insecure\": true, \"manager\": \"192.0.2.10:5900\","
                + " \"enrolmentTokenFile\": \"token\"}");
        AgentConfig c = AgentConfig.load(file);
        assertTrue(c.insecure() && "0123456789abcdef0123".equals(c.enrolmentToken()), c.toString());
    }

    @Test
    void aVxlanLinkMustSayItIsUnauthenticated() throws IOException {
        fails(withHost("\"vxlanListen\": \"0.0.0.0:4789\", \"links\": [{\"id\": \"vx\", \"peer\": \"p\","
                + " \"transport\": \"vxlan\", \"connect\": \"h:4789\", \"vnis\": [100]}]"),
                "links[0].unauthenticated", "VXLAN cannot be authenticated", "\"unauthenticated\": true");
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"connect\": \"h:1\", \"vnis\": [100],"
                + " \"unauthenticated\": true}]"), "links[0].unauthenticated", "only a VXLAN link");
    }

    @Test
    void aLinkWithoutItsNetworksIsRefusedNamingTheLinkAndTheFix() throws IOException {
        fails(withHost("\"links\": [{\"id\": \"to-px\", \"peer\": \"px\", \"connect\": \"h:1\"}]"),
                "links[0].vnis", "link to-px names no network", "\"vnis\": [100]");
        fails(withHost("\"links\": [{\"id\": \"to-px\", \"peer\": \"px\", \"connect\": \"h:1\", \"vnis\": []}]"),
                "links[0].vnis", "link to-px names no network");
    }

    @Test
    void duplicateLinkId() throws IOException {
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"h:1\"},"
                + " {\"id\": \"l\", \"peer\": \"q\", \"vnis\": [100], \"connect\": \"h:2\"}]"), "links[1].id", "link l is listed twice");
    }

    @Test
    void unknownFieldNames() throws IOException {
        fails("{\"hostId\": \"host-a\", \"hostid\": \"x\"}", "hostid: unknown field", "expected one of");
        fails(withHost("\"networks\": [{\"vni\": 100, \"vnii\": 1}]"), "networks[0].vnii: unknown field");
        fails(withHost("\"links\": [{\"id\": \"l\", \"peer\": \"p\", \"vnis\": [100], \"connect\": \"h:1\", \"flod\": true}]"),
                "links[0].flod: unknown field");
        fails(withHost(NET + ", \"rules\": [{\"vni\": 100, \"to\": \"interface:vnet100\", \"target\": \"x\"}]"),
                "rules[0].target: unknown field");
    }

    @Test
    void wrongShapes() throws IOException {
        fails(withHost("\"networks\": {\"vni\": 100}"), "networks: expected an array", "got object");
        fails(withHost("\"links\": [\"to-c\"]"), "links[0]: expected an object", "got string");
        fails(withHost("\"role\": \"router\""), "role", "expected host or proxy", "'router'");
        fails(withHost("\"listen\": \"0.0.0.0\""), "listen", "'0.0.0.0'", "expected HOST:PORT");
    }

    @Test
    void timingOutOfRange() throws IOException {
        fails(withHost("\"keepaliveMs\": 99"), "keepaliveMs", "100..600000", "got 99");
        fails(withHost("\"backoffMinMs\": 500, \"backoffMaxMs\": 400"), "backoffMaxMs", "500..3600000", "got 400");
        fails(withHost("\"eventLoops\": -1"), "eventLoops", "0..256");
        fails(withHost("\"keepaliveMs\": 1000, \"linkTimeoutMs\": 1999"), "linkTimeoutMs", "2000..3600000", "got 1999");
        fails(withHost("\"realtimePriority\": 100"), "realtimePriority", "0..99");
        fails(withHost("\"maxMtu\": 70000"), "maxMtu", "68..65521");
    }

    @Test
    void unreadableFile() {
        Path missing = dir.resolve("missing.json");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(missing));
        assertTrue(e.getMessage().contains("config " + missing + ": cannot read"), e.getMessage());
        assertNotNull(e.getCause());
    }
}
