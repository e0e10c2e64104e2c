package io.vnet.manager.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.manager.DesiredState;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.vadapt.DaemonConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Make before break: a network moves to its next overlay in stages. The new link is given first
 * with the old rules; the rules move only once the link is reported up at both ends; a link goes
 * only once no host's rules use it; a stage that waits too long is passed, and an install during
 * a move starts from what is in force.
 */
class RolloutTest {
    static final NetworkId NET = AdaptationLoopTest.NET;
    static final String FAST = "vadapt-ha-hb";

    final AdaptationLoopTest.Manual clock = new AdaptationLoopTest.Manual();
    final AdaptationLoopTest.Agents agents = new AdaptationLoopTest.Agents();
    final AdaptationLoopTest.Desired desired = new AdaptationLoopTest.Desired();
    final AdaptationLoopTest.Audit audit = new AdaptationLoopTest.Audit();
    final Rollout rollout = new Rollout(agents, desired, audit, clock);

    RolloutTest() {
        desired.applied = h -> agents.host(h).map(HostInfo::appliedGeneration).orElse(-1L);
    }

    static ForwardingRule toVm(int vm, String link) {
        return new ForwardingRule(NET, MacMatch.ANY, MacMatch.exact(PlannerTest.vm(vm)), RuleTarget.link(link));
    }

    /** A direct link ha - hb, with each host's rules to the other's VMs on it. */
    static Rollout.Installed fastPath() {
        return new Rollout.Installed(Map.of(
                "ha", new DaemonConfig("ha", List.of(LinkSpec.dial(FAST, "hb", Endpoint.parse("10.0.0.2:5800"), false,
                        List.of(NET))), List.of(toVm(3, FAST), toVm(4, FAST))),
                "hb", new DaemonConfig("hb", List.of(LinkSpec.accept(FAST, "ha", false, List.of(NET))),
                        List.of(toVm(1, FAST), toVm(2, FAST)))));
    }

    Set<String> links(String host) {
        Set<String> out = new TreeSet<>();
        desired.get(host).map(DesiredState::links).orElse(List.of()).forEach(l -> out.add(l.id()));
        return out;
    }

    int rules(String host) {
        return desired.get(host).map(d -> d.rules().size()).orElse(0);
    }

    /** The agents report {@code link} on both hosts, up or not. */
    void reportLink(boolean up) {
        for (String h : List.of("ha", "hb")) {
            HostInfo i = agents.hosts.get(h);
            List<MeasuredLink> links = new ArrayList<>(i.links());
            links.removeIf(l -> l.id().equals(FAST));
            links.add(new MeasuredLink(FAST, h.equals("ha") ? "hb" : "ha", "tcp", up, 500, 500, 0, 0, List.of(NET)));
            agents.hosts.put(h, new HostInfo(h, i.role(), i.linkAddress(), true, i.networks(), i.vms(),
                    i.desiredGeneration(), i.appliedGeneration(), i.lastErrors(), i.lastSeen(), links, i.instances(),
                    i.security(), i.kernelPath()));
        }
    }

    void tick(long millis) {
        clock.millis += millis;
        rollout.advance();
    }

