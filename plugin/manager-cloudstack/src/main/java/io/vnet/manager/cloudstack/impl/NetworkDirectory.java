package io.vnet.manager.cloudstack.impl;

import io.vnet.manager.cloudstack.CloudStackException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** CloudStack's networks by uuid, read from listNetworks and kept until the next full read. */
final class NetworkDirectory {
    private final CloudStackClient client;
    private final Map<String, CsNetwork> byUuid = new ConcurrentHashMap<>();

    NetworkDirectory(CloudStackClient client) {
        this.client = client;
    }

    /** The network, from memory or else from CloudStack. */
    Optional<CsNetwork> byUuid(String uuid) throws CloudStackException {
        CsNetwork n = byUuid.get(uuid);
        if (n != null) {
            return Optional.of(n);
        }
        Optional<CsNetwork> fresh = client.network(uuid).filter(x -> uuid.equalsIgnoreCase(x.id()));
        fresh.ifPresent(x -> byUuid.put(x.id(), x));
        return fresh;
    }

    /** The network with this numeric database id (as the Network Extension names it), asked from CloudStack. */
    Optional<CsNetwork> byInternalId(long id) throws CloudStackException {
        Optional<CsNetwork> n = client.network(Long.toString(id));
        n.ifPresent(x -> byUuid.put(x.id(), x));
        return n;
    }

    /** Reads every network again. */
    void reload() throws CloudStackException {
        List<CsNetwork> all = client.listNetworks(Map.of());
        byUuid.clear();
        all.forEach(n -> byUuid.put(n.id(), n));
    }
}
