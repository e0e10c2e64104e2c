-- VNET manager schema, version 4: a VNI released by a destroyed CloudStack network waits out a
-- quarantine before another network may get it. Portable between H2 2.x and PostgreSQL 12+.
CREATE TABLE vni_quarantine (
    vni          INTEGER     NOT NULL PRIMARY KEY,
    network_uuid VARCHAR(64) NOT NULL,
    released_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    until_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
