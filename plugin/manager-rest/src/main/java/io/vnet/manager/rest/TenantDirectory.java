package io.vnet.manager.rest;

import java.util.Set;

/**
 * Where tenants' credentials are checked and their networks found: CloudStack, when the manager is
 * configured with one (the CloudStack bundle registers it). The REST API signs users in with it.
 */
public interface TenantDirectory {
    /**
     * Checks a CloudStack API key and secret key by calling CloudStack's API with them, and finds the
     * account's Home Networks. A root admin account becomes an admin.
     *
     * @throws SignInException {@link SignInException#refused()} when CloudStack refused the keys,
     *                         otherwise CloudStack could not be asked (unreachable, bad answer)
     */
    Identity signIn(String apiKey, String secretKey) throws SignInException;

    /**
     * The VNIs of the account's Home Networks now (as the manager's own CloudStack user sees them),
     * so that a tenant's scope follows networks created or destroyed after sign-in.
     *
     * @throws SignInException CloudStack could not be asked
     */
    Set<Integer> networks(Identity tenant) throws SignInException;

    /** Why a sign-in did not succeed. */
    final class SignInException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean refused;

        /**
         * @param refused true when the credentials are wrong (HTTP 401), false when the directory could not be
         *                asked (HTTP 503)
         */
        public SignInException(String message, boolean refused) {
            super(message);
            this.refused = refused;
        }

        public boolean refused() {
            return refused;
        }
    }
}
