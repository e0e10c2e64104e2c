package io.vnet.manager.cloudstack.impl;

import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.HomeNetworks;
import io.vnet.manager.store.CloudStackNetwork;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.Network;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The VNI map, persisted in the manager's store: a network of the Home Network offering gets the
 * next free VNI of the range (after the highest given; from the bottom again once the top is
 * reached), keeps it until the network is destroyed, and has a matching store {@link Network} row
 * so the rest of the manager lists it. VNIs are never derived from CloudStack's VLAN.
 * <p>
 * A destroyed network's VNI is quarantined (7 days by default, {@code vniQuarantineDays}): no
 * network gets it before then, so a new owner never receives what agents that still carry it
 * send. And everything recorded of it goes at once, in the store (traffic, topologies,
 * adaptation) and in memory ({@code onRelease}): a new owner never sees the previous one's history.
 */
final class VniMap implements HomeNetworks {
    private static final System.Logger LOG = System.getLogger(VniMap.class.getName());

    private final ManagerStore store;
    private final NetworkDirectory directory;
    private final String offeringName;
    private final int from;
    private final int to;
    private final Clock clock;
    private final java.time.Duration quarantine;
    private final java.util.function.IntConsumer onRelease;

    VniMap(ManagerStore store, NetworkDirectory directory, String offeringName, int from, int to, Clock clock) {
        this(store, directory, offeringName, from, to, clock, java.time.Duration.ofDays(DEFAULT_QUARANTINE_DAYS), v -> { });
    }

    /** The default quarantine of a released VNI, in days. */
    static final int DEFAULT_QUARANTINE_DAYS = 7;

    /**
     * @param quarantine how long a released VNI is not given to another network
     * @param onRelease  forgets what the manager holds in memory of a released VNI (VTTIF, adaptation)
     */
    VniMap(ManagerStore store, NetworkDirectory directory, String offeringName, int from, int to, Clock clock,
           java.time.Duration quarantine, java.util.function.IntConsumer onRelease) {
        this.quarantine = quarantine;
        this.onRelease = onRelease;
        if (from < 1 || to > CloudStackConfig.DEFAULT_VNI_TO || from > to) {
            throw new IllegalArgumentException("vniRange: [" + from + ", " + to + "] is not a range of 24-bit VNIs");
        }
        this.store = store;
        this.directory = directory;
        this.offeringName = offeringName;
        this.from = from;
        this.to = to;
        this.clock = clock;
    }

    String offeringName() {
        return offeringName;
    }

    @Override
    public List<CloudStackNetwork> networks() {
        return store.cloudStackNetworks();
    }

    @Override
    public Optional<CloudStackNetwork> byVni(int vni) {
        return store.cloudStackNetworkByVni(vni);
    }

    Optional<CloudStackNetwork> byUuid(String uuid) {
        return store.cloudStackNetwork(uuid);
    }

    Optional<CloudStackNetwork> byInternalId(long id) {
        return store.cloudStackNetworks().stream().filter(n -> n.internalId() != null && n.internalId() == id).findFirst();
    }

    boolean isHomeNetwork(CsNetwork n) {
        return offeringName.equals(n.offeringName());
    }

    @Override
    public OptionalInt vni(String networkUuid) throws CloudStackException {
        Optional<CloudStackNetwork> known = store.cloudStackNetwork(networkUuid);
        if (known.isPresent()) {
            return OptionalInt.of(known.get().vni());
        }
        CsNetwork n = directory.byUuid(networkUuid).orElseThrow(() -> new CloudStackException("listNetworks", 200, 0,
                "CloudStack has no network " + networkUuid));
        return isHomeNetwork(n) ? OptionalInt.of(allocate(n, null).vni()) : OptionalInt.empty();
    }

    /**
     * The network's mapping, made now if it has none; its numeric id is recorded when given.
     *
     * @throws IllegalArgumentException the network is not a Home Network
     * @throws IllegalStateException    the range has no free VNI
     */
    synchronized CloudStackNetwork allocate(CsNetwork n, Long internalId) {
        if (!isHomeNetwork(n)) {
            throw new IllegalArgumentException("network " + n.id() + " has offering '" + n.offeringName()
                    + "', not '" + offeringName + "'");
        }
        Optional<CloudStackNetwork> known = store.cloudStackNetwork(n.id());
        if (known.isPresent()) {
            CloudStackNetwork k = known.get();
            if (internalId != null && !internalId.equals(k.internalId())) {
                k = new CloudStackNetwork(k.networkUuid(), k.vni(), internalId, k.name(), k.allocatedAt());
                store.putCloudStackNetwork(k);
            }
            return k;
        }
        int vni = nextFree(store.cloudStackNetworks(), store.quarantinedVnis(clock.instant()));
        String name = n.name() == null || n.name().isBlank() ? n.id() : n.name();
        if (name.length() > 255) {
            name = name.substring(0, 255);
        }
        CloudStackNetwork made = new CloudStackNetwork(n.id(), vni, internalId, name, clock.instant());
        store.putCloudStackNetwork(made);
        store.putNetwork(new Network(vni, name));
        LOG.log(Level.INFO, "CloudStack network " + n.id() + " (" + name + ") has VNI " + vni);
        return made;
    }

    private int nextFree(List<CloudStackNetwork> taken, List<io.vnet.manager.store.VniQuarantine> quarantined) {
        BitSet used = new BitSet();
        int highest = from - 1;
        for (CloudStackNetwork t : taken) {
            if (t.vni() >= from && t.vni() <= to) {
                used.set(t.vni() - from);
                highest = Math.max(highest, t.vni());
            }
        }
        for (io.vnet.manager.store.VniQuarantine q : quarantined) {
            if (q.vni() >= from && q.vni() <= to) {
                used.set(q.vni() - from);
                highest = Math.max(highest, q.vni());
            }
        }
        if (highest < to) {
            return highest + 1;
        }
        int free = used.nextClearBit(0);
        if (free > to - from) {
            throw new IllegalStateException("the VNI range " + from + ".." + to + " has no free VNI ("
                    + quarantined.size() + " in quarantine)");
        }
        return from + free;
    }

    /** Forgets the network's VNI (and its store network row); false when it had none. */
    synchronized boolean release(String networkUuid) {
        Optional<CloudStackNetwork> known = store.cloudStackNetwork(networkUuid);
        if (known.isEmpty()) {
            return false;
        }
        int vni = known.get().vni();
        java.time.Instant now = clock.instant();
        store.quarantineVni(new io.vnet.manager.store.VniQuarantine(vni, networkUuid, now, now.plus(quarantine)));
        store.deleteCloudStackNetwork(networkUuid);
        store.deleteNetwork(vni);
        int rows = store.forgetNetworkHistory(vni);
        try {
            onRelease.accept(vni);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "VNI " + vni + ": forgetting it in memory failed: " + e);
        }
        LOG.log(Level.INFO, "CloudStack network " + networkUuid + " released VNI " + vni + ": quarantined until "
                + now.plus(quarantine) + ", its history forgotten (" + rows + " stored row(s))");
        return true;
    }
}
