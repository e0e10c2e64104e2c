package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.agent.config.AgentConfig;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.DataPlane;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The networks this host carries, and carrying one more on demand (net-attach): a network that
 * has no local interface yet gets the TAP {@code tapPrefix + vni} on the bridge {@code
 * bridgePrefix + vni} (created if missing), so a VM's NIC can be plugged into that bridge. The
 * hooks call it before libvirt starts a VM; the libvirt watcher calls it for a VM found on such a
 * bridge that this agent does not carry (e.g. after the agent restarted).
 */
final class Networks {
    private static final System.Logger LOG = System.getLogger(Networks.class.getName());

    private final DataPlane dp;
    private final AgentConfig.Attach attach;
    private final Runnable changed;

    /** @param changed told after a network was added (the manager hears of it) */
    Networks(DataPlane dp, AgentConfig.Attach attach, Runnable changed) {
        this.dp = dp;
        this.attach = attach;
        this.changed = changed;
    }

    /** The network whose local interface sits on {@code bridge}, if any. */
    Optional<NetworkId> ofBridge(String bridge) {
        if (bridge == null) {
            return Optional.empty();
        }
        return dp.interfaces().stream().filter(i -> bridge.equals(i.bridge())).map(InterfaceSpec::network).findFirst();
    }

    /** The bridge of network {@code network}'s local interface, if it has one. */
    Optional<String> bridgeOf(NetworkId network) {
        return dp.interfaces().stream().filter(i -> i.network().equals(network)).map(InterfaceSpec::bridge)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /** The VNI named by an on-demand bridge name (prefix + digits), if it is one. */
    OptionalInt attachable(String bridge) {
        return io.vnet.libvirt.DomainXml.bridgeVni(bridge, attach.bridgePrefix());
    }

    /** Carries network {@code vni} here (idempotent); answers what net-attach answers. */
    synchronized ObjectNode attach(int vni) throws IOException {
        NetworkId network = NetworkId.of(vni);
        Optional<InterfaceSpec> have = dp.interfaces().stream().filter(i -> i.network().equals(network)).findFirst();
        if (have.isPresent()) {
            return answer(vni, have.get(), false);
        }
        InterfaceSpec spec = new InterfaceSpec(attach.tap(vni), network, attach.bridge(vni), attach.mtu());
        dp.addNetwork(network);
        dp.addInterface(spec);
        LOG.log(Level.INFO, "network " + vni + " attached: TAP " + spec.id() + " on bridge " + spec.bridge());
        changed.run();
        return answer(vni, spec, true);
    }

    private static ObjectNode answer(int vni, InterfaceSpec i, boolean created) {
        ObjectNode o = Json.object().put("vni", vni).put("tap", i.id()).put("created", created);
        if (i.bridge() == null) {
            o.putNull("bridge");
        } else {
            o.put("bridge", i.bridge());
        }
        return o;
    }
}
