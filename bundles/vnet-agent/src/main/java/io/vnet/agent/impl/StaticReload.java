package io.vnet.agent.impl;

import io.vnet.agent.config.AgentConfig;
import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.DataPlane;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SIGHUP: the configuration file's static part applied to the running agent, without a restart and
 * without touching what did not change. It applies new networks, interfaces and LAN devices, the
 * file's rules and links (through {@link ManagedState#reloadStatic}, in an order where no rule ever
 * names a missing link), removed interfaces and LAN devices, and the file's VMs; a removed network
 * stays carried until the next restart. What only a restart changes (host id, role, addresses,
 * TLS, the manager, the data plane's settings, metrics) is named and left as it runs.
 */
final class StaticReload {
    private StaticReload() {
    }

    /** Applies {@code next} over {@code old}; returns what it did, one line each. */
    static List<String> apply(AgentConfig old, AgentConfig next, DataPlane dp, ManagedState managed, LocalVms vms)
            throws IOException {
        List<String> said = new ArrayList<>(restartOnly(old, next));
        for (NetworkId n : next.networks()) {
            if (!old.networks().contains(n)) {
                dp.addNetwork(n);
                said.add("network " + n.vni() + ": carried");
            }
        }
        for (NetworkId n : old.networks()) {
            if (!next.networks().contains(n)) {
                said.add("network " + n.vni() + ": no longer in the file; carried until the next restart");
            }
        }
        Map<String, InterfaceSpec> oldIfs = byId(old.interfaces(), InterfaceSpec::id);
        Map<String, InterfaceSpec> newIfs = byId(next.interfaces(), InterfaceSpec::id);
        for (InterfaceSpec i : next.interfaces()) {
            InterfaceSpec was = oldIfs.get(i.id());
            if (was != null && !was.equals(i)) {
                dp.removeInterface(i.id());
                was = null;
            }
            if (was == null) {
                dp.addInterface(i);
                said.add("interface " + i.id() + ": added");
            }
        }
        Map<String, LanSpec> oldLans = byId(old.lans(), LanSpec::device);
        for (LanSpec l : next.lans()) {
            if (!l.equals(oldLans.get(l.device()))) {
                if (oldLans.containsKey(l.device())) {
                    dp.removeLan(l.device());
                }
                dp.addLan(l);
                said.add("LAN device " + l.device() + ": added");
            }
        }
        Set<ForwardingRule> newRules = new HashSet<>(next.rules());
        for (ForwardingRule r : old.rules()) {
            if (!newRules.contains(r)) {
                dp.removeRule(r.key());
                said.add("rule " + r.key() + ": removed");
            }
        }
        said.addAll(managed.reloadStatic(old.links(), next.links(),
                next.rules().stream().map(ForwardingRule::key).collect(Collectors.toSet())));
        Set<ForwardingRule> oldRules = new HashSet<>(old.rules());
        for (ForwardingRule r : next.rules()) {
            if (!oldRules.contains(r)) {
                try {
                    dp.addRule(r);
                    said.add("rule " + r + ": added");
                } catch (IllegalArgumentException e) {
                    said.add("rule " + r + ": not added: " + e.getMessage());
                }
            }
        }
        for (InterfaceSpec i : old.interfaces()) {
            if (!newIfs.containsKey(i.id())) {
                dp.removeInterface(i.id());
                said.add("interface " + i.id() + ": removed");
            }
        }
        Map<String, LanSpec> newLans = byId(next.lans(), LanSpec::device);
        for (LanSpec l : old.lans()) {
            if (!newLans.containsKey(l.device())) {
                dp.removeLan(l.device());
                said.add("LAN device " + l.device() + ": removed");
            }
        }
        if (vms != null && !old.vms().equals(next.vms())) {
            vms.configured(next.vms());
            said.add("the file's VMs: " + next.vms().size() + " now");
        }
        if (said.isEmpty()) {
            said.add("nothing changed");
        }
        return said;
    }

    /** The fields only a restart applies that differ, one line each. */
    static List<String> restartOnly(AgentConfig a, AgentConfig b) {
        List<String> said = new ArrayList<>();
        check(said, "hostId", a.hostId(), b.hostId());
        check(said, "role", a.role(), b.role());
        check(said, "listen", a.listen(), b.listen());
        check(said, "control", a.control(), b.control());
        check(said, "manager", a.managers(), b.managers());
        check(said, "managerId", a.managerId(), b.managerId());
        check(said, "reportIntervalMs", a.reportIntervalMs(), b.reportIntervalMs());
        check(said, "stateFile", a.stateFile(), b.stateFile());
        check(said, "libvirt", a.libvirt(), b.libvirt());
        check(said, "attach", a.attach(), b.attach());
        check(said, "insecure", a.insecure(), b.insecure());
        check(said, "enrolmentTokenFile", a.enrolmentToken(), b.enrolmentToken());
        check(said, "macHoldMs", a.macHold(), b.macHold());
        check(said, "ownedSourcesOnly", a.ownedSourcesOnly(), b.ownedSourcesOnly());
        check(said, "metrics", a.metrics(), b.metrics());
        check(said, "the data plane's settings (tls, vxlanListen, keepaliveMs, eventLoops, ...)", a.dataPlane(), b.dataPlane());
        return said;
    }

    private static void check(List<String> said, String field, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            said.add(field + " changed: it takes effect at the next restart");
        }
    }

    private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
        Map<String, T> m = new java.util.LinkedHashMap<>();
        items.forEach(i -> m.put(id.apply(i), i));
        return m;
    }
}
