package io.vnet.manager.agents;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.manager.DesiredState;
import io.vnet.api.UnpairedTraffic;
import io.vnet.manager.VmInstance;
import io.vnet.protocol.CertIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a proxy may carry, derived from its certificate: the networks of the tenant it names
 * ({@link TenantNetworks}). What such a proxy reports of other networks (networks, VM addresses,
 * VMs' NICs, traffic) is ignored and counted ({@link #ignored()}), so the manager never plans it
 * into another tenant's overlay; the desired state sent to it is narrowed to its tenant's
 * networks (never widened). A host, a session without a certificate, or a manager without a
 * tenant directory is not narrowed ({@link #allowed} is null).
 */
final class ProxyScope {
    private static final System.Logger LOG = System.getLogger(ProxyScope.class.getName());
    private final TenantNetworks tenants;
    private final AtomicLong ignored = new AtomicLong();

    ProxyScope(TenantNetworks tenants) {
        this.tenants = tenants;
    }

    static ProxyScope unscoped() {
        return new ProxyScope(TenantNetworks.none());
    }

    /** The networks the holder of {@code id} may carry; null: not narrowed. */
    Set<NetworkId> allowed(CertIdentity id) {
        if (id == null || !CertIdentity.PROXY.equals(id.role()) || !tenants.configured()) {
            return null;
        }
        return tenants.networks(id.tenant());
    }

    /** How many reported entries (networks, addresses, NICs, traffic entries) were ignored, and links or rules not sent. */
    long ignored() {
        return ignored.get();
    }

    private boolean out(Set<NetworkId> allowed, NetworkId n) {
        if (allowed == null || allowed.contains(n)) {
            return false;
        }
        ignored.incrementAndGet();
        return true;
    }

    /** Those of {@code reported} outside {@code allowed} (none if not narrowed), for the log. */
    static Set<NetworkId> outside(Set<NetworkId> allowed, Collection<NetworkId> reported) {
        Set<NetworkId> out = new TreeSet<>();
        if (allowed != null) {
            reported.stream().filter(n -> !allowed.contains(n)).forEach(out::add);
        }
        return out;
    }

    List<NetworkId> networks(Set<NetworkId> allowed, List<NetworkId> reported) {
        List<NetworkId> out = new ArrayList<>();
        for (NetworkId n : reported) {
            if (!out(allowed, n)) {
                out.add(n);
            }
        }
        return List.copyOf(out);
    }

    Map<NetworkId, List<MacAddress>> vms(Set<NetworkId> allowed, Map<NetworkId, List<MacAddress>> reported) {
        Map<NetworkId, List<MacAddress>> out = new java.util.TreeMap<>();
        reported.forEach((n, macs) -> {
            if (allowed == null || allowed.contains(n)) {
                out.put(n, macs);
            } else {
                ignored.addAndGet(macs.size());
            }
        });
        return out;
    }

    List<VmInstance> instances(Set<NetworkId> allowed, List<VmInstance> reported) {
        if (allowed == null) {
            return reported;
        }
        List<VmInstance> out = new ArrayList<>();
        for (VmInstance v : reported) {
            List<VmInstance.Nic> nics = new ArrayList<>();
            for (VmInstance.Nic nic : v.nics()) {
                if (!out(allowed, nic.network())) {
                    nics.add(nic);
                }
            }
            out.add(nics.size() == v.nics().size() ? v
                    : new VmInstance(v.uuid(), v.name(), v.hostId(), v.source(), nics, v.registeredAt()));
        }
        return List.copyOf(out);
    }

    TrafficReport traffic(Set<NetworkId> allowed, TrafficReport report) {
        if (allowed == null) {
            return report;
        }
        List<PairCount> pairs = new ArrayList<>();
        for (PairCount p : report.pairs()) {
            if (!out(allowed, p.network())) {
                pairs.add(p);
            }
        }
        List<UnpairedTraffic> rest = new ArrayList<>();
        for (UnpairedTraffic r : report.rest()) {
            if (!out(allowed, r.network())) {
                rest.add(r);
            }
        }
        return new TrafficReport(List.copyOf(pairs), List.copyOf(rest), report.skipped(), report.refusedPairs());
    }

    /**
     * {@code d} with only {@code allowed}'s networks: each link carries at most those (a link left
     * with none is not sent), rules of other networks are not sent. {@code d} itself if nothing
     * was left out.
     */
    DesiredState desired(Set<NetworkId> allowed, DesiredState d) {
        if (allowed == null) {
            return d;
        }
        List<LinkSpec> links = new ArrayList<>();
        boolean narrowed = false;
        for (LinkSpec l : d.links()) {
            List<NetworkId> keep = l.networks().stream().filter(allowed::contains).toList();
            if (keep.size() != l.networks().size()) {
                narrowed = true;
                ignored.addAndGet(l.networks().size() - keep.size());
            }
            if (!keep.isEmpty()) {
                links.add(keep.size() == l.networks().size() ? l : l.withNetworks(keep));
            }
        }
        List<ForwardingRule> rules = new ArrayList<>();
        for (ForwardingRule r : d.rules()) {
            if (out(allowed, r.network())) {
                narrowed = true;
            } else {
                rules.add(r);
            }
        }
        List<io.vnet.api.QuietLink> quiet = new ArrayList<>();
        for (io.vnet.api.QuietLink q : d.quiet()) {
            List<NetworkId> keep = q.networks().stream().filter(allowed::contains).toList();
            narrowed |= keep.size() != q.networks().size();
            if (!keep.isEmpty()) {
                quiet.add(keep.size() == q.networks().size() ? q : new io.vnet.api.QuietLink(q.link(), keep));
            }
        }
        if (!narrowed) {
            return d;
        }
        LOG.log(System.Logger.Level.WARNING, "desired state generation " + d.generation() + " of " + d.hostId()
                + " names networks outside what its certificate lets it carry (" + describe(allowed)
                + "); it is sent without them");
        return new DesiredState(d.hostId(), d.generation(), links, rules, quiet);
    }

    /** For a log line: "networks [100, 101] of tenant alice". */
    static String describe(Set<NetworkId> allowed) {
        return allowed == null ? "any network" : "networks " + new TreeSet<>(allowed);
    }
}
