package io.vnet.manager.cluster;

import io.vnet.api.NetworkId;
import io.vnet.manager.ClusterService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A manager alone: it owns every network, always, under epoch 0; nobody else is a member. */
public final class SoloCluster implements ClusterService {
    private final Member self;
    private final Supplier<Set<NetworkId>> known;

    /**
     * @param self  this manager
     * @param known the networks it knows (its agents carry), for {@link #owners()}
     */
    public SoloCluster(Member self, Supplier<Set<NetworkId>> known) {
        this.self = self;
        this.known = known;
    }

    @Override
    public String self() {
        return self.id();
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public boolean owns(NetworkId network) {
        return true;
    }

    @Override
    public OptionalLong epoch(NetworkId network) {
        return OptionalLong.of(0);
    }

    @Override
    public Optional<Member> owner(NetworkId network) {
        return Optional.of(self);
    }

    @Override
    public Map<NetworkId, String> owners() {
        Map<NetworkId, String> out = new TreeMap<>();
        known.get().forEach(n -> out.put(n, self.id()));
        return out;
    }

    @Override
    public List<Member> members() {
        return List.of(self);
    }

    @Override
    public void addListener(OwnershipListener listener) {
        // nothing ever changes hands
    }

    @Override
    public void removeListener(OwnershipListener listener) {
    }
}
