package io.vnet.manager.rest.impl;

/**
 * What a tenant may set in its networks' adaptation settings, as the admin allows in the
 * configuration ({@code auth.tenantMayMigrate}, {@code auth.tenantMaxMigrationsPerHour}); an admin
 * is not limited. Moving VMs is the admin's to allow: by default a tenant cannot turn migrations on.
 *
 * @param mayMigrate           whether a tenant may turn a network's migrations on
 * @param maxMigrationsPerHour the highest hourly cap of migrations a tenant may set
 */
record TenantLimits(boolean mayMigrate, int maxMigrationsPerHour) {
    static final TenantLimits DEFAULT = new TenantLimits(false, 4);

    TenantLimits {
        if (maxMigrationsPerHour < 0 || maxMigrationsPerHour > 10_000) {
            throw new IllegalArgumentException("tenantMaxMigrationsPerHour: expected 0..10000, got " + maxMigrationsPerHour);
        }
    }

    /**
     * Why a tenant may not change {@code current} into {@code next}, or null if it may: turning
     * migrations on without {@link #mayMigrate}, or raising the hourly cap above
     * {@link #maxMigrationsPerHour} (what the admin set stays as it is when the tenant leaves it).
     */
    String refusal(io.vnet.manager.AdaptationService.Settings current, io.vnet.manager.AdaptationService.Settings next) {
        if (next.migrate() && !current.migrate() && !mayMigrate) {
            return "migrate: moving VMs is the admin's to allow (auth.tenantMayMigrate in the manager's configuration)";
        }
        if (next.maxMigrationsPerHour() > maxMigrationsPerHour
                && next.maxMigrationsPerHour() != current.maxMigrationsPerHour()) {
            return "maxMigrationsPerHour: at most " + maxMigrationsPerHour + " for a tenant"
                    + " (auth.tenantMaxMigrationsPerHour in the manager's configuration), got " + next.maxMigrationsPerHour();
        }
        return null;
    }
}
