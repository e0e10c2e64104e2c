package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.rest.TenantDirectory;
import io.vnet.manager.store.CloudStackNetwork;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * CloudStack as the directory of the manager's tenants. A tenant signs in with the API key and
 * secret key of their CloudStack user: the manager calls {@code listAccounts} with those keys (on
 * the same endpoint, expiry and timeouts as its own client), so CloudStack itself checks the
 * signature. The account found is the tenant's; a root admin account ({@code accounttype} 1, or
 * {@code roletype} "Admin") makes an admin. A tenant's networks are the account's Home Networks, read
 * with the manager's own (admin) keys: {@code listNetworks account=<name> domainid=<id> listall=true},
 * each Home Network mapped to its VNI (allocated when it has none yet). An admin's networks are every
 * Home Network with a VNI.
 */
final class CloudStackTenants implements TenantDirectory {
    private static final System.Logger LOG = System.getLogger(CloudStackTenants.class.getName());
    /** {@link Identity#source()} of the identities made here. */
    static final String SOURCE = "cloudstack";
    /** CloudStack's {@code accounttype} of a root admin ({@code Account.Type.ADMIN}). */
    static final int ROOT_ADMIN_TYPE = 1;
    /** CloudStack's {@code roletype} of a root admin ({@code RoleType.Admin}). */
    static final String ROOT_ADMIN_ROLE = "Admin";

    private final CloudStackClient.Settings manager;
    private final Clock clock;
    private final CloudStackClient admin;
    private final VniMap vnis;
    /** One HTTP client for every sign-in (each has a CloudStack client of its own, for its keys). */
    private final HttpClient http;

    /**
     * @param manager the manager's own client settings: a tenant's client uses their endpoint,
     *                expiry, timeouts and page size with the tenant's keys
     * @param admin   the manager's own client, which reads the accounts' networks
     */
    CloudStackTenants(CloudStackClient.Settings manager, Clock clock, CloudStackClient admin, VniMap vnis) {
        this.manager = manager;
        this.clock = clock;
        this.admin = admin;
        this.vnis = vnis;
        this.http = CloudStackClient.httpClient(manager.requestTimeout());
    }

    @Override
    public Identity signIn(String apiKey, String secretKey) throws SignInException {
        if (apiKey == null || apiKey.isBlank()) {
            throw new SignInException("apiKey: missing: give the API key of your CloudStack user", true);
        }
        if (secretKey == null || secretKey.isBlank()) {
            throw new SignInException("secretKey: missing: give the secret key of your CloudStack user", true);
        }
        String key = apiKey.strip();
        CloudStackClient tenant = new CloudStackClient(new CloudStackClient.Settings(manager.endpoint(), key,
                secretKey.strip(), manager.expires(), manager.requestTimeout(), manager.pageSize()), clock, http);
        List<JsonNode> accounts;
        try {
            accounts = tenant.listAccounts(Map.of());
        } catch (CloudStackException e) {
            throw failure(e);
        }
        Found found = own(accounts, key);
        Identity who = new Identity(found.userName(), found.admin(), found.account(), found.domainId(), Set.of(), SOURCE);
        Identity signedIn = who.withNetworks(networks(who));
        LOG.log(Level.INFO, "CloudStack sign-in: " + signedIn.user() + " of account " + signedIn.account()
                + (signedIn.admin() ? " (root admin)" : ", Home Networks " + signedIn.networks()));
        return signedIn;
    }

    @Override
    public Set<Integer> networks(Identity tenant) throws SignInException {
        Set<Integer> out = new TreeSet<>();
        if (tenant.admin()) {
            vnis.networks().forEach(n -> out.add(n.vni()));
            return out;
        }
        if (tenant.account().isEmpty() || tenant.domainId().isEmpty()) {
            return out;
        }
        List<CsNetwork> listed;
        try {
            listed = admin.listAccountNetworks(tenant.account(), tenant.domainId());
        } catch (CloudStackException e) {
            throw new SignInException("CloudStack could not be asked for the networks of account " + tenant.account()
                    + ": " + e.getMessage(), false);
        }
        for (CsNetwork n : listed) {
            if (n.id() == null || !vnis.isHomeNetwork(n)) {
                continue;
            }
            Optional<CloudStackNetwork> known = vnis.byUuid(n.id());
            if (known.isPresent()) {
                out.add(known.get().vni());
                continue;
            }
            try {
                out.add(vnis.allocate(n, null).vni());
            } catch (IllegalStateException e) {
                LOG.log(Level.WARNING, "Home Network " + n.id() + " of account " + tenant.account()
                        + " has no VNI: " + e.getMessage());
            }
        }
        return out;
    }

    /** The account (and user) of these keys among the accounts CloudStack listed for them. */
    private record Found(String userName, boolean admin, String account, String domainId) {
    }

    /**
     * The caller's own account: the one with a user of this API key, or else the only account listed
     * (a User-role caller sees only its own). An admin's answer lists the accounts of its domain.
     */
    private static Found own(List<JsonNode> accounts, String apiKey) throws SignInException {
        JsonNode account = null;
        JsonNode user = null;
        for (JsonNode a : accounts) {
            for (JsonNode u : a.path("user")) {
                if (apiKey.equals(CloudStackClient.text(u, "apikey"))) {
                    account = a;
                    user = u;
                }
            }
        }
        if (account == null && accounts.size() == 1) {
            account = accounts.get(0);
        }
        if (account == null) {
            throw new SignInException("listAccounts: CloudStack accepted the keys but listed " + accounts.size()
                    + " account(s), none with a user of this API key: cannot tell which account is yours", false);
        }
        String name = CloudStackClient.text(account, "name");
        String domainId = CloudStackClient.text(account, "domainid");
        if (name == null || name.isBlank() || domainId == null || domainId.isBlank()) {
            throw new SignInException("listAccounts: CloudStack's answer has no account name or domainid: " + account,
                    false);
        }
        String userName = user == null ? null : CloudStackClient.text(user, "username");
        boolean rootAdmin = account.path("accounttype").asInt(-1) == ROOT_ADMIN_TYPE
                || ROOT_ADMIN_ROLE.equals(CloudStackClient.text(account, "roletype"));
        return new Found(userName == null || userName.isBlank() ? name : userName, rootAdmin, name, domainId);
    }

    /**
     * What a failed listAccounts means for the sign-in: refused for CloudStack's 401 (bad signature,
     * unknown key, disabled user) and 432 (the user's role may not call listAccounts); otherwise
     * CloudStack could not be asked. The message never holds the secret key (the client's messages
     * name the command and CloudStack's answer, not the signed query).
     */
    static SignInException failure(CloudStackException e) {
        if (!e.unreachable() && (e.errorCode() == 401 || e.httpStatus() == 401)) {
            return new SignInException("CloudStack refused the API key and secret key (error 401: " + e.errorText()
                    + "): check both keys of your CloudStack user", true);
        }
        if (!e.unreachable() && (e.errorCode() == 432 || e.httpStatus() == 432)) {
            return new SignInException("CloudStack does not let this user call listAccounts (error 432: "
                    + e.errorText() + "): the user's role must allow listAccounts to sign in", true);
        }
        return new SignInException("CloudStack could not check the keys: " + e.getMessage(), false);
    }
}
