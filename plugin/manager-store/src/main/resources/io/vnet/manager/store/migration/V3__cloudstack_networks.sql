-- VNET manager schema, version 3: the VNIs the manager gave to CloudStack networks.
-- Portable between H2 2.x and PostgreSQL 12+.

-- A CloudStack network of the "Home Network (VNET)" offering and the VNI the manager allocated
-- for it. A VNI is never derived from the network's VLAN: it comes from the configured range,
-- is unique, and stays with the network until the network is destroyed.
CREATE TABLE cloudstack_network (
    network_uuid VARCHAR(64)  NOT NULL PRIMARY KEY,
    vni          INTEGER      NOT NULL,
    internal_id  BIGINT,
    name         VARCHAR(255) NOT NULL,
    allocated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT cloudstack_network_vni UNIQUE (vni)
);