    @Test
    void theRulesMoveOnlyOnceTheNewLinkIsUpAtBothEnds() {
        Map<String, Long> pushed = rollout.install(NET, fastPath(), "test", "decision 1");
        assertEquals(Set.of("hb"), pushed.keySet(), "the accepting end first");
        assertEquals(Optional.of(Rollout.Stage.ACCEPT), rollout.stage(NET));
        assertEquals(Set.of(FAST), links("hb"));
        assertEquals(Set.of(), links("ha"));
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.ACCEPT), rollout.stage(NET), "hb has not applied it yet");

        agents.acknowledgeAll(desired);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.LINKS), rollout.stage(NET));
        assertEquals(Set.of(FAST), links("ha"), "then the dialling end");
        assertEquals(0, rules("ha") + rules("hb"), "the old rules (none) while the link comes up");

        agents.acknowledgeAll(desired);
        reportLink(false);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.LINKS), rollout.stage(NET), "the link is not up yet");
        assertFalse(rollout.acknowledged(NET));

        reportLink(true);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.RULES), rollout.stage(NET));
        assertEquals(2, rules("ha"));
        assertEquals(2, rules("hb"));
        assertFalse(rollout.acknowledged(NET), "the rules are not acknowledged yet");

        agents.acknowledgeAll(desired);
        tick(500);
        assertEquals(Optional.empty(), rollout.stage(NET), "nothing to remove: the move is over");
        assertTrue(rollout.acknowledged(NET));
        assertEquals(Set.of(FAST), links("hb"));
    }

    /** The agents apply every stage of the fast path's install, its link up at both ends. */
    void installFastPath(String why) {
        rollout.install(NET, fastPath(), "test", why);
        for (int i = 0; i < 4; i++) {
            agents.acknowledgeAll(desired);
            reportLink(true);
            tick(500);
        }
        assertEquals(Optional.empty(), rollout.stage(NET));
        assertTrue(rollout.acknowledged(NET));
    }

    @Test
    void aLinkGoesOnlyAfterNoHostsRulesUseIt() {
        installFastPath("decision 1");

        // the rollback: no new link, so the rules go first, the link stays
        rollout.install(NET, Rollout.Installed.NONE, "test", "rollback of decision 1");
        assertEquals(Optional.of(Rollout.Stage.RULES), rollout.stage(NET));
        assertEquals(0, rules("ha") + rules("hb"));
        assertEquals(Set.of(FAST), links("ha"));
        assertEquals(Set.of(FAST), links("hb"));
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.RULES), rollout.stage(NET), "hb has not applied the rules' removal");

        agents.acknowledgeAll(desired);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.UNDIAL), rollout.stage(NET));
        assertEquals(Set.of(), links("ha"), "no rule uses the link any more: its dialling end goes first");
        assertEquals(Set.of(FAST), links("hb"), "its accepting end last, so the dialler is never refused");
        agents.acknowledgeAll(desired);
        tick(500);
        assertEquals(Set.of(), links("hb"));
        assertFalse(rollout.acknowledged(NET), "the removal is not acknowledged yet");
        agents.acknowledgeAll(desired);
        assertTrue(rollout.acknowledged(NET));
        List<String> stages = new ArrayList<>();
        audit.entries.forEach(e -> stages.add(e.detail().replaceAll(": generation.*", "")));
        assertTrue(stages.contains("rollback of decision 1, rules moved"), stages.toString());
        assertTrue(stages.contains("rollback of decision 1, unused links' dialling ends removed"), stages.toString());
        assertTrue(stages.contains("rollback of decision 1, unused links removed"), stages.toString());
    }

    @Test
    void aLinkThatNeverComesUpHoldsTheRulesBackOnlyForTheStageTimeout() {
        rollout.install(NET, fastPath(), "test", "decision 1");
        agents.acknowledgeAll(desired);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.LINKS), rollout.stage(NET));
        agents.acknowledgeAll(desired);
        tick(Rollout.STAGE_TIMEOUT_MS - 1);
        assertEquals(Optional.of(Rollout.Stage.LINKS), rollout.stage(NET));
        tick(1);
        assertEquals(Optional.of(Rollout.Stage.RULES), rollout.stage(NET),
                "passed all the same: the agents fall back to the tree while the link is down");
        assertEquals(2, rules("ha"));
    }

    @Test
    void anInstallDuringAMoveStartsFromWhatIsInForce() {
        rollout.install(NET, fastPath(), "test", "decision 1");
        agents.acknowledgeAll(desired);
        tick(500);
        // before the link came up, the next plan takes it away again: no rule was moved onto it, so it goes
        rollout.install(NET, Rollout.Installed.NONE, "test", "decision 2");
        assertEquals(Optional.of(Rollout.Stage.UNDIAL), rollout.stage(NET));
        assertEquals(Set.of(), links("ha"));
        assertEquals(Set.of(FAST), links("hb"));
        agents.acknowledgeAll(desired);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.PRUNE), rollout.stage(NET));
        assertEquals(Set.of(), links("hb"));
        assertEquals(Rollout.Installed.NONE, rollout.installed(NET));
        agents.acknowledgeAll(desired);
        assertTrue(rollout.acknowledged(NET));
        tick(500);
        assertEquals(Optional.empty(), rollout.stage(NET));

        // once rules use it, a plan that drops it moves the rules off first, and the link stays meanwhile
        rollout.install(NET, fastPath(), "test", "decision 3");
        agents.acknowledgeAll(desired);
        tick(500);
        agents.acknowledgeAll(desired);
        reportLink(true);
        tick(500);
        assertEquals(Optional.of(Rollout.Stage.RULES), rollout.stage(NET));
        rollout.install(NET, Rollout.Installed.NONE, "test", "decision 4"); // before the rules were acknowledged
        assertEquals(Optional.of(Rollout.Stage.RULES), rollout.stage(NET));
        assertEquals(Set.of(FAST), links("ha"), "the link stays until no rule in force uses it");
        assertEquals(0, rules("ha"));
    }

    @Test
    void aPlanThatChangesOnlyRulesIsOnePush() {
        rollout.restore(NET, fastPath());
        desired.set("ha", fastPath().configs().get("ha").links(), fastPath().configs().get("ha").rules());
        desired.set("hb", fastPath().configs().get("hb").links(), fastPath().configs().get("hb").rules());
        long haBefore = desired.get("ha").orElseThrow().generation();
        long hbBefore = desired.get("hb").orElseThrow().generation();
        DaemonConfig ha = fastPath().configs().get("ha");
        Rollout.Installed fewer = new Rollout.Installed(Map.of("ha", new DaemonConfig("ha", ha.links(),
                List.of(toVm(3, FAST))), "hb", fastPath().configs().get("hb")));
        Map<String, Long> pushed = rollout.install(NET, fewer, "test", "VM moved");
        assertEquals(Set.of("ha"), pushed.keySet());
        long haAfter = desired.get("ha").orElseThrow().generation();
        assertTrue(haAfter > haBefore, "one push, to ha");
        assertEquals(hbBefore, desired.get("hb").orElseThrow().generation(), "none to hb");
        agents.acknowledgeAll(desired);
        tick(500);
        assertTrue(rollout.acknowledged(NET));
        assertEquals(haAfter, desired.get("ha").orElseThrow().generation(), "no more pushes");
        assertEquals(hbBefore, desired.get("hb").orElseThrow().generation());
    }
}
