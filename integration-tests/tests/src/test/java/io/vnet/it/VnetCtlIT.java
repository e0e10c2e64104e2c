package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vnetctl command line against a running agent: every command, and its errors. */
class VnetCtlIT {
    private static Sh.Result ctl(AgentProcess agent, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Fabric.repo().resolve("host-agent/bin/vnetctl").toString(),
                "-s", agent.socket().toString()));
        cmd.addAll(List.of(args));
        return Sh.run(60, cmd);
    }

    @Test
    void everyCommandWorksAndErrorsAreClear() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            AgentProcess agentB = fabric.startAgent(b, forHost(b).network(100, 1500).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(100, 1500).network(200, 1500).build());

            Sh.Result status = ctl(agentA, "status");
            assertEquals(0, status.exit(), status.out());
            assertTrue(status.out().contains("\"hostId\" : \"ha\""), status.out());

            Sh.Result noVni = ctl(agentB, "link", "add", "x", "--peer", "ha");
            assertEquals(2, noVni.exit(), noVni.out());
            assertTrue(noVni.out().contains("Missing required option: '--vni=VNI'"), noVni.out());
            assertEquals(0, ctl(agentB, "link", "add", "x", "--peer", "ha", "--vni", "100").exit());
            Sh.Result add = ctl(agentA, "link", "add", "x", "--peer", "hb", "--connect", b.ip() + ":5800", "--vni", "100");
            assertEquals(0, add.exit(), add.out());
            assertTrue(add.out().contains("added link x"), add.out());
            agentA.awaitLinkUp("x", 10_000);
            Sh.Result links = ctl(agentA, "link", "list");
            assertTrue(links.out().matches("(?s).*x\\s+hb\\s+tcp\\s+" + b.ip().replace(".", "\\.") + ":5800\\s+false\\s+100\\s.*"), links.out());

            Sh.Result rule = ctl(agentA, "rule", "add", "--vni", "100", "--dst", "02:00:00:00:00:09", "--to", "link:x");
            assertEquals(0, rule.exit(), rule.out());
            Sh.Result rules = ctl(agentA, "rule", "list");
            assertTrue(rules.out().contains("02:00:00:00:00:09") && rules.out().contains("link:x"), rules.out());

            Sh.Result badMac = ctl(agentA, "rule", "add", "--vni", "100", "--dst", "zz", "--to", "link:x");
            assertEquals(1, badMac.exit(), badMac.out());
            assertTrue(badMac.out().contains("vnetctl: dst: invalid MAC match 'zz'"), badMac.out());
            Sh.Result noLink = ctl(agentA, "rule", "add", "--vni", "100", "--dst", "02:00:00:00:00:0a", "--to", "link:nope");
            assertEquals(1, noLink.exit());
            assertTrue(noLink.out().contains("no link:nope on this daemon"), noLink.out());
            Sh.Result notCarried = ctl(agentA, "rule", "add", "--vni", "200", "--dst", "02:00:00:00:00:0b", "--to", "link:x");
            assertEquals(1, notCarried.exit());
            assertTrue(notCarried.out().contains("link:x does not carry network 200"), notCarried.out());
            Sh.Result badVni = ctl(agentA, "rule", "add", "--vni", "0", "--to", "link:x");
            assertEquals(1, badVni.exit());
            assertTrue(badVni.out().contains("vni: expected an integer 1..16777215, got 0"), badVni.out());

            Sh.Result ifs = ctl(agentA, "if", "list");
            assertTrue(ifs.out().matches("(?s).*vnet100\\s+tap\\s+100\\s+br100\\s+1500.*"), ifs.out());
            Sh.Result stats = ctl(agentA, "stats");
            assertTrue(stats.out().contains("FRAMES-IN") && stats.out().matches("(?s).*link\\s+x\\s+up.*"), stats.out());
            Sh.Result json = ctl(agentA, "--json", "stats");
            assertTrue(json.out().trim().startsWith("[") && json.out().contains("\"bytesOut\""), json.out());
            assertEquals(0, ctl(agentA, "learned").exit());

            Sh.Result del = ctl(agentA, "link", "del", "x");
            assertEquals(0, del.exit(), del.out());
            assertFalse(ctl(agentA, "rule", "list").out().contains("link:x"), "deleting the link deleted its rule");
            Sh.Result again = ctl(agentA, "link", "del", "x");
            assertEquals(1, again.exit());
            assertTrue(again.out().contains("no link 'x'"), again.out());

            Sh.Result unreachable = Sh.run(60, List.of(Fabric.repo().resolve("host-agent/bin/vnetctl").toString(),
                    "-s", fabric.workDir().resolve("nobody.sock").toString(), "status"));
            assertEquals(3, unreachable.exit());
            assertTrue(unreachable.out().contains("cannot reach the agent's control socket"), unreachable.out());
        }
    }
}
