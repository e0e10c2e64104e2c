-- VNET manager schema, version 7: managers in a cluster on one database (issue 21). Portable between H2 2.x and
-- PostgreSQL 12+. Lease times are the database's clock in epoch milliseconds (BIGINT), so managers on hosts whose
-- clocks differ agree on who holds what.
--
-- manager_member: every manager of the cluster, with its last heartbeat; a manager is live while its heartbeat is
-- newer than the lease time.
CREATE TABLE manager_member (
    manager_id    VARCHAR(64)  NOT NULL PRIMARY KEY,
    agent_address VARCHAR(255) NOT NULL,
    api_address   VARCHAR(255),
    started_ms    BIGINT       NOT NULL,
    heartbeat_ms  BIGINT       NOT NULL
);

-- network_lease: which manager owns each network until when. epoch grows by one at every change of owner: a
-- write for the network carries the epoch its writer holds and is refused when the lease moved on (fencing).
CREATE TABLE network_lease (
    vni        INTEGER     NOT NULL PRIMARY KEY,
    owner      VARCHAR(64),
    epoch      BIGINT      NOT NULL,
    expires_ms BIGINT      NOT NULL,
    seen_ms    BIGINT      NOT NULL
);
CREATE INDEX network_lease_by_owner ON network_lease (owner);

-- desired_part: what a network's owner wants one host to run for that network (links, rules, quiet links, a JSON
-- document), at a generation of its own per (host, network), written only while the owner's lease holds. The
-- host's manager composes the host's whole state from its parts and records the part generation the host applied.
CREATE TABLE desired_part (
    host_id            VARCHAR(255) NOT NULL,
    vni                INTEGER      NOT NULL,
    generation         BIGINT       NOT NULL,
    epoch              BIGINT       NOT NULL,
    owner              VARCHAR(64)  NOT NULL,
    document           TEXT         NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    applied_generation BIGINT       NOT NULL,
    PRIMARY KEY (host_id, vni)
);
CREATE INDEX desired_part_by_vni ON desired_part (vni);
