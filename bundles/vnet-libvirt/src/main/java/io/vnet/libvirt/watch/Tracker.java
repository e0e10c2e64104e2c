package io.vnet.libvirt.watch;

import io.vnet.libvirt.DomainInfo;
import io.vnet.libvirt.DomainXml;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which domains run on this host, from lifecycle events and re-listing. A domain counts as
 * running here once it runs (not while paused at the start of an incoming live migration, when
 * its source still runs it); a domain that was paused at its start and then resumes has arrived
 * by migration. Re-listing ({@link #resync()}) repairs whatever events were missed, e.g. while
 * the connection was down. Not thread-safe: one thread calls it.
 */
public final class Tracker {
    private static final System.Logger LOG = System.getLogger(Tracker.class.getName());

    /** Lifecycle event types, as libvirt names them. */
    public enum Event { DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, SHUTDOWN, PMSUSPENDED, CRASHED, UNKNOWN }

    private final DomainSource source;
    private final DomainListener listener;
    private final Map<String, DomainInfo> running = new HashMap<>();
    /** Domains seen paused at their start: incoming migrations until they resume. */
    private final Set<String> incoming = new HashSet<>();

    public Tracker(DomainSource source, DomainListener listener) {
        this.source = source;
        this.listener = listener;
    }

    /**
     * A lifecycle event of domain {@code uuid}; {@code detail} is libvirt's detail name (e.g.
     * "MIGRATED", "BOOTED"), or "UNKNOWN" where libvirt-java does not know it.
     */
    public void event(String uuid, Event type, String detail) throws Exception {
        boolean migrated = "MIGRATED".equals(detail);
        switch (type) {
            case STARTED, RESUMED -> {
                Optional<DomainSource.Snapshot> s = source.domain(uuid);
                if (s.isEmpty()) {
                    drop(uuid, "no longer active");
                } else if (s.get().state() == DomainSource.State.PAUSED) {
                    if (type == Event.STARTED && !running.containsKey(uuid) && incoming.add(uuid)) {
                        arriving(uuid, s.get().xml());
                    }
                } else if (s.get().state() == DomainSource.State.RUNNING) {
                    boolean arrived = incoming.remove(uuid) || migrated;
                    update(uuid, s.get().xml(), arrived);
                }
            }
            case STOPPED, UNDEFINED -> {
                String why = migrated ? "migrated away" : type.name().toLowerCase() + " (" + detail.toLowerCase() + ")";
                if (incoming.remove(uuid) && !running.containsKey(uuid)) {
                    listener.gone(uuid, "its incoming migration ended: " + why);
                }
                drop(uuid, why);
            }
            case CRASHED, SHUTDOWN, DEFINED -> {
                if (running.containsKey(uuid)) {
                    Optional<DomainSource.Snapshot> s = source.domain(uuid);
                    if (s.isEmpty()) {
                        drop(uuid, type.name().toLowerCase());
                    } else if (s.get().state() == DomainSource.State.RUNNING) {
                        update(uuid, s.get().xml(), false);
                    }
                }
            }
            default -> {
                // SUSPENDED (paused, still here), PMSUSPENDED, UNKNOWN: nothing moves
            }
        }
    }

    /** Lists the active domains and brings the picture in line with them. */
    public void resync() throws Exception {
        Set<String> active = new java.util.LinkedHashSet<>(source.activeUuids());
        for (String uuid : active) {
            Optional<DomainSource.Snapshot> s = source.domain(uuid);
            if (s.isPresent() && s.get().state() == DomainSource.State.RUNNING) {
                update(uuid, s.get().xml(), incoming.remove(uuid));
            }
        }
        for (String uuid : new ArrayList<>(running.keySet())) {
            if (!active.contains(uuid)) {
                drop(uuid, "no longer active");
            }
        }
        for (String uuid : new ArrayList<>(incoming)) {
            if (!active.contains(uuid)) {
                incoming.remove(uuid);
                listener.gone(uuid, "its incoming migration ended: no longer active");
            }
        }
    }

    private void arriving(String uuid, String xml) {
        try {
            listener.arriving(DomainXml.parse(xml));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "domain " + uuid + " (arriving): cannot read its XML: " + e.getMessage());
        }
    }

    /** The domains running here now. */
    public List<DomainInfo> running() {
        return List.copyOf(running.values());
    }

    private void update(String uuid, String xml, boolean arrived) {
        DomainInfo d;
        try {
            d = DomainXml.parse(xml);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "domain " + uuid + ": cannot read its XML: " + e.getMessage());
            return;
        }
        DomainInfo old = running.put(uuid, d);
        if (arrived || !d.equals(old)) {
            listener.running(d, arrived);
        }
    }

    private void drop(String uuid, String why) {
        if (running.remove(uuid) != null) {
            listener.gone(uuid, why);
        }
    }
}
