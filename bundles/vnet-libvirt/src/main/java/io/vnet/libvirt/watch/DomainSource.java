package io.vnet.libvirt.watch;

import java.util.List;
import java.util.Optional;

/** What the {@link Tracker} reads from a libvirt daemon; {@link LibvirtSource} is the real one. */
public interface DomainSource {
    /** A domain's run state, as far as VNET cares. */
    enum State { RUNNING, PAUSED, OTHER }

    /** A domain as read now: its state and its live XML. */
    record Snapshot(String uuid, State state, String xml) {
    }

    /** The UUIDs of the active domains (running or paused). */
    List<String> activeUuids() throws Exception;

    /** The domain with this UUID, if it exists and is active. */
    Optional<Snapshot> domain(String uuid) throws Exception;
}
