package io.vnet.manager.store;

/**
 * A manager of the cluster.
 *
 * @param id           its name, unique in the cluster
 * @param agentAddress where agents and the other managers reach it (HOST:PORT)
 * @param apiAddress   its REST API's base address (for the page and for forwarding), or null
 * @param startedMs    when it joined (the database's clock)
 * @param heartbeatMs  its last heartbeat (the database's clock)
 */
public record ManagerMember(String id, String agentAddress, String apiAddress, long startedMs, long heartbeatMs) {
    public ManagerMember {
        Checks.text("id", id, 64);
        Checks.text("agentAddress", agentAddress, 255);
        if (apiAddress != null) {
            Checks.text("apiAddress", apiAddress, 255);
        }
    }
}
