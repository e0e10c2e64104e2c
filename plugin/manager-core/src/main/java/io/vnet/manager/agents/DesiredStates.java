package io.vnet.manager.agents;

import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.QuietLink;
import io.vnet.manager.DesiredParts;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Desired state with a manager-wide increasing generation, made of parts ({@link DesiredParts}) and
 * pushed through the sessions. A host whose state was restored from the store at start counts that
 * state as what it was last given.
 */
final class DesiredStates implements DesiredStateService {
    private final AgentSessions sessions;
    private final AtomicLong generations;
    private final DesiredParts parts;

    DesiredStates(AgentSessions sessions, long firstGeneration) {
        this.sessions = sessions;
        this.generations = new AtomicLong(firstGeneration);
        this.parts = new DesiredParts(generations::incrementAndGet);
    }

    /** The host's restored state, once, before its parts change. */
    private void seed(String hostId) {
        if (parts.current(hostId).isEmpty()) {
            sessions.desired(hostId).ifPresent(parts::current);
        }
    }

    @Override
    public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules) {
        return set(hostId, links, rules, List.of());
    }

    /** The admin's part: what the host runs besides the networks' parts. */
    @Override
    public synchronized DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules,
                                         List<QuietLink> quiet) {
        Ids.check("host id", hostId);
        seed(hostId);
        return parts.setAdmin(hostId, links, rules, quiet, sessions::desire);
    }

    @Override
    public synchronized long setPart(String hostId, NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                                     List<QuietLink> quiet) {
        Ids.check("host id", hostId);
        seed(hostId);
        DesiredParts.Change c = parts.set(hostId, network.vni(), links, rules, quiet);
        c.whole().ifPresent(sessions::desire);
        return c.part();
    }

    @Override
    public Optional<DesiredParts.Part> part(String hostId, NetworkId network) {
        return parts.part(hostId, network.vni());
    }

    @Override
    public long partApplied(String hostId, NetworkId network) {
        long applied = sessions.host(hostId).map(io.vnet.manager.HostInfo::appliedGeneration).orElse(-1L);
        return parts.partApplied(hostId, network.vni(), applied);
    }

    @Override
    public synchronized void restorePart(String hostId, NetworkId network, List<LinkSpec> links,
                                         List<ForwardingRule> rules, List<QuietLink> quiet) {
        seed(hostId);
        parts.restore(hostId, network.vni(), links, rules, quiet);
    }

    @Override
    public Optional<DesiredState> get(String hostId) {
        return sessions.desired(hostId);
    }
}
