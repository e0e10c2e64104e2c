package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.SessionStore;
import java.util.HashSet;
import java.util.Set;

/**
 * A signed-in user as the shared session table keeps it ({@code api_session.identity}): the JSON of
 * {@code GET /api/auth/me} without the expiry. Read back with bounds, since another manager (or
 * whoever can write the database) wrote it: a document that is not one is refused with an
 * {@link IllegalArgumentException}, and the token is then unknown.
 */
final class SessionIdentity {
    /** The most networks a tenant's session names. */
    static final int MAX_NETWORKS = 1024;
    /** The longest name, account, domain or source. */
    static final int MAX_TEXT = 256;
    private static final Set<String> FIELDS = Set.of("user", "admin", "account", "domainId", "source", "networks");

    private SessionIdentity() {
    }

    static String write(Identity who) {
        ObjectNode o = ApiServlet.identity(who);
        String s = o.toString();
        if (s.length() > SessionStore.MAX_IDENTITY) {
            throw new IllegalArgumentException("the identity of " + who.user() + " is longer than "
                    + SessionStore.MAX_IDENTITY + " characters (" + who.networks().size() + " networks)");
        }
        return s;
    }

    static Identity read(String json) {
        if (json == null || json.length() > SessionStore.MAX_IDENTITY) {
            throw new IllegalArgumentException("identity: missing or longer than " + SessionStore.MAX_IDENTITY);
        }
        JsonNode o;
        try {
            o = Api.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("identity: not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("identity: expected an object");
        }
        io.vnet.protocol.Json.onlyFields(o, "identity", FIELDS);
        JsonNode admin = o.get("admin");
        if (admin == null || !admin.isBoolean()) {
            throw new IllegalArgumentException("identity.admin: required, true or false");
        }
        JsonNode nets = o.path("networks");
        if (!nets.isArray() || nets.size() > MAX_NETWORKS) {
            throw new IllegalArgumentException("identity.networks: an array of at most " + MAX_NETWORKS + " VNIs");
        }
        Set<Integer> vnis = new HashSet<>();
        for (JsonNode n : nets) {
            if (!n.isInt() || n.intValue() < 1 || n.intValue() > io.vnet.api.NetworkId.MAX_VNI) {
                throw new IllegalArgumentException("identity.networks: " + n + " is not a VNI");
            }
            vnis.add(n.intValue());
        }
        String user = text(o, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("identity.user: required");
        }
        return new Identity(user, admin.booleanValue(), text(o, "account"), text(o, "domainId"), vnis, text(o, "source"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual() || n.textValue().length() > MAX_TEXT) {
            throw new IllegalArgumentException("identity." + field + ": required, a string of at most " + MAX_TEXT);
        }
        return n.textValue();
    }
}
