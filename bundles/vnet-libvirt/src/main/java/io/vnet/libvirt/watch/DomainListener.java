package io.vnet.libvirt.watch;

import io.vnet.libvirt.DomainInfo;

/** What a {@link DomainWatcher} tells about the domains of its libvirt daemon. Called on one thread. */
public interface DomainListener {
    /**
     * Domain {@code domain} runs on this host, with these NICs; called again whenever they
     * change. {@code arrived}: it has just come here by live migration and should be announced.
     */
    void running(DomainInfo domain, boolean arrived);

    /**
     * Domain {@code domain} is arriving by live migration: it was started here paused while its
     * source still runs it. It runs here at {@link #running} (arrived), or, if the migration
     * fails, is {@link #gone}. Its addresses may show here from the moment it resumes.
     */
    default void arriving(DomainInfo domain) {
    }

    /** The domain with this UUID no longer runs here ({@code why}: stopped, migrated away, undefined...). */
    void gone(String uuid, String why);

    /** The connection to libvirt came up, or was lost ({@code detail} says why; it is retried). */
    default void connection(boolean up, String detail) {
    }
}
