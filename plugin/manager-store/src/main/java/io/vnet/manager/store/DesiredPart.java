package io.vnet.manager.store;

import java.time.Instant;

/**
 * A network's part of one host's desired state, as its owner wrote it.
 *
 * @param hostId            the host
 * @param vni               the network
 * @param generation        grows with every change of this (host, network) part, across owners
 * @param epoch             the owner's lease epoch when it wrote it
 * @param owner             the manager that wrote it
 * @param document          the links, rules and quiet links (JSON, not interpreted here)
 * @param createdAt         when it was written
 * @param appliedGeneration the newest generation of this part the host applied (-1: none)
 */
public record DesiredPart(String hostId, int vni, long generation, long epoch, String owner, String document,
                          Instant createdAt, long appliedGeneration) {
    public DesiredPart {
        Checks.text("hostId", hostId, 255);
        Checks.vni("vni", vni);
        Checks.text("owner", owner, 64);
        Checks.json("document", document);
        createdAt = Checks.time("createdAt", createdAt);
    }
}
