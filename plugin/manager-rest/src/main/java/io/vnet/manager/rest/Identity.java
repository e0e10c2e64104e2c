package io.vnet.manager.rest;

import java.util.Set;

/**
 * Who made a request: a signed-in user of the REST API and the UI.
 *
 * @param user     the name shown to people ("admin", or the CloudStack user's name)
 * @param admin    whether the user sees every network, host and VM
 * @param account  the CloudStack account the user acts for ("" for the local admin)
 * @param domainId the CloudStack domain of that account ("" for the local admin)
 * @param networks the VNIs a tenant may see and control (ignored for an admin)
 * @param source   how the user signed in: "local" or "cloudstack"
 */
public record Identity(String user, boolean admin, String account, String domainId, Set<Integer> networks,
                       String source) {
    public Identity {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("an identity needs a user name");
        }
        account = account == null ? "" : account;
        domainId = domainId == null ? "" : domainId;
        networks = Set.copyOf(networks == null ? Set.of() : networks);
        source = source == null ? "" : source;
    }

    /** Whether the user may see and control the network with this VNI. */
    public boolean maySee(int vni) {
        return admin || networks.contains(vni);
    }

    /** The same user with another set of networks (a tenant's networks change while signed in). */
    public Identity withNetworks(Set<Integer> vnis) {
        return new Identity(user, admin, account, domainId, vnis, source);
    }
}
