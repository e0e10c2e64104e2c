-- VNET manager schema, version 1. Portable between H2 2.x and PostgreSQL 12+.
-- Times are TIMESTAMP WITH TIME ZONE (microseconds); JSON documents are TEXT.

CREATE TABLE host (
    host_id   VARCHAR(255) NOT NULL PRIMARY KEY,
    address   VARCHAR(255) NOT NULL,
    role      VARCHAR(32)  NOT NULL,
    last_seen TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE network (
    vni  INTEGER      NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL
);

CREATE TABLE vm (
    mac     VARCHAR(17)  NOT NULL PRIMARY KEY,
    vni     INTEGER      NOT NULL,
    host_id VARCHAR(255) NOT NULL
);
CREATE INDEX vm_by_vni ON vm (vni);
CREATE INDEX vm_by_host ON vm (host_id);

CREATE TABLE desired_state (
    host_id    VARCHAR(255) NOT NULL,
    generation BIGINT       NOT NULL,
    document   TEXT         NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (host_id, generation)
);

CREATE TABLE traffic_matrix (
    vni      INTEGER NOT NULL,
    at_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    document TEXT    NOT NULL,
    PRIMARY KEY (vni, at_time)
);

CREATE TABLE topology (
    vni            INTEGER     NOT NULL,
    at_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    topology_class VARCHAR(64) NOT NULL,
    graph          TEXT        NOT NULL,
    PRIMARY KEY (vni, at_time)
);
