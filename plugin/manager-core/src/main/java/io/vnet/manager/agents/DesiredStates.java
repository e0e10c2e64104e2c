package io.vnet.manager.agents;

import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.LinkSpec;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Desired state with a manager-wide increasing generation, pushed through the sessions. */
final class DesiredStates implements DesiredStateService {
    private final AgentSessions sessions;
    private final AtomicLong generations;

    DesiredStates(AgentSessions sessions, long firstGeneration) {
        this.sessions = sessions;
        this.generations = new AtomicLong(firstGeneration);
    }

    @Override
    public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules) {
        return set(hostId, links, rules, List.of());
    }

    @Override
    public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules,
                            List<io.vnet.api.QuietLink> quiet) {
        Ids.check("host id", hostId);
        DesiredState d = new DesiredState(hostId, generations.incrementAndGet(), links, rules, quiet);
        sessions.desire(d);
        return d;
    }

    @Override
    public Optional<DesiredState> get(String hostId) {
        return sessions.desired(hostId);
    }
}
